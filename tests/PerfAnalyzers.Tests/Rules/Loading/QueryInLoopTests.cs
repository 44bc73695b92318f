using System.Threading.Tasks;
using PerfAnalyzers.Tests.Verifiers;
using Xunit;
using VerifyCS = PerfAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    PerfAnalyzers.Rules.Loading.QueryInLoopAnalyzer,
    PerfAnalyzers.CodeFixes.Rules.Loading.QueryInLoopFixer>;

namespace PerfAnalyzers.Tests.Rules.Loading
{
    public class QueryInLoopTests
    {
        // ---------- reports ----------

        [Fact]
        public async Task Reports_query_operators_in_statement_loops()
        {
            var source = """
                class C
                {
                    void M(BlogContext db, List<Blog> blogs, int[] ids)
                    {
                        foreach (var blog in blogs)
                        {
                            var posts = db.Posts.Where(p => p.BlogId == blog.Id && p.Views > blog.Rating).{|#0:ToList|}();
                        }

                        for (var i = 0; i < ids.Length; i++)
                        {
                            var post = db.Posts.{|#1:Find|}(ids[i]);
                        }

                        var n = 0;
                        while (n < ids.Length)
                        {
                            var count = db.Comments.{|#2:Count|}(c => c.PostId == ids[n]);
                            n++;
                        }
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("EFP101").WithLocation(0).WithArguments("ToList", "query", "iteration of this 'foreach' loop"),
                VerifyCS.Diagnostic("EFP101").WithLocation(1).WithArguments("Find", "query", "iteration of this 'for' loop"),
                VerifyCS.Diagnostic("EFP101").WithLocation(2).WithArguments("Count", "query", "iteration of this 'while' loop"));
        }

        [Fact]
        public async Task A_foreach_over_an_optional_value_is_no_repetition_but_a_loop_around_it_is()
        {
            // ErsatzTV (LanguageExt): `Option<Playout> maybePlayout = await ...SelectOneAsync(..); foreach (Playout playout in
            // maybePlayout) { ... }` runs its body once or not at all. Recognized by shape: the type converts implicitly from
            // its element type and is not a collection. A list-like type with the same conversion, or a loop around the
            // optional one, still repeats.
            var source = """
                public readonly struct Option<T> : IEnumerable<T>
                {
                    private readonly T _value;
                    private readonly bool _some;
                    private Option(T value) { _value = value; _some = value is not null; }
                    public static implicit operator Option<T>(T value) => new Option<T>(value);
                    public IEnumerator<T> GetEnumerator() { if (_some) yield return _value; }
                    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
                }

                public class Bag<T> : List<T>
                {
                    public static implicit operator Bag<T>(T value) => new Bag<T> { value };
                }

                class C
                {
                    void M(BlogContext db, int id, List<int> ids)
                    {
                        Option<Blog> maybeBlog = db.Blogs.Find(id);
                        foreach (var blog in maybeBlog)
                        {
                            var count = db.Posts.Count(p => p.BlogId == blog.Id);
                        }

                        foreach (var other in ids)
                        {
                            Option<Blog> maybe = db.Blogs.{|#0:Find|}(other);
                            foreach (var blog in maybe)
                            {
                                var count = db.Posts.{|#1:Count|}(p => p.BlogId == blog.Id);
                            }
                        }

                        Bag<Blog> bag = db.Blogs.Find(id);
                        foreach (var blog in bag)
                        {
                            var count = db.Posts.{|#2:Count|}(p => p.BlogId == blog.Id);
                        }
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("EFP101").WithLocation(0).WithArguments("Find", "query", "iteration of this 'foreach' loop"),
                VerifyCS.Diagnostic("EFP101").WithLocation(1).WithArguments("Count", "query", "iteration of this 'foreach' loop"),
                VerifyCS.Diagnostic("EFP101").WithLocation(2).WithArguments("Count", "query", "iteration of this 'foreach' loop"));
        }

        [Fact]
        public async Task Reports_enumeration_bulk_commands_load_and_per_element_lambdas()
        {
            var source = """
                class C
                {
                    async Task M(BlogContext db, List<Blog> blogs, CancellationToken ct)
                    {
                        foreach (var blog in blogs)
                        {
                            foreach (var post in {|#0:db.Posts.Where(p => p.BlogId == blog.Id)|})
                            {
                            }

                            await db.Posts.Where(p => p.BlogId == blog.Id).{|#1:ExecuteDeleteAsync|}(ct);
                            db.Entry(blog).Collection(b => b.Posts).{|#2:Load|}();
                        }

                        var counts = blogs.Select(b => db.Posts.{|#3:Count|}(p => p.BlogId == b.Id && p.IsPublished)).ToList();
                        blogs.ForEach(b => db.Posts.Where(p => p.BlogId == b.Id).{|#4:ToList|}());
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("EFP101").WithLocation(0).WithArguments("foreach", "query", "iteration of this 'foreach' loop"),
                VerifyCS.Diagnostic("EFP101").WithLocation(1).WithArguments("ExecuteDeleteAsync", "command", "iteration of this 'foreach' loop"),
                VerifyCS.Diagnostic("EFP101").WithLocation(2).WithArguments("Load", "query", "iteration of this 'foreach' loop"),
                VerifyCS.Diagnostic("EFP101").WithLocation(3).WithArguments("Count", "query", "element in this 'Select' lambda"),
                VerifyCS.Diagnostic("EFP101").WithLocation(4).WithArguments("ToList", "query", "element in this 'List.ForEach' lambda"));
        }

        [Fact]
        public async Task Reports_query_in_body_of_await_foreach_but_not_the_await_foreach_itself()
        {
            var source = """
                class C
                {
                    async Task M(BlogContext db, CancellationToken ct)
                    {
                        await foreach (var blog in db.Blogs.AsAsyncEnumerable().WithCancellation(ct))
                        {
                            var latest = await db.Posts.Where(p => p.BlogId == blog.Id).OrderByDescending(p => p.PublishedAt).{|#0:FirstOrDefaultAsync|}(ct);
                        }
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source, VerifyCS.Diagnostic("EFP101").WithLocation(0).WithArguments("FirstOrDefaultAsync", "query", "iteration of this 'await foreach' loop"));
        }

        [Fact]
        public async Task Reports_while_reader_loop_and_query_behind_a_queryable_local()
        {
            var source = """
                class C
                {
                    void M(BlogContext db, System.IO.TextReader reader)
                    {
                        string line;
                        while ((line = reader.ReadLine()) != null)
                        {
                            var query = db.Blogs.Where(b => b.Url == line);
                            var blog = query.{|#0:SingleOrDefault|}();
                        }
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source, VerifyCS.Diagnostic("EFP101").WithLocation(0).WithArguments("SingleOrDefault", "query", "iteration of this 'while' loop"));
        }

        [Fact]
        public async Task Reports_lookup_guarded_by_throw_or_continue()
        {
            var source = """
                class C
                {
                    async Task M(BlogContext db, List<int> tagIds, CancellationToken ct)
                    {
                        foreach (var id in tagIds)
                        {
                            var tag = await db.Tags.{|#0:FindAsync|}(new object[] { id }, ct);
                            if (tag == null) throw new InvalidOperationException("Unknown tag");
                        }

                        foreach (var id in tagIds)
                        {
                            var blog = db.Blogs.{|#1:FirstOrDefault|}(b => b.Id == id);
                            if (blog == null) continue;
                            blog.Rating++;
                        }
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("EFP101").WithLocation(0).WithArguments("FindAsync", "query", "iteration of this 'foreach' loop"),
                VerifyCS.Diagnostic("EFP101").WithLocation(1).WithArguments("FirstOrDefault", "query", "iteration of this 'foreach' loop"));
        }

        [Fact]
        public async Task Reports_on_ef8_too()
        {
            var source = """
                class C
                {
                    void M(BlogContext db, List<Blog> blogs)
                    {
                        foreach (var blog in blogs)
                        {
                            var any = db.Posts.{|#0:Any|}(p => p.BlogId == blog.Id);
                        }
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source, EfVersion.Ef8, VerifyCS.Diagnostic("EFP101").WithLocation(0).WithArguments("Any", "query", "iteration of this 'foreach' loop"));
        }

        // ---------- near misses ----------

        [Fact]
        public async Task Does_not_report_paging_purge_and_frontier_loops()
        {
            var source = """
                class C
                {
                    void Paging(BlogContext db)
                    {
                        for (var page = 0; ; page++)
                        {
                            var batch = db.Posts.OrderBy(p => p.Id).Skip(page * 100).Take(100).ToList();
                            if (batch.Count == 0) break;
                        }
                    }

                    void Keyset(BlogContext db)
                    {
                        var last = 0;
                        while (true)
                        {
                            var batch = db.Posts.Where(p => p.Id > last).OrderBy(p => p.Id).Take(500).ToList();
                            if (batch.Count == 0) break;
                            last = batch[^1].Id;
                        }
                    }

                    void Purge(BlogContext db)
                    {
                        int deleted;
                        do
                        {
                            deleted = db.Posts.Where(p => !p.IsPublished).OrderBy(p => p.Id).Take(100).ExecuteDelete();
                        }
                        while (deleted > 0);
                    }

                    void Frontier(BlogContext db, int rootId)
                    {
                        var frontier = new List<int> { rootId };
                        while (frontier.Count > 0)
                        {
                            var children = db.Posts.Where(p => frontier.Contains(p.BlogId)).ToList();
                            frontier = children.Select(c => c.Id).ToList();
                        }
                    }

                    void Chunks(BlogContext db, List<int> ids)
                    {
                        foreach (var chunk in ids.Chunk(500))
                        {
                            var posts = db.Posts.Where(p => chunk.Contains(p.Id)).ToList();
                        }
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Does_not_report_retry_catch_search_polling_and_loop_conditions()
        {
            var source = """
                class C
                {
                    async Task<Blog> Retry(BlogContext db, int id)
                    {
                        for (var attempt = 0; attempt < 3; attempt++)
                        {
                            try
                            {
                                return await db.Blogs.FirstAsync(b => b.Id == id);
                            }
                            catch (TimeoutException)
                            {
                                var exists = db.Blogs.Any(b => b.Id == id);
                            }
                        }

                        throw new InvalidOperationException();
                    }

                    Blog Search(BlogContext db, List<string> urls)
                    {
                        foreach (var url in urls)
                        {
                            var blog = db.Blogs.FirstOrDefault(b => b.Url == url);
                            if (blog != null) return blog;
                        }

                        return null;
                    }

                    async Task Worker(BlogContext db, CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            var pending = await db.Posts.Where(p => !p.IsPublished).ToListAsync(ct);
                            await Task.Delay(1000, ct);
                        }
                    }

                    async Task Drain(BlogContext db)
                    {
                        while (await db.Posts.AnyAsync(p => !p.IsPublished))
                        {
                            await Task.Yield();
                        }
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Does_not_report_message_loops_cache_misses_and_contexts_per_tenant()
        {
            var source = """
                using System.Threading.Channels;
                using Microsoft.Extensions.Caching.Memory;

                public interface ITenantContexts { BlogContext For(string tenant); }

                class C
                {
                    async Task Consume(BlogContext db, ChannelReader<int> reader, PeriodicTimer timer)
                    {
                        await foreach (var id in reader.ReadAllAsync())
                        {
                            var blog = await db.Blogs.FirstOrDefaultAsync(b => b.Id == id);
                        }
                        while (await timer.WaitForNextTickAsync())
                        {
                            var pending = await db.Posts.Where(p => !p.IsPublished).ToListAsync();
                        }
                    }

                    void Memo(BlogContext db, List<Post> posts, Dictionary<int, Author> authors, IMemoryCache cache)
                    {
                        foreach (var post in posts)
                        {
                            if (!authors.TryGetValue(post.AuthorId ?? 0, out var author))
                            {
                                author = db.Authors.FirstOrDefault(a => a.Id == post.AuthorId);
                                authors[post.AuthorId ?? 0] = author;
                            }

                            var blog = cache.GetOrCreate(post.BlogId, _ => db.Blogs.FirstOrDefault(b => b.Id == post.BlogId));
                        }
                    }

                    void PerTenant(ITenantContexts tenants, List<string> names)
                    {
                        foreach (var tenant in names)
                        {
                            var db = tenants.For(tenant);
                            var open = db.Posts.Count(p => !p.IsPublished);
                        }
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_when_the_cache_is_filled_but_never_read_and_in_an_in_memory_queue_drain()
        {
            var source = """
                class C
                {
                    void M(BlogContext db, List<Post> posts, Dictionary<int, Author> authors, List<int> ids)
                    {
                        foreach (var post in posts)
                        {
                            var author = db.Authors.{|#0:FirstOrDefault|}(a => a.Id == post.AuthorId);
                            authors[post.AuthorId ?? 0] = author;
                        }

                        var queue = new Queue<int>(ids);
                        while (queue.TryDequeue(out var id))
                        {
                            var blog = db.Blogs.{|#1:FirstOrDefault|}(b => b.Id == id);
                        }
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source,
                VerifyCS.Diagnostic("EFP101").WithLocation(0).WithArguments("FirstOrDefault", "query", "iteration of this 'foreach' loop"),
                VerifyCS.Diagnostic("EFP101").WithLocation(1).WithArguments("FirstOrDefault", "query", "iteration of this 'while' loop"));
        }

        [Fact]
        public async Task Does_not_report_expression_trees_single_query_enumeration_or_save_changes()
        {
            var source = """
                class C
                {
                    void M(BlogContext db, List<Blog> blogs)
                    {
                        var counts = db.Blogs.Select(b => new { b.Id, Count = db.Posts.Count(p => p.BlogId == b.Id) }).ToList();
                        foreach (var blog in db.Blogs.Where(b => b.Rating > 3))
                        {
                            blog.Rating++;
                        }

                        foreach (var blog in blogs)
                        {
                            db.SaveChanges();
                        }
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Does_not_report_constant_collections_or_seeding_by_default()
        {
            var source = """
                class C
                {
                    private static readonly string[] Names = { "Admin", "User" };

                    void Literal(BlogContext db, int a, int b)
                    {
                        foreach (var id in new[] { a, b })
                        {
                            var blog = db.Blogs.Find(id);
                        }

                        foreach (var name in Names)
                        {
                            var exists = db.Authors.Any(x => x.Name == name);
                        }

                        for (var i = 0; i < 3; i++)
                        {
                            var top = db.Blogs.FirstOrDefault(x => x.Rating == i);
                        }

                        var labels = new List<string> { "news", "tech" };
                        foreach (var label in labels)
                        {
                            var tag = db.Tags.FirstOrDefault(t => t.Label == label);
                        }
                    }
                }

                class DataSeeder
                {
                    void Run(BlogContext db, List<Tag> tags)
                    {
                        foreach (var tag in tags)
                        {
                            if (!db.Tags.Any(t => t.Label == tag.Label)) db.Tags.Add(tag);
                        }
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_constant_collections_and_seeding_when_enabled()
        {
            var source = """
                class C
                {
                    void Literal(BlogContext db, int a, int b)
                    {
                        foreach (var id in new[] { a, b })
                        {
                            var blog = db.Blogs.{|#0:Find|}(id);
                        }
                    }

                    void SeedTags(BlogContext db, List<Tag> tags)
                    {
                        foreach (var tag in tags)
                        {
                            if (!db.Tags.{|#1:Any|}(t => t.Label == tag.Label)) db.Tags.Add(tag);
                        }
                    }
                }
                """;
            var test = CSharpAnalyzerVerifier<PerfAnalyzers.Rules.Loading.QueryInLoopAnalyzer>.Create(source);
            test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n[*.cs]\ndotnet_code_quality.EFP101.report_constant_collections = true\ndotnet_code_quality.EFP101.report_seeding_code = true\n"));
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP101").WithLocation(0).WithArguments("Find", "query", "iteration of this 'foreach' loop"));
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP101").WithLocation(1).WithArguments("Any", "query", "iteration of this 'foreach' loop"));
            await test.RunAsync();
        }

        [Fact]
        public async Task Find_with_the_same_key_on_every_iteration_is_one_round_trip()
        {
            // Find returns what the context tracks and tracks what it loads: from the second iteration on, Find(blogId)
            // is answered by the identity map. The same key through a query (FirstOrDefault) runs every time, a key that
            // changes per iteration finds nothing tracked, and a loop that clears the change tracker loses what it found.
            var source = """
                class C
                {
                    async Task M(BlogContext db, List<Post> posts, int blogId, List<string> keyNames, CancellationToken ct)
                    {
                        var fallback = blogId + 1;
                        foreach (var post in posts)
                        {
                            var blog = db.Blogs.Find(blogId);
                            var other = await db.Blogs.FindAsync(new object[] { fallback }, ct);
                            var query = db.Blogs.{|#0:FirstOrDefault|}(b => b.Id == blogId);
                            var own = db.Blogs.{|#1:Find|}(post.BlogId);
                        }

                        var current = 0;
                        foreach (var post in posts)
                        {
                            current = post.BlogId;
                            var moving = db.Blogs.{|#2:Find|}(current);
                        }

                        foreach (var post in posts)
                        {
                            var cleared = db.Blogs.{|#3:Find|}(blogId);
                            db.ChangeTracker.Clear();
                        }

                        // Smartstore's importers: the row's id, looked up in an inner loop over a few key fields.
                        foreach (var post in posts)
                        {
                            var id = post.BlogId;
                            foreach (var key in keyNames)
                            {
                                if (key == "Id") { var byRow = db.Blogs.{|#4:Find|}(id); }
                            }
                        }

                        var selected = posts.Select(p => { var row = p.BlogId; return posts.Select(q => db.Blogs.{|#5:Find|}(row)).ToList(); }).ToList();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("EFP101").WithLocation(0).WithArguments("FirstOrDefault", "query", "iteration of this 'foreach' loop"),
                VerifyCS.Diagnostic("EFP101").WithLocation(1).WithArguments("Find", "query", "iteration of this 'foreach' loop"),
                VerifyCS.Diagnostic("EFP101").WithLocation(2).WithArguments("Find", "query", "iteration of this 'foreach' loop"),
                VerifyCS.Diagnostic("EFP101").WithLocation(3).WithArguments("Find", "query", "iteration of this 'foreach' loop"),
                VerifyCS.Diagnostic("EFP101").WithLocation(4).WithArguments("Find", "query", "iteration of this 'foreach' loop"),
                VerifyCS.Diagnostic("EFP101").WithLocation(5).WithArguments("Find", "query", "element in this 'Select' lambda"));
        }

        [Fact]
        public async Task Find_with_a_field_the_loop_assigns_is_a_round_trip_per_iteration()
        {
            // The key is a field, not a local: one the loop assigns changes per iteration (LoopInvariance reads the fields
            // the loop writes too); one it only reads stays the same key.
            var source = """
                class C
                {
                    private int _current;
                    private int _fixed;

                    void M(BlogContext db, List<Post> posts)
                    {
                        foreach (var post in posts)
                        {
                            _current = post.BlogId;
                            var moving = db.Blogs.{|#0:Find|}(_current);
                            var same = db.Blogs.Find(_fixed);
                        }
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("EFP101").WithLocation(0).WithArguments("Find", "query", "iteration of this 'foreach' loop"));
        }

        [Fact]
        public async Task Growing_literal_list_is_not_constant()
        {
            var source = """
                class C
                {
                    void M(BlogContext db, int extra)
                    {
                        var ids = new List<int> { 1, 2 };
                        ids.Add(extra);
                        foreach (var id in ids)
                        {
                            var blog = db.Blogs.{|#0:Find|}(id);
                        }
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source, VerifyCS.Diagnostic("EFP101").WithLocation(0).WithArguments("Find", "query", "iteration of this 'foreach' loop"));
        }

        [Fact]
        public async Task No_diagnostic_and_no_crash_on_broken_code()
        {
            var source = """
                class C
                {
                    void M(BlogContext db, List<Blog> blogs)
                    {
                        foreach (var blog in {|#1:missing|})
                        {
                            var posts = db.Posts.Where(p => p.BlogId == blog.{|#2:)|}.ToList();
                        }
                        foreach (var b in blogs)
                        {
                            db.Posts.{|#3:NoSuch|}(b.Id);
                            var n = db.Posts.{|#0:Count|}(p => p.BlogId == b.Id);
                        }
                    }
                }
                """;
            // Unbound code can only hide findings: a loop over something that does not bind is no loop we can judge (it may
            // iterate a constant list or batches). Broken code next to a bound query does not hide it, and nothing throws.
            var test = CSharpAnalyzerVerifier<PerfAnalyzers.Rules.Loading.QueryInLoopAnalyzer>.Create(source);
            test.ExpectedDiagnostics.Add(Microsoft.CodeAnalysis.Testing.DiagnosticResult.CompilerError("CS0103").WithLocation(1).WithArguments("missing"));
            test.ExpectedDiagnostics.Add(Microsoft.CodeAnalysis.Testing.DiagnosticResult.CompilerError("CS1001").WithLocation(2));
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP101").WithLocation(0).WithArguments("Count", "query", "iteration of this 'foreach' loop"));
            test.ExpectedDiagnostics.Add(Microsoft.CodeAnalysis.Testing.DiagnosticResult.CompilerError("CS1061").WithLocation(3).WithArguments("Microsoft.EntityFrameworkCore.DbSet<Post>", "NoSuch"));
            await test.RunAsync();
        }

        // ---------- fixes ----------

        [Fact]
        public async Task Fix_hoists_lookup_for_to_list_and_keeps_filters_and_order()
        {
            var source = """
                class C
                {
                    void M(BlogContext db, List<Blog> blogs)
                    {
                        foreach (var blog in blogs)
                        {
                            var posts = db.Posts.Where(p => p.BlogId == blog.Id && p.IsPublished).OrderBy(p => p.Title).{|#0:ToList|}();
                            Console.WriteLine(posts.Count);
                        }
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    void M(BlogContext db, List<Blog> blogs)
                    {
                        var blogIds = blogs.Select(blog => blog.Id).ToList();
                        var postsByBlogId = db.Posts
                            .Where(p => blogIds.Contains(p.BlogId) && p.IsPublished)
                            .OrderBy(p => p.Title)
                            .ToList()
                            .ToLookup(p => p.BlogId);

                        foreach (var blog in blogs)
                        {
                            var posts = postsByBlogId[blog.Id].ToList();
                            Console.WriteLine(posts.Count);
                        }
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10, VerifyCS.Diagnostic("EFP101").WithLocation(0).WithArguments("ToList", "query", "iteration of this 'foreach' loop"));
        }

        [Fact]
        public async Task Fix_lays_out_a_multi_line_chain_and_long_batch_query_as_written_by_hand()
        {
            var source = """
                class C
                {
                    async Task<int> M(BlogContext db, List<Blog> blogs, CancellationToken ct)
                    {
                        var total = 0;
                        foreach (var blog in blogs)
                        {
                            total += await db.Posts
                                .Where(p => p.BlogId == blog.Id && p.IsPublished)
                                .{|#0:CountAsync|}(ct);
                        }

                        return total;
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    async Task<int> M(BlogContext db, List<Blog> blogs, CancellationToken ct)
                    {
                        var total = 0;
                        var blogIds = blogs.Select(blog => blog.Id).ToList();
                        var postCountByBlogId = (await db.Posts
                            .Where(p => blogIds.Contains(p.BlogId) && p.IsPublished)
                            .GroupBy(p => p.BlogId)
                            .Select(g => new { g.Key, Count = g.Count() })
                            .ToListAsync(ct))
                            .ToDictionary(c => c.Key, c => c.Count);

                        foreach (var blog in blogs)
                        {
                            total += postCountByBlogId.GetValueOrDefault(blog.Id);
                        }

                        return total;
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10, VerifyCS.Diagnostic("EFP101").WithLocation(0).WithArguments("CountAsync", "query", "iteration of this 'foreach' loop"));
        }

        [Fact]
        public async Task Fix_async_first_or_default_with_predicate_on_terminal()
        {
            var source = """
                class C
                {
                    async Task M(BlogContext db, List<Post> posts, CancellationToken ct)
                    {
                        foreach (var post in posts)
                        {
                            var blog = await db.Blogs.AsNoTracking().{|#0:FirstOrDefaultAsync|}(b => b.Id == post.BlogId, ct);
                            Console.WriteLine(blog?.Name);
                        }
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    async Task M(BlogContext db, List<Post> posts, CancellationToken ct)
                    {
                        var postBlogIds = posts.Select(post => post.BlogId).ToList();
                        var blogsById = (await db.Blogs
                            .AsNoTracking()
                            .Where(b => postBlogIds.Contains(b.Id))
                            .ToListAsync(ct))
                            .ToLookup(b => b.Id);

                        foreach (var post in posts)
                        {
                            var blog = blogsById[post.BlogId].FirstOrDefault();
                            Console.WriteLine(blog?.Name);
                        }
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10, VerifyCS.Diagnostic("EFP101").WithLocation(0).WithArguments("FirstOrDefaultAsync", "query", "iteration of this 'foreach' loop"));
        }

        [Fact]
        public async Task Fix_count_in_select_lambda_becomes_grouped_dictionary()
        {
            var source = """
                class C
                {
                    List<int> M(BlogContext db, List<Blog> blogs)
                    {
                        return blogs.Select(b => db.Posts.{|#0:Count|}(p => p.BlogId == b.Id)).ToList();
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    List<int> M(BlogContext db, List<Blog> blogs)
                    {
                        var bIds = blogs.Select(b => b.Id).ToList();
                        var postCountByBlogId = db.Posts
                            .Where(p => bIds.Contains(p.BlogId))
                            .GroupBy(p => p.BlogId)
                            .Select(g => new { g.Key, Count = g.Count() })
                            .ToList()
                            .ToDictionary(c => c.Key, c => c.Count);

                        return blogs.Select(b => postCountByBlogId.GetValueOrDefault(b.Id)).ToList();
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10, VerifyCS.Diagnostic("EFP101").WithLocation(0).WithArguments("Count", "query", "element in this 'Select' lambda"));
        }

        [Fact]
        public async Task Fix_any_over_a_key_list_uses_the_keys_directly_on_ef8()
        {
            var source = """
                class C
                {
                    async Task<int> M(BlogContext db, int[] blogIds)
                    {
                        var withPosts = 0;
                        foreach (var id in blogIds)
                        {
                            if (await db.Posts.{|#0:AnyAsync|}(p => p.BlogId == id).ConfigureAwait(false)) withPosts++;
                        }

                        return withPosts;
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    async Task<int> M(BlogContext db, int[] blogIds)
                    {
                        var withPosts = 0;
                        var blogIdsWithPosts = (await db.Posts
                            .Where(p => blogIds.Contains(p.BlogId))
                            .Select(p => p.BlogId)
                            .Distinct()
                            .ToListAsync()
                            .ConfigureAwait(false))
                            .ToHashSet();

                        foreach (var id in blogIds)
                        {
                            if (blogIdsWithPosts.Contains(id)) withPosts++;
                        }

                        return withPosts;
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef8, VerifyCS.Diagnostic("EFP101").WithLocation(0).WithArguments("AnyAsync", "query", "iteration of this 'foreach' loop"));
        }

        [Fact]
        public async Task Fix_includes_navigation_when_loop_iterates_the_principal_query()
        {
            var source = """
                class C
                {
                    void M(BlogContext db)
                    {
                        foreach (var blog in db.Blogs.Where(b => b.Rating > 3).ToList())
                        {
                            var posts = db.Posts.Where(p => p.BlogId == blog.Id).{|#0:ToList|}();
                            Console.WriteLine(posts.Count);
                        }
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    void M(BlogContext db)
                    {
                        foreach (var blog in db.Blogs.Include(b => b.Posts).Where(b => b.Rating > 3).ToList())
                        {
                            var posts = blog.Posts.ToList();
                            Console.WriteLine(posts.Count);
                        }
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10, VerifyCS.Diagnostic("EFP101").WithLocation(0).WithArguments("ToList", "query", "iteration of this 'foreach' loop"));
        }

        [Fact]
        public async Task Fix_all_shares_the_key_list_in_one_loop()
        {
            var source = """
                class C
                {
                    void M(BlogContext db, List<Blog> blogs)
                    {
                        foreach (var blog in blogs)
                        {
                            var posts = db.Posts.Where(p => p.BlogId == blog.Id).{|#0:ToArray|}();
                            var published = db.Posts.{|#1:Count|}(p => p.BlogId == blog.Id && p.IsPublished);
                        }
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    void M(BlogContext db, List<Blog> blogs)
                    {
                        var blogIds = blogs.Select(blog => blog.Id).ToList();
                        var postsByBlogId = db.Posts.Where(p => blogIds.Contains(p.BlogId)).ToList().ToLookup(p => p.BlogId);
                        var postCountByBlogId = db.Posts
                            .Where(p => blogIds.Contains(p.BlogId) && p.IsPublished)
                            .GroupBy(p => p.BlogId)
                            .Select(g => new { g.Key, Count = g.Count() })
                            .ToList()
                            .ToDictionary(c => c.Key, c => c.Count);

                        foreach (var blog in blogs)
                        {
                            var posts = postsByBlogId[blog.Id].ToArray();
                            var published = postCountByBlogId.GetValueOrDefault(blog.Id);
                        }
                    }
                }
                """;
            var test = VerifyCS.Create(source, fixedSource);
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP101").WithLocation(0).WithArguments("ToArray", "query", "iteration of this 'foreach' loop"));
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP101").WithLocation(1).WithArguments("Count", "query", "iteration of this 'foreach' loop"));
            test.CodeActionEquivalenceKey = PerfAnalyzers.CodeFixes.Rules.Loading.QueryInLoopFixer.BatchEquivalenceKey;
            test.NumberOfIncrementalIterations = 2;
            test.NumberOfFixAllIterations = 1;
            await test.RunAsync();
        }

        [Theory]
        [InlineData("db.Posts.Where(p => p.BlogId == blog.Id).Select(p => p.Title).{|#0:ToList|}()", "ToList")]
        [InlineData("db.Posts.Where(p => p.BlogId == blog.Id).OrderBy(p => p.Id).Take(3).{|#0:ToList|}()", "ToList")]
        [InlineData("db.Posts.Where(p => p.BlogId == blog.Id && p.Views > blog.Rating).{|#0:ToList|}()", "ToList")]
        [InlineData("db.Posts.{|#0:Count|}(p => p.AuthorId == blog.AuthorId)", "Count")]
        [InlineData("db.Posts.Where(p => p.BlogId == blog.Id && p.AuthorId == blog.AuthorId).{|#0:ToList|}()", "ToList")]
        [InlineData("db.Posts.{|#0:Sum|}(p => p.BlogId == blog.Id ? p.Views : 0)", "Sum")]
        [InlineData("db.Posts.Where(p => p.BlogId == blog.Id).{|#0:ToDictionary|}(p => p.Id)", "ToDictionary")]
        public async Task No_fix_when_batching_would_change_results(string query, string operation)
        {
            var source = $$"""
                class C
                {
                    void M(BlogContext db, List<Blog> blogs)
                    {
                        foreach (var blog in blogs)
                        {
                            var x = {{query}};
                        }
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, source, EfVersion.Ef10, VerifyCS.Diagnostic("EFP101").WithLocation(0).WithArguments(operation, "query", "iteration of this 'foreach' loop"));
        }

        [Fact]
        public async Task No_fix_when_loop_source_changes_or_is_not_a_local()
        {
            var source = """
                class C
                {
                    void M(BlogContext db, List<Blog> blogs)
                    {
                        foreach (var blog in blogs.Where(b => b.Rating > 1))
                        {
                            var posts = db.Posts.Where(p => p.BlogId == blog.Id).{|#0:ToList|}();
                        }
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, source, EfVersion.Ef10, VerifyCS.Diagnostic("EFP101").WithLocation(0).WithArguments("ToList", "query", "iteration of this 'foreach' loop"));
        }


        [Fact]
        public async Task Explicit_load_of_a_navigation_the_tracking_query_included_is_not_reported()
        {
            // EF Core's Load() returns at once when IsLoaded is set, and a tracking query's Include sets it. A no-tracking query
            // sets no IsLoaded, and a query without the Include leaves the navigation to load: one round trip per element.
            var source = """
                class C
                {
                    void M(BlogContext db)
                    {
                        var posts = db.Posts.Include(p => p.Blog).ToList();
                        foreach (var post in posts)
                        {
                            db.Entry(post).Reference(p => p.Blog).Load();
                        }

                        var untracked = db.Posts.AsNoTracking().Include(p => p.Blog).ToList();
                        foreach (var post in untracked)
                        {
                            db.Entry(post).Reference(p => p.Blog).{|#0:Load|}();
                        }

                        foreach (var post in posts)
                        {
                            db.Entry(post).Collection(p => p.Comments).{|#1:Load|}();
                        }
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("EFP101").WithLocation(0).WithArguments("Load", "query", "iteration of this 'foreach' loop"),
                VerifyCS.Diagnostic("EFP101").WithLocation(1).WithArguments("Load", "query", "iteration of this 'foreach' loop"));
        }
    }
}
