using System.Threading.Tasks;
using Xunit;
using Verify = PerfAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<PerfAnalyzers.Rules.Loading.NPlusOneThroughCallAnalyzer>;

namespace PerfAnalyzers.Tests.Rules.Loading
{
    /// <summary>EFP104 through generic repository bases: calls resolved through the receiver's static type (issue 10).</summary>
    public class NPlusOneThroughRepositoryTests
    {
        private const string Repositories = """
            public interface IRepository<T, TId> where T : class
            {
                Task<T> GetByIdAsync(TId id, CancellationToken ct = default);
                Task CreateAsync(T entity, CancellationToken ct = default);
                T Describe(T entity);
            }

            public abstract class Repository<T, TId> : IRepository<T, TId> where T : class
            {
                protected readonly BlogContext Db;
                protected Repository(BlogContext db) => Db = db;
                public virtual async Task<T> GetByIdAsync(TId id, CancellationToken ct = default) => await Db.Set<T>().FindAsync(new object[] { id }, ct);
                public virtual async Task CreateAsync(T entity, CancellationToken ct = default) { Db.Set<T>().Add(entity); await Db.SaveChangesAsync(ct); }
                public T Describe(T entity) => entity;
            }

            public interface IAuthorRepository : IRepository<Author, int> { }
            public class AuthorRepository : Repository<Author, int>, IAuthorRepository { public AuthorRepository(BlogContext db) : base(db) { } }

            public interface IPostRepository : IRepository<Post, int> { }
            public class PostRepository : Repository<Post, int>, IPostRepository
            {
                public PostRepository(BlogContext db) : base(db) { }
                public override Task<Post> GetByIdAsync(int id, CancellationToken ct = default)
                    => Db.Posts.Include(p => p.Comments).FirstOrDefaultAsync(p => p.Id == id, ct);
            }

            // A generic decorator: IRepository<T, TId>.GetByIdAsync alone has several implementations.
            public class NullRepository<T, TId> : IRepository<T, TId> where T : class
            {
                public Task<T> GetByIdAsync(TId id, CancellationToken ct = default) => Task.FromResult<T>(null);
                public Task CreateAsync(T entity, CancellationToken ct = default) => Task.CompletedTask;
                public T Describe(T entity) => entity;
            }
            """;

