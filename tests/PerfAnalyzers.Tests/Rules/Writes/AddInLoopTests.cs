using System.Linq;
using System.Threading.Tasks;
using PerfAnalyzers.Tests.Verifiers;
using Xunit;
using VerifyCS = PerfAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    PerfAnalyzers.Rules.Writes.AddInLoopAnalyzer,
    PerfAnalyzers.CodeFixes.Rules.Writes.AddInLoopFixer>;

namespace PerfAnalyzers.Tests.Rules.Writes
{
    public class AddInLoopTests
    {
        [Fact]
        public void Is_retired_off_by_default_and_hidden()
        {
            // Issue 9: no measurable gain on SQLite or PostgreSQL (docs/rules/EFP202.md). The tests below run it enabled.
            var descriptor = new PerfAnalyzers.Rules.Writes.AddInLoopAnalyzer().SupportedDiagnostics.Single();
            Assert.Equal("EFP202", descriptor.Id);
            Assert.False(descriptor.IsEnabledByDefault);
            Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Hidden, descriptor.DefaultSeverity);
        }

        [Fact]
        public async Task Reports_add_on_dbset_and_context_in_loops()
        {
            var source = """
                class C
                {
                    void M(BlogContext db, List<string> names)
                    {
                        foreach (var name in names)
                        {
                            var blog = new Blog { Name = name };
                            db.Blogs.{|#0:Add|}(blog);
                        }

                        for (var i = 0; i < names.Count; i++)
                        {
                            db.{|#1:Add|}(new Author { Name = names[i] });
                        }

                        names.ForEach(n => db.Tags.{|#2:Add|}(new Tag { Label = n }));
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("EFP202").WithLocation(0).WithArguments("Add", "foreach", "AddRange"),
                VerifyCS.Diagnostic("EFP202").WithLocation(1).WithArguments("Add", "for", "AddRange"),
                VerifyCS.Diagnostic("EFP202").WithLocation(2).WithArguments("Add", "List.ForEach", "AddRange"));
        }

        [Fact]
        public async Task Does_not_report_loops_that_do_more_than_build_and_add()
        {
            var source = """
                class C
                {
                    void ReadsGeneratedKey(BlogContext db, List<string> names, List<int> ids)
                    {
                        foreach (var name in names)
                        {
                            var blog = new Blog { Name = name };
                            db.Blogs.Add(blog);
                            ids.Add(blog.Id);
                        }
                    }

                    void Saves(BlogContext db, List<string> names)
                    {
                        foreach (var name in names)
                        {
                            db.Blogs.Add(new Blog { Name = name });
                            db.SaveChanges();
                        }
                    }

                    void Queries(BlogContext db, List<string> names)
                    {
                        foreach (var name in names)
                        {
                            var blog = db.Blogs.First(b => b.Name == name);
                            db.Posts.Add(new Post { BlogId = blog.Id });
                        }
                    }

                    void UsesEntry(BlogContext db, List<string> names)
                    {
                        foreach (var name in names)
                        {
                            var entry = db.Blogs.Add(new Blog { Name = name });
                            entry.State = EntityState.Added;
                        }
                    }

                    void UsesContextOtherwise(BlogContext db, List<Blog> blogs)
                    {
                        foreach (var blog in blogs)
                        {
                            if (db.Blogs.Local.Any(b => b.Name == blog.Name)) continue;
                            db.Blogs.Add(blog);
                        }
                    }

                    void Retry(BlogContext db)
                    {
                        while (true)
                        {
                            db.Blogs.Add(new Blog());
                            break;
                        }
                    }

                    void NotInLoop(BlogContext db) => db.Blogs.Add(new Blog());

                    void NotEf(List<Blog> list, List<string> names)
                    {
                        foreach (var n in names) list.Add(new Blog { Name = n });
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Fix_collects_and_adds_range_after_the_loop()
        {
            var source = """
                class C
                {
                    void M(BlogContext db, List<string> names)
                    {
                        // import
                        foreach (var name in names)
                        {
                            var blog = new Blog { Name = name };
                            db.Blogs.{|#0:Add|}(blog); // add
                        }

                        db.SaveChanges();
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    void M(BlogContext db, List<string> names)
                    {
                        // import
                        var blogsToAdd = new List<Blog>();
                        foreach (var name in names)
                        {
                            var blog = new Blog { Name = name };
                            blogsToAdd.Add(blog); // add
                        }

                        db.Blogs.AddRange(blogsToAdd);

                        db.SaveChanges();
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10,
                VerifyCS.Diagnostic("EFP202").WithLocation(0).WithArguments("Add", "foreach", "AddRange"));
        }

        [Theory]
        [InlineData(EfVersion.Ef10)]
        [InlineData(EfVersion.Ef8)]
        public async Task Fix_keeps_async_token_and_configure_await(EfVersion version)
        {
            var source = """
                class C
                {
                    async Task M(BlogContext db, string[] labels, CancellationToken ct)
                    {
                        foreach (var label in labels)
                        {
                            if (label.Length == 0) continue;
                            await db.{|#0:AddAsync|}(new Category { Label = label }, ct).ConfigureAwait(false);
                        }
                    }
                }

                class Category { public int Id { get; set; } public string Label { get; set; } }
                """;
            var fixedSource = """
                class C
                {
                    async Task M(BlogContext db, string[] labels, CancellationToken ct)
                    {
                        var categoriesToAdd = new List<Category>();
                        foreach (var label in labels)
                        {
                            if (label.Length == 0) continue;
                            categoriesToAdd.Add(new Category { Label = label });
                        }

                        await db.AddRangeAsync(categoriesToAdd, ct).ConfigureAwait(false);
                    }
                }

                class Category { public int Id { get; set; } public string Label { get; set; } }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, version,
                VerifyCS.Diagnostic("EFP202").WithLocation(0).WithArguments("AddAsync", "foreach", "AddRangeAsync"));
        }

        [Fact]
        public async Task Fix_all_uses_distinct_names_in_one_method()
        {
            var source = """
                namespace N
                {
                    class C
                    {
                        void M(BlogContext db, string[] names, int[] views)
                        {
                            foreach (var name in names)
                                db.Posts.{|#0:Add|}(new Post { Title = name });

                            for (var i = 0; i < views.Length; i++)
                            {
                                db.Posts.{|#1:Add|}(new Post { Views = views[i] });
                            }
                        }
                    }
                }
                """;
            var fixedSource = """
                namespace N
                {
                    class C
                    {
                        void M(BlogContext db, string[] names, int[] views)
                        {
                            var postsToAdd = new List<Post>();
                            foreach (var name in names)
                                postsToAdd.Add(new Post { Title = name });

                            db.Posts.AddRange(postsToAdd);

                            var postsToAdd2 = new List<Post>();
                            for (var i = 0; i < views.Length; i++)
                            {
                                postsToAdd2.Add(new Post { Views = views[i] });
                            }

                            db.Posts.AddRange(postsToAdd2);
                        }
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10,
                VerifyCS.Diagnostic("EFP202").WithLocation(0).WithArguments("Add", "foreach", "AddRange"),
                VerifyCS.Diagnostic("EFP202").WithLocation(1).WithArguments("Add", "for", "AddRange"));
        }

        [Fact]
        public async Task Fix_does_not_name_the_list_after_a_catch_variable_or_local_function_of_the_method()
        {
            // Declared in a later nested scope, neither is in scope at the loop, yet a list of that name would clash with
            // them (CS0136): the name the fix picks skips them, as the projection fix's lambda parameter does.
            var source = """
                namespace N
                {
                    class C
                    {
                        void M(BlogContext db, string[] names)
                        {
                            foreach (var name in names)
                                db.Posts.{|#0:Add|}(new Post { Title = name });

                            try
                            {
                                db.SaveChanges();
                            }
                            catch (System.Exception postsToAdd)
                            {
                                System.Console.WriteLine(postsToAdd.Message);
                                void postsToAdd2() { }
                                postsToAdd2();
                            }
                        }
                    }
                }
                """;
            var fixedSource = """
                namespace N
                {
                    class C
                    {
                        void M(BlogContext db, string[] names)
                        {
                            var postsToAdd3 = new List<Post>();
                            foreach (var name in names)
                                postsToAdd3.Add(new Post { Title = name });

                            db.Posts.AddRange(postsToAdd3);

                            try
                            {
                                db.SaveChanges();
                            }
                            catch (System.Exception postsToAdd)
                            {
                                System.Console.WriteLine(postsToAdd.Message);
                                void postsToAdd2() { }
                                postsToAdd2();
                            }
                        }
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10,
                VerifyCS.Diagnostic("EFP202").WithLocation(0).WithArguments("Add", "foreach", "AddRange"));
        }

        [Fact]
        public async Task Fix_does_not_name_the_list_after_a_later_query_range_variable()
        {
            // A range variable of a later query expression clashes with a local of the same name (CS1931): NewLocalNames
            // skips it, as EFP101's fix did with its own scan of every identifier of the member.
            var source = """
                namespace N
                {
                    class C
                    {
                        void M(BlogContext db, string[] names)
                        {
                            foreach (var name in names)
                                db.Posts.{|#0:Add|}(new Post { Title = name });

                            var titles = from postsToAdd in db.Posts select postsToAdd.Title;
                        }
                    }
                }
                """;
            var fixedSource = """
                namespace N
                {
                    class C
                    {
                        void M(BlogContext db, string[] names)
                        {
                            var postsToAdd2 = new List<Post>();
                            foreach (var name in names)
                                postsToAdd2.Add(new Post { Title = name });

                            db.Posts.AddRange(postsToAdd2);

                            var titles = from postsToAdd in db.Posts select postsToAdd.Title;
                        }
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10,
                VerifyCS.Diagnostic("EFP202").WithLocation(0).WithArguments("Add", "foreach", "AddRange"));
        }

        [Fact]
        public async Task Fix_in_generic_helper_lambda_names_the_list_after_entities()
        {
            var source = """
                class Fixture
                {
                    Task Run(Func<BlogContext, Task> action) => action(new BlogContext());

                    public Task InsertAsync<T>(params T[] entities) where T : class
                    {
                        return Run(db =>
                        {
                            foreach (var entity in entities)
                            {
                                db.Set<T>().{|#0:Add|}(entity);
                            }
                            return db.SaveChangesAsync();
                        });
                    }
                }
                """;
            var fixedSource = """
                class Fixture
                {
                    Task Run(Func<BlogContext, Task> action) => action(new BlogContext());

                    public Task InsertAsync<T>(params T[] entities) where T : class
                    {
                        return Run(db =>
                        {
                            var entitiesToAdd = new List<T>();
                            foreach (var entity in entities)
                            {
                                entitiesToAdd.Add(entity);
                            }

                            db.Set<T>().AddRange(entitiesToAdd);
                            return db.SaveChangesAsync();
                        });
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10,
                VerifyCS.Diagnostic("EFP202").WithLocation(0).WithArguments("Add", "foreach", "AddRange"));
        }

        [Fact]
        public async Task No_fix_when_moving_the_add_would_change_meaning()
        {
            var source = """
                class C
                {
                    void TwoAdds(BlogContext db, string[] names)
                    {
                        foreach (var name in names)
                        {
                            db.Blogs.{|#0:Add|}(new Blog { Name = name });
                            db.Authors.{|#1:Add|}(new Author { Name = name });
                        }
                    }

                    void Returns(BlogContext db, string[] names)
                    {
                        foreach (var name in names)
                        {
                            if (name == null) return;
                            db.Blogs.{|#2:Add|}(new Blog { Name = name });
                        }
                    }

                    void Lambda(BlogContext db, List<string> names) => names.ForEach(n => db.Blogs.{|#3:Add|}(new Blog { Name = n }));
                }
                """;
            var test = VerifyCS.Create(source, source);
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP202").WithLocation(0).WithArguments("Add", "foreach", "AddRange"));
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP202").WithLocation(1).WithArguments("Add", "foreach", "AddRange"));
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP202").WithLocation(2).WithArguments("Add", "foreach", "AddRange"));
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP202").WithLocation(3).WithArguments("Add", "List.ForEach", "AddRange"));
            await test.RunAsync();
        }

        [Fact]
        public async Task Survives_half_typed_code()
        {
            var source = """
                class C
                {
                    void M(BlogContext db, string[] names)
                    {
                        foreach (var name in names)
                        {
                            db.Blogs.{|CS7036:Add|}();
                            db.{|CS1061:Unknown|}.Add(new Blog());
                        }
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Does_not_report_without_ef_core()
        {
            var source = """
                using System.Collections.Generic;
                class DbSet { public void Add(object o) { } }
                class C
                {
                    void M(DbSet set, List<string> names)
                    {
                        foreach (var n in names) set.Add(n);
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source, EfVersion.None);
        }
    }
}