        [Fact]
        public async Task Reports_methods_inherited_from_a_generic_base_through_the_receivers_interface()
        {
            var source = Repositories + """

                public class Service
                {
                    private readonly IAuthorRepository _authors;
                    private readonly IPostRepository _posts;
                    private readonly AuthorRepository _concrete;
                    public Service(IAuthorRepository authors, IPostRepository posts, AuthorRepository concrete) { _authors = authors; _posts = posts; _concrete = concrete; }

                    public async Task Run(List<Post> posts, List<Author> newAuthors, CancellationToken ct)
                    {
                        foreach (var post in posts)
                        {
                            var author = await _authors.{|#0:GetByIdAsync|}(post.AuthorId ?? 0, ct);
                            var again = await _posts.{|#1:GetByIdAsync|}(post.Id, ct);
                            var third = await _concrete.{|#2:GetByIdAsync|}(post.AuthorId ?? 0, ct);
                        }

                        foreach (var author in newAuthors)
                        {
                            await _authors.{|#3:CreateAsync|}(author, ct);
                        }
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(
                source,
                // #0 and #2 run the same method (through the interface and through the concrete type): one finding.
                Verify.Diagnostic("EFP104").WithLocation(0).WithLocation(2).WithArguments("GetByIdAsync", "iteration of this 'foreach' loop", "Repository<Author, int>.GetByIdAsync -> FindAsync"),
                Verify.Diagnostic("EFP104").WithLocation(1).WithArguments("GetByIdAsync", "iteration of this 'foreach' loop", "PostRepository.GetByIdAsync -> FirstOrDefaultAsync"),
                Verify.Diagnostic("EFP104").WithLocation(3).WithArguments("CreateAsync", "iteration of this 'foreach' loop", "Repository<Author, int>.CreateAsync -> SaveChangesAsync"));
        }

        [Fact]
        public async Task Reports_through_a_service_method_that_calls_the_repository()
        {
            var source = Repositories + """

                public class AuthorService
                {
                    private readonly IAuthorRepository _authors;
                    public AuthorService(IAuthorRepository authors) => _authors = authors;
                    public Task<Author> FindAuthor(int id) => _authors.GetByIdAsync(id);
                }

                public class Page
                {
                    public async Task Render(AuthorService service, int[] ids)
                    {
                        for (var i = 0; i < ids.Length; i++)
                        {
                            await service.{|#0:FindAuthor|}(ids[i]);
                        }
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(
                source,
                Verify.Diagnostic("EFP104").WithLocation(0).WithArguments("FindAuthor", "iteration of this 'for' loop", "AuthorService.FindAuthor -> Repository<Author, int>.GetByIdAsync -> FindAsync"));
        }

        [Fact]
        public async Task Does_not_report_ambiguous_receivers_in_memory_repositories_or_pure_members()
        {
            var source = Repositories + """

                public interface IBlogRepository : IRepository<Blog, int> { }
                public class BlogRepository : Repository<Blog, int>, IBlogRepository { public BlogRepository(BlogContext db) : base(db) { } }

                // Pure in-memory: no implementation touches the database.
                public interface ITagCache : IRepository<Tag, int> { }
                public class TagCache : ITagCache
                {
                    private readonly Dictionary<int, Tag> _tags = new();
                    public Task<Tag> GetByIdAsync(int id, CancellationToken ct = default) => Task.FromResult(_tags.TryGetValue(id, out var t) ? t : null);
                    public Task CreateAsync(Tag entity, CancellationToken ct = default) { _tags[entity.Id] = entity; return Task.CompletedTask; }
                    public Tag Describe(Tag entity) => entity;
                }

                public class Service
                {
                    public async Task Run(IRepository<Blog, int> blogs, IRepository<Author, int> authors, ITagCache tags, IAuthorRepository named, List<int> ids)
                    {
                        foreach (var id in ids)
                        {
                            // IRepository<Blog, int>: BlogRepository or NullRepository<Blog, int>.
                            await blogs.GetByIdAsync(id);
                            await authors.GetByIdAsync(id);
                            await tags.GetByIdAsync(id);
                            await tags.CreateAsync(new Tag { Id = id });
                            named.Describe(null);
                        }
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_a_loop_inside_the_generic_base_over_its_own_virtual_method()
        {
            // Inside Repository<T, TId> the receiver is 'this' over type parameters: the subclasses run different bodies
            // (PostRepository overrides), so the base's own body is summarized, as for any virtual call.
            const string end = "    public T Describe(T entity) => entity;\n}";
            var at = Repositories.IndexOf(end, System.StringComparison.Ordinal);
            var source = Repositories.Substring(0, at) + """
                    public T Describe(T entity) => entity;
                    public async Task<List<T>> GetManyAsync(IEnumerable<TId> ids)
                    {
                        var list = new List<T>();
                        foreach (var id in ids)
                        {
                            list.Add(await {|#0:GetByIdAsync|}(id));
                        }

                        return list;
                    }
                }
                """ + Repositories.Substring(at + end.Length);
            await Verify.VerifyAnalyzerAsync(
                source,
                Verify.Diagnostic("EFP104").WithLocation(0).WithArguments("GetByIdAsync", "iteration of this 'foreach' loop", "GetByIdAsync -> FindAsync"));
        }

        [Theory]
        [InlineData("dotnet_code_quality.EFP104.round_trip_types = IOrderStore, Other.Thing", true)]
        [InlineData("dotnet_code_quality.round_trip_types = Shop.IOrderStore", true)]
        [InlineData("dotnet_code_quality.EFP104.round_trip_types = IOrder", false)]
        [InlineData("", false)]
        public async Task Listed_round_trip_types_stand_for_implementations_in_other_projects(string option, bool reports)
        {
            // IOrderStore's implementation lives in another project: its body is not in this compilation.
            var source = """
                namespace Shop
                {
                    public interface IOrderStore
                    {
                        Task<Blog> GetAsync(int id);
                        IQueryable<Blog> Query();
                    }

                    public class Service
                    {
                        public async Task Run(IOrderStore store, List<int> ids)
                        {
                            foreach (var id in ids)
                            {
                                await store.{|#0:GetAsync|}(id);
                                var q = store.Query();
                            }

                            await store.GetAsync(0);
                        }
                    }
                }
                """;
            var test = Verify.Create(source.Replace("{|#0:GetAsync|}", reports ? "{|#0:GetAsync|}" : "GetAsync"));
            test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n[*.cs]\n" + option + "\n"));
            if (reports)
            {
                test.ExpectedDiagnostics.Add(Verify.Diagnostic("EFP104").WithLocation(0)
                    .WithArguments("GetAsync", "iteration of this 'foreach' loop", "IOrderStore.GetAsync (listed in round_trip_types)"));
            }

            await test.RunAsync();
        }

        [Fact]
        public async Task Does_not_report_a_batch_the_loop_accumulates_but_reports_a_per_element_list()
        {
            var source = Repositories + """

                public interface ITagRepository : IRepository<Tag, int> { Task AddRange(List<Tag> tags); }
                public class TagRepository : Repository<Tag, int>, ITagRepository
                {
                    public TagRepository(BlogContext db) : base(db) { }
                    public async Task AddRange(List<Tag> tags) { Db.Tags.AddRange(tags); await Db.SaveChangesAsync(); }
                }

                public class Sync
                {
                    public async Task Run(ITagRepository tags, Func<int, Task<List<string>>> fetchPage, List<string> labels)
                    {
                        var batch = new List<Tag>();
                        var page = 0;
                        var labelsOfPage = await fetchPage(page);
                        while (labelsOfPage.Count > 0)
                        {
                            foreach (var label in labelsOfPage)
                            {
                                batch.Add(new Tag { Label = label });
                            }

                            Collect(labelsOfPage, batch);

                            await tags.AddRange(batch);
                            batch.Clear();
                            labelsOfPage = await fetchPage(++page);
                        }

                        foreach (var label in labels)
                        {
                            var one = new List<Tag> { new Tag { Label = label } };
                            await tags.{|#0:AddRange|}(one);
                        }
                    }

                    static void Collect(List<string> labels, List<Tag> into) => into.AddRange(labels.Select(l => new Tag { Label = l }));
                }
                """;
            await Verify.VerifyAnalyzerAsync(
                source,
                Verify.Diagnostic("EFP104").WithLocation(0).WithArguments("AddRange", "iteration of this 'foreach' loop", "TagRepository.AddRange -> SaveChangesAsync"));
        }

        [Fact]
        public async Task No_crash_on_a_receiver_that_does_not_bind()
        {
            var source = Repositories + """

                public class Service
                {
                    public async Task Run(List<int> ids)
                    {
                        foreach (var id in ids)
                        {
                            await {|#0:_missing|}.GetByIdAsync(id);
                        }
                    }
                }
                """;
            var test = Verify.Create(source);
            test.ExpectedDiagnostics.Add(Microsoft.CodeAnalysis.Testing.DiagnosticResult.CompilerError("CS0103").WithLocation(0).WithArguments("_missing"));
            await test.RunAsync();
        }
    }
}
