using System.Threading;
using PerfAnalyzers.EfCore;
using Xunit;

namespace PerfAnalyzers.Tests.EfCore
{
    /// <summary>The one ordered list of loop exemptions, asked directly: each shape names its reason, each near miss none.</summary>
    public class LoopExemptionsTests
    {
        /// <summary>The reason for the operation at the marker (a round trip, or a call summarized as EFP104 does).</summary>
        private static LoopExemption Why(EfCoreTestHost host, string marker, bool reportConstantCollections = false)
        {
            var operation = host.Invocation(marker);
            var placement = host.Ef!.Loops.FindEnclosingLoop(operation);
            Assert.NotNull(placement);
            RoundTripSummary? summary = null;
            if (!host.Ef.TryGetRoundTrip(operation, out _))
            {
                summary = new RoundTripSummaries(host.Ef, host.Compilation).Get(operation.TargetMethod, CancellationToken.None);
                Assert.True(summary.PerformsRoundTrip, "the call at '" + marker + "' should lead to a round trip");
            }

            return LoopExemptions.Why(host.Ef, operation, placement!, new NPlusOneOptions(reportConstantCollections, false), summary);
        }

        [Fact]
        public void One_key_matched_in_a_collection_that_holds_each_key_once_runs_at_most_once()
        {
            // BTCPay Server's UIInvoiceController: over an invoice's payment prompts (a collection indexed by the prompt's one
            // PaymentMethodId), only the prompt of the chosen payment method gets past the 'continue': at most one activation.
            // A status or a foreign key lets many elements through; a value the loop changes is no one key.
            var host = EfCoreTestHost.Create("""
                public sealed class MethodId { }
                public class Prompt
                {
                    public MethodId MethodId { get; set; }
                    public string Currency { get; set; }
                    public bool Active { get; set; }
                }

                public class Prompts : IEnumerable<Prompt>
                {
                    private readonly Dictionary<MethodId, Prompt> _inner = new();
                    public Prompt this[MethodId id] => _inner[id];
                    public IEnumerator<Prompt> GetEnumerator() => _inner.Values.GetEnumerator();
                    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
                }

                class C
                {
                    private readonly BlogContext _db;
                    void Activate(Prompt p) => _db.SaveChanges();
                    Blog Load(int id) => _db.Blogs.Find(id);

                    void M(Prompts prompts, MethodId chosen, List<Blog> blogs, Dictionary<string, Blog> byName, HashSet<int> ids, int blogId, string name, List<Post> posts)
                    {
                        foreach (var pm in prompts)
                        {
                            var id = pm.MethodId;
                            if (id != chosen || pm.Active)
                                continue;
                            Activate/*keyed*/(pm);
                        }
                        foreach (var b in blogs)
                        {
                            if (b.Id == blogId) { _db.Posts.Count/*entitykey*/(p => p.BlogId == b.Id); }
                        }
                        foreach (var b in blogs.Where(x => x.Id.Equals(blogId)))
                        {
                            _db.Posts.Count/*sourcefilter*/(p => p.BlogId == b.Id);
                        }
                        foreach (var kv in byName)
                        {
                            if (!string.Equals(kv.Key, name)) continue;
                            _db.Posts.Count/*dictionary*/(p => p.BlogId == kv.Value.Id);
                        }
                        foreach (var id in ids)
                        {
                            if (id != blogId) continue;
                            Load/*set*/(id);
                        }
                        foreach (var kv in byName)
                        {
                            if (!string.Equals(kv.Key, name, StringComparison.OrdinalIgnoreCase)) continue;
                            _db.Posts.Count/*ignorecase*/(p => p.BlogId == kv.Value.Id);
                        }
                        foreach (var pm in prompts)
                        {
                            if (pm.Currency != name) continue;
                            Activate/*otherstring*/(pm);
                        }
                        foreach (var b in blogs)
                        {
                            if (b.IsArchived != true) continue;
                            _db.Posts.Count/*status*/(p => p.BlogId == b.Id);
                        }
                        foreach (var p in posts)
                        {
                            if (p.BlogId != blogId) continue;
                            Load/*foreignkey*/(p.BlogId);
                        }
                        foreach (var b in blogs)
                        {
                            if (b.Id != blogId) continue;
                            blogId++;
                            _db.Posts.Count/*changes*/(p => p.BlogId == b.Id);
                        }
                        foreach (var b in blogs)
                        {
                            if (b.Id != blogId && b.Rating > 3) continue;
                            _db.Posts.Count/*and*/(p => p.BlogId == b.Id);
                        }
                        foreach (var pm in prompts)
                        {
                            if (pm.MethodId == chosen) { }
                            Activate/*after*/(pm);
                        }
                        foreach (var post in posts)
                        {
                            foreach (var b in blogs)
                            {
                                if (b.Id != post.BlogId) continue;
                                _db.Posts.Count/*nested*/(p => p.BlogId == b.Id);
                            }
                        }
                    }
                }
                """);
            Assert.Equal(LoopExemption.OneKeyOnly, Why(host, "keyed"));
            Assert.Equal(LoopExemption.OneKeyOnly, Why(host, "entitykey"));
            Assert.Equal(LoopExemption.OneKeyOnly, Why(host, "sourcefilter"));
            Assert.Equal(LoopExemption.OneKeyOnly, Why(host, "dictionary"));
            Assert.Equal(LoopExemption.OneKeyOnly, Why(host, "set"));
            Assert.Equal(LoopExemption.None, Why(host, "otherstring"));
            Assert.Equal(LoopExemption.None, Why(host, "ignorecase")); // "abc" and "ABC" are two keys of an ordinal dictionary
            Assert.Equal(LoopExemption.None, Why(host, "status"));
            Assert.Equal(LoopExemption.None, Why(host, "foreignkey"));
            Assert.Equal(LoopExemption.None, Why(host, "changes"));
            Assert.Equal(LoopExemption.None, Why(host, "and"));
            Assert.Equal(LoopExemption.None, Why(host, "after"));
            Assert.Equal(LoopExemption.None, Why(host, "nested")); // once per post: a join by key inside an outer loop
        }

        [Fact]
        public void Existing_reasons_in_order()
        {
            var host = EfCoreTestHost.Create("""
                class C
                {
                    async Task M(BlogContext db, List<Blog> blogs, int[] ids, CancellationToken ct)
                    {
                        var n = 0;
                        foreach (var b in blogs)
                        {
                            try { db.SaveChanges/*retry*/(); break; } catch (DbUpdateException) { db.SaveChanges/*catch*/(); }
                        }
                        foreach (var b in blogs)
                        {
                            if (++n % 100 == 0) db.SaveChanges/*modulo*/();
                        }
                        while (db.Posts.Any/*condition*/(p => p.Views > 0)) { }
                        while (!ct.IsCancellationRequested) { db.Posts.Count/*polling*/(); }
                        foreach (var s in new[] { "a", "b" }) { db.Blogs.Count/*constant*/(x => x.Name == s); }
                        foreach (var chunk in ids.Chunk(100)) db.SaveChanges/*chunk*/();
                        foreach (var b in blogs) db.Posts.Count/*plain*/(p => p.BlogId == b.Id);
                    }
                }
                """);
            Assert.Equal(LoopExemption.LeavesLoop, Why(host, "retry"));
            Assert.Equal(LoopExemption.ErrorPath, Why(host, "catch"));
            Assert.Equal(LoopExemption.PeriodicBatch, Why(host, "modulo"));
            Assert.Equal(LoopExemption.LoopCondition, Why(host, "condition"));
            Assert.Equal(LoopExemption.Polling, Why(host, "polling"));
            Assert.Equal(LoopExemption.ConstantCollection, Why(host, "constant"));
            Assert.Equal(LoopExemption.None, Why(host, "constant", reportConstantCollections: true));
            Assert.Equal(LoopExemption.BatchLoop, Why(host, "chunk"));
            Assert.Equal(LoopExemption.None, Why(host, "plain"));
        }

        [Fact]
        public void Identity_map_lookups_with_the_same_key_on_every_iteration()
        {
            // Find and a helper that probes DbSet.Local before its query load once and then answer from the change tracker;
            // summarized through a call, the key is the parameter it comes from (RoundTripSummary.IdentityKeys).
            var host = EfCoreTestHost.Create("""
                public static class Lookups
                {
                    public static Blog ById(this DbSet<Blog> set, int id) => set.Local.FindEntry(id)?.Entity ?? set.SingleOrDefault(b => b.Id == id);
                    public static Blog Tracked(this BlogContext db, int id) => db.ChangeTracker.Entries<Blog>().FirstOrDefault(e => e.Entity.Id == id)?.Entity ?? db.Blogs.First(b => b.Id == id);
                    public static Blog Computed(this BlogContext db, Post post) { var id = System.Random.Shared.Next(post.BlogId); return db.Blogs.Local.FindEntry(id)?.Entity ?? db.Blogs.Single(b => b.Id == id); }
                }

                public class Runner
                {
                    public void Run(BlogContext db, List<Post> posts, int blogId, Post first)
                    {
                        foreach (var post in posts)
                        {
                            db.Blogs.Find/*find*/(blogId);
                            db.Blogs.Find/*findRow*/(post.BlogId);
                            db.Blogs.ById/*byId*/(first.BlogId);
                            db.Blogs.ById/*byIdRow*/(post.BlogId);
                            db.Tracked/*tracker*/(blogId);
                            db.Computed/*computed*/(first);
                        }
                    }
                }
                """);
            Assert.Equal(LoopExemption.RepeatedIdentityLookup, Why(host, "find"));
            Assert.Equal(LoopExemption.None, Why(host, "findRow"));
            Assert.Equal(LoopExemption.RepeatedIdentityLookup, Why(host, "byId"));
            Assert.Equal(LoopExemption.None, Why(host, "byIdRow"));
            Assert.Equal(LoopExemption.RepeatedIdentityLookup, Why(host, "tracker"));

            // The key comes from a call in the called method (its result may differ each time): not the same key.
            Assert.Equal(LoopExemption.None, Why(host, "computed"));
        }

        [Fact]
        public void A_loop_in_a_private_method_called_only_from_catch_clauses_is_an_error_path()
        {
            // elsa-core: after a batch insert lost a race on a unique key, the records are inserted one by one to find which
            // exist. The same loop in a method also called outside a catch, used as a method group, called from a lambda in
            // a catch, or visible to other types stays on the normal path.
            var host = EfCoreTestHost.Create("""
                class C
                {
                    async Task AddMany(BlogContext db, List<Blog> blogs)
                    {
                        try
                        {
                            db.Blogs.AddRange(blogs);
                            await db.SaveChangesAsync();
                        }
                        catch (DbUpdateException)
                        {
                            await AddOneByOne(db, blogs);
                            await this.AlsoOneByOne(db, blogs);
                            await Local();
                            Func<Task> later = () => FromALambda(db, blogs);
                            await later();
                        }

                        async Task Local()
                        {
                            foreach (var b in blogs) { db.Blogs.Add(b); await db.SaveChangesAsync/*local*/(); }
                        }
                    }

                    private async Task AddOneByOne(BlogContext db, List<Blog> blogs)
                    {
                        foreach (var b in blogs) { db.Blogs.Add(b); await db.SaveChangesAsync/*fallback*/(); }
                    }

                    private async Task AlsoOneByOne(BlogContext db, List<Blog> blogs)
                    {
                        foreach (var b in blogs) { db.Blogs.Add(b); await db.SaveChangesAsync/*this*/(); }
                    }

                    private async Task FromALambda(BlogContext db, List<Blog> blogs)
                    {
                        foreach (var b in blogs) { db.Blogs.Add(b); await db.SaveChangesAsync/*lambda*/(); }
                    }

                    private async Task AlsoOnTheNormalPath(BlogContext db, List<Blog> blogs)
                    {
                        foreach (var b in blogs) { db.Blogs.Add(b); await db.SaveChangesAsync/*normal*/(); }
                    }

                    async Task Run(BlogContext db, List<Blog> blogs)
                    {
                        try { await AlsoOnTheNormalPath(db, blogs); }
                        catch (DbUpdateException) { await AlsoOnTheNormalPath(db, blogs); }
                    }

                    public async Task Visible(BlogContext db, List<Blog> blogs)
                    {
                        foreach (var b in blogs) { db.Blogs.Add(b); await db.SaveChangesAsync/*public*/(); }
                    }

                    async Task CallsVisible(BlogContext db, List<Blog> blogs)
                    {
                        try { } catch (DbUpdateException) { await Visible(db, blogs); }
                    }
                }
                """);
            Assert.Equal(LoopExemption.ErrorPath, Why(host, "fallback"));
            Assert.Equal(LoopExemption.ErrorPath, Why(host, "this"));
            Assert.Equal(LoopExemption.ErrorPath, Why(host, "local"));
            Assert.Equal(LoopExemption.None, Why(host, "lambda"));
            Assert.Equal(LoopExemption.None, Why(host, "normal"));
            Assert.Equal(LoopExemption.None, Why(host, "public"));
        }

        [Fact]
        public void Message_loops_and_timer_polling()
        {
            var host = EfCoreTestHost.Create("""
                using System.Threading.Channels;
                using System.Collections.Concurrent;

                class C
                {
                    async Task M(BlogContext db, Channel<int> channel, ChannelReader<int> reader, BlockingCollection<int> queue, PeriodicTimer timer, List<int> ids)
                    {
                        await foreach (var id in channel.Reader.ReadAllAsync()) await db.Blogs.FindAsync/*readAll*/(id);
                        while (await reader.WaitToReadAsync())
                        {
                            while (reader.TryRead(out var id)) await db.Blogs.FindAsync/*tryRead*/(id);
                        }
                        foreach (var id in queue.GetConsumingEnumerable()) db.Blogs.Find/*consuming*/(id);
                        while (await timer.WaitForNextTickAsync()) { db.Posts.Count/*timer*/(); }
                        var queued = new Queue<int>(ids);
                        while (queued.TryDequeue(out var id)) db.Blogs.Find/*queue*/(id);
                    }
                }
                """);
            Assert.Equal(LoopExemption.MessageLoop, Why(host, "readAll"));
            Assert.Equal(LoopExemption.MessageLoop, Why(host, "tryRead"));
            Assert.Equal(LoopExemption.MessageLoop, Why(host, "consuming"));
            Assert.Equal(LoopExemption.Polling, Why(host, "timer"));
            Assert.Equal(LoopExemption.None, Why(host, "queue"));
        }

        [Fact]
        public void Search_loops_left_on_the_first_match_also_through_calls()
        {
            var host = EfCoreTestHost.Create("""
                class C
                {
                    BlogContext _db;
                    Blog Load(int id) => _db.Blogs.FirstOrDefault(b => b.Id == id);

                    Blog First(List<int> ids)
                    {
                        foreach (var id in ids)
                        {
                            var blog = Load/*declared*/(id);
                            if (blog != null) return blog;
                        }

                        Blog found = null;
                        foreach (var id in ids)
                        {
                            found = Load/*assigned*/(id);
                            var log = id.ToString();
                            if (found is not null) break;
                        }

                        foreach (var id in ids)
                        {
                            var blog = Load/*guard*/(id);
                            if (blog == null) throw new InvalidOperationException();
                        }

                        return found;
                    }
                }
                """);
            Assert.Equal(LoopExemption.SearchLoop, Why(host, "declared"));
            Assert.Equal(LoopExemption.SearchLoop, Why(host, "assigned"));
            Assert.Equal(LoopExemption.None, Why(host, "guard"));
        }

        [Fact]
        public void Unit_of_work_per_iteration()
        {
            var host = EfCoreTestHost.Create("""
                using Microsoft.Extensions.DependencyInjection;

                public interface ITenantContexts { BlogContext For(string tenant); }

                class C
                {
                    BlogContext _db;
                    void Work(BlogContext db, int page) => db.Blogs.Count(b => b.Rating > page);

                    async Task M(IDbContextFactory<BlogContext> factory, IServiceScopeFactory scopes, IServiceProvider root, ITenantContexts tenants, List<string> names)
                    {
                        for (var page = 0; ; page++)
                        {
                            await using var db = await factory.CreateDbContextAsync();
                            db.Blogs.Add(new Blog());
                            await db.SaveChangesAsync/*factory*/();
                        }
                        foreach (var name in names)
                        {
                            using var scope = scopes.CreateScope();
                            var db = scope.ServiceProvider.GetRequiredService<BlogContext>();
                            db.Blogs.Add(new Blog { Name = name });
                            db.SaveChanges/*scope*/();
                        }
                        foreach (var tenant in names)
                        {
                            var db = tenants.For(tenant);
                            db.Blogs.Count/*tenant*/();
                            Work/*call*/(db, 1);
                        }
                        foreach (var name in names)
                        {
                            using (var db = new BlogContext())
                            {
                                db.Blogs.Add(new Blog { Name = name });
                                db.SaveChanges/*new*/();
                            }
                        }
                        foreach (var name in names)
                        {
                            var db = _db;
                            db.Blogs.Add(new Blog { Name = name });
                            db.SaveChanges/*alias*/();
                        }
                        foreach (var name in names)
                        {
                            var db = root.GetRequiredService<BlogContext>();
                            db.Blogs.Add(new Blog { Name = name });
                            db.SaveChanges/*rootProvider*/();
                        }
                        await using var shared = await factory.CreateDbContextAsync();
                        foreach (var name in names)
                        {
                            shared.Blogs.Add(new Blog { Name = name });
                            await shared.SaveChangesAsync/*outside*/();
                        }
                    }
                }
                """);
            Assert.Equal(LoopExemption.UnitOfWorkPerIteration, Why(host, "factory"));
            Assert.Equal(LoopExemption.UnitOfWorkPerIteration, Why(host, "scope"));
            Assert.Equal(LoopExemption.UnitOfWorkPerIteration, Why(host, "tenant"));
            Assert.Equal(LoopExemption.UnitOfWorkPerIteration, Why(host, "call"));
            Assert.Equal(LoopExemption.UnitOfWorkPerIteration, Why(host, "new"));
            Assert.Equal(LoopExemption.None, Why(host, "alias"));
            Assert.Equal(LoopExemption.None, Why(host, "rootProvider"));
            Assert.Equal(LoopExemption.None, Why(host, "outside"));
        }

        [Fact]
        public void Saves_that_later_iterations_read_back()
        {
            var host = EfCoreTestHost.Create("""
                class C
                {
                    void M(BlogContext db, List<string> labels)
                    {
                        foreach (var label in labels)
                        {
                            if (!db.Tags.Any(t => t.Label == label))
                            {
                                db.Tags.Add(new Tag { Label = label });
                                db.SaveChanges/*readBack*/();
                            }
                        }
                        foreach (var label in labels)
                        {
                            var next = db.Blogs.Max(b => b.Rating) + 1;
                            db.Add(new Blog { Name = label, Rating = next });
                            db.SaveChanges/*runningNumber*/();
                        }
                        foreach (var label in labels)
                        {
                            var count = db.Posts.Count();
                            db.Tags.Add(new Tag { Label = label + count });
                            db.SaveChanges/*otherSet*/();
                        }
                    }
                }
                """);
            Assert.Equal(LoopExemption.ReadBackByLaterIterations, Why(host, "readBack"));
            Assert.Equal(LoopExemption.ReadBackByLaterIterations, Why(host, "runningNumber"));
            Assert.Equal(LoopExemption.None, Why(host, "otherSet"));
        }

        [Fact]
        public void Saves_that_later_iterations_read_back_through_a_context_range_or_interface()
        {
            // The entities a context's AddRange adds are the list's elements (TrackerCall.Entity, as TableGrowth reads them),
            // not the list; a context interface's Add adds as the context's does (EFP202 counts it too).
            var host = EfCoreTestHost.Create("""
                public interface IAppDbContext { DbSet<Tag> Tags { get; } void Add(object entity); int SaveChanges(); }

                class C
                {
                    void M(BlogContext db, IAppDbContext app, List<string> labels)
                    {
                        foreach (var label in labels)
                        {
                            if (!db.Tags.Any(t => t.Label == label))
                            {
                                db.AddRange(new List<Tag> { new Tag { Label = label } });
                                db.SaveChanges/*contextRange*/();
                            }
                        }
                        foreach (var label in labels)
                        {
                            if (!app.Tags.Any(t => t.Label == label))
                            {
                                app.Add(new Tag { Label = label });
                                app.SaveChanges/*contextInterface*/();
                            }
                        }
                    }
                }
                """);
            Assert.Equal(LoopExemption.ReadBackByLaterIterations, Why(host, "contextRange"));
            Assert.Equal(LoopExemption.ReadBackByLaterIterations, Why(host, "contextInterface"));
        }

        [Fact]
        public void Cache_misses_in_the_loop_and_through_calls()
        {
            var host = EfCoreTestHost.Create("""
                using System.Collections.Concurrent;
                using Microsoft.Extensions.Caching.Memory;

                class Library
                {
                    private readonly BlogContext _db;
                    private readonly IMemoryCache _memory;
                    private readonly ConcurrentDictionary<int, Blog> _byId = new();
                    private Dictionary<int, Blog> _seen = new();
                    private List<Tag> _tags;

                    public Blog GetItemById(int id)
                    {
                        if (_byId.TryGetValue(id, out var item)) return item;
                        item = _db.Blogs.Find(id);
                        _byId[id] = item;
                        return item;
                    }

                    public Task<Blog> GetCachedAsync(int id)
                        => _memory.GetOrCreateAsync(id, entry => _db.Blogs.FirstOrDefaultAsync(b => b.Id == id));

                    public List<Tag> Tags() => _tags ??= _db.Tags.ToList();

                    public Blog Loaded(int id)
                    {
                        if (!_seen.TryGetValue(id, out var blog))
                        {
                            blog = Load(id);
                            _seen[id] = blog;
                        }

                        return blog;
                    }

                    private Blog Load(int id) => _db.Blogs.Find(id);

                    public Blog WriteOnly(int id)
                    {
                        var blog = _db.Blogs.Find(id);
                        _memory.Set(id, blog);
                        return blog;
                    }

                    public Blog LookedAtButLoaded(int id)
                    {
                        if (_byId.TryGetValue(id, out var cached)) Console.WriteLine(cached.Name);
                        return _db.Blogs.Find(id);
                    }

                    public Blog LocalDictionary(int id)
                    {
                        var local = new Dictionary<int, Blog>();
                        if (local.TryGetValue(id, out var blog)) return blog;
                        return _db.Blogs.Find(id);
                    }

                    public void Run(List<int> ids, Dictionary<int, Author> authors, List<Post> posts)
                    {
                        foreach (var id in ids)
                        {
                            GetItemById/*tryGet*/(id);
                            GetCachedAsync/*getOrCreate*/(id);
                            Tags/*memo*/();
                            Loaded/*nested*/(id);
                            WriteOnly/*writeOnly*/(id);
                            LookedAtButLoaded/*notGuarded*/(id);
                            LocalDictionary/*local*/(id);
                        }

                        foreach (var post in posts)
                        {
                            if (!authors.TryGetValue(post.AuthorId ?? 0, out var author))
                            {
                                author = _db.Authors.Find/*direct*/(post.AuthorId);
                                authors[post.AuthorId ?? 0] = author;
                            }
                        }

                        foreach (var post in posts)
                        {
                            if (post.Author == null) post.Author = _db.Authors.Find/*elementMember*/(post.AuthorId);
                        }
                    }
                }
                """);
            Assert.Equal(LoopExemption.CacheMiss, Why(host, "tryGet"));
            Assert.Equal(LoopExemption.CacheMiss, Why(host, "getOrCreate"));
            Assert.Equal(LoopExemption.CacheMiss, Why(host, "memo"));
            Assert.Equal(LoopExemption.CacheMiss, Why(host, "nested"));
            Assert.Equal(LoopExemption.CacheMiss, Why(host, "direct"));
            Assert.Equal(LoopExemption.None, Why(host, "writeOnly"));
            Assert.Equal(LoopExemption.None, Why(host, "notGuarded"));
            Assert.Equal(LoopExemption.None, Why(host, "local"));
            Assert.Equal(LoopExemption.None, Why(host, "elementMember"));
        }

        [Fact]
        public void Cache_miss_by_a_null_check_of_what_a_probe_gave_out()
        {
            // The probe's out local (declared there, or before it) tested for null afterwards: looked up in the body's index.
            var host = EfCoreTestHost.Create("""
                using System.Collections.Concurrent;

                class Library
                {
                    private readonly BlogContext _db;
                    private readonly ConcurrentDictionary<int, Blog> _byId = new();

                    public Blog ProbedThenChecked(int id)
                    {
                        _byId.TryGetValue(id, out var blog);
                        if (blog == null)
                        {
                            blog = _db.Blogs.Find(id);
                            _byId[id] = blog;
                        }

                        return blog;
                    }

                    public Blog ProbedIntoDeclared(int id)
                    {
                        Blog blog;
                        _byId.TryGetValue(id, out blog);
                        if (blog == null)
                        {
                            blog = _db.Blogs.Find(id);
                            _byId[id] = blog;
                        }

                        return blog;
                    }

                    public Blog CheckedNotProbed(int id, Blog given)
                    {
                        var blog = given;
                        if (blog == null)
                        {
                            blog = _db.Blogs.Find(id);
                            _byId[id] = blog;
                        }

                        return blog;
                    }

                    public void Run(List<int> ids)
                    {
                        foreach (var id in ids)
                        {
                            ProbedThenChecked/*outVar*/(id);
                            ProbedIntoDeclared/*outLocal*/(id);
                            CheckedNotProbed/*notProbed*/(id, null);
                        }
                    }
                }
                """);
            Assert.Equal(LoopExemption.CacheMiss, Why(host, "outVar"));
            Assert.Equal(LoopExemption.CacheMiss, Why(host, "outLocal"));
            Assert.Equal(LoopExemption.None, Why(host, "notProbed"));
        }

        [Fact]
        public void Cache_probes_on_any_store_held_in_a_field_and_application_cache_services()
        {
            // The jellyfin shape: LibraryManager.GetItemById probes a FastConcurrentLru (BitFaster.Caching) field first.
            var host = EfCoreTestHost.Create("""
                public class Lru<TKey, TValue> { public bool TryGet(TKey key, out TValue value) { value = default; return false; } }
                public interface ICacheService { Task<T> GetAsync<T>(string key); }

                class Library
                {
                    private readonly BlogContext _db;
                    private readonly Lru<int, Blog> _lru = new();
                    private readonly ICacheService _cacheService;

                    public Blog GetItemById(int id)
                    {
                        if (id == 0) throw new ArgumentException(nameof(id));
                        if (_lru.TryGet(id, out var item)) return item;
                        item = _db.Blogs.Find(id);
                        return item;
                    }

                    public async Task<Blog> Cached(int id)
                    {
                        var cached = await _cacheService.GetAsync<Blog>("blog:" + id);
                        if (cached != null) return cached;
                        return await _db.Blogs.FindAsync(id);
                    }

                    public Blog ProbedLocal(int id)
                    {
                        var lru = new Lru<int, Blog>();
                        if (lru.TryGet(id, out var item)) return item;
                        return _db.Blogs.Find(id);
                    }

                    public async Task Run(List<int> ids)
                    {
                        foreach (var id in ids)
                        {
                            GetItemById/*lru*/(id);
                            await Cached/*service*/(id);
                            ProbedLocal/*local*/(id);
                        }
                    }
                }
                """);
            Assert.Equal(LoopExemption.CacheMiss, Why(host, "lru"));
            Assert.Equal(LoopExemption.CacheMiss, Why(host, "service"));
            Assert.Equal(LoopExemption.None, Why(host, "local"));
        }

        [Fact]
        public void Memo_written_as_coalesce_with_assignment_is_a_cache_miss()
        {
            // warpstorm/forum's repositories: Records() => _records ?? (_records = await db.X.ToListAsync()), the spelling
            // of _records ??= ... before C# 8. Near misses: the fallback assigns another field, or a local, or nothing.
            var host = EfCoreTestHost.Create("""
                class Repo
                {
                    private readonly BlogContext _db;
                    private List<Tag> _tags;
                    private List<Tag> _other;

                    public async Task<List<Tag>> Records() => _tags ?? (_tags = await _db.Tags.ToListAsync());
                    public async Task<List<Tag>> Wrong() => _tags ?? (_other = await _db.Tags.ToListAsync());
                    public async Task<List<Tag>> Plain() => _tags ?? await _db.Tags.ToListAsync();

                    public async Task Run(List<int> ids)
                    {
                        foreach (var id in ids)
                        {
                            await Records/*memo*/();
                            await Wrong/*wrong*/();
                            await Plain/*plain*/();
                        }
                    }
                }
                """);
            Assert.Equal(LoopExemption.CacheMiss, Why(host, "memo"));
            Assert.Equal(LoopExemption.None, Why(host, "wrong"));
            Assert.Equal(LoopExemption.None, Why(host, "plain"));
        }

        [Fact]
        public void A_list_filled_then_handed_over_and_cleared_is_an_accumulated_batch()
        {
            // Ombi's sync jobs: AddRange once per page of an external feed. Near miss: the list is never cleared.
            var host = EfCoreTestHost.Create("""
                class Sync
                {
                    private readonly BlogContext _db;

                    public async Task AddRange(List<Tag> tags) { _db.Tags.AddRange(tags); await _db.SaveChangesAsync(); }

                    public async Task Run(List<string> labels)
                    {
                        var batch = new List<Tag>();
                        foreach (var label in labels)
                        {
                            batch.Add(new Tag { Label = label });
                            await AddRange/*batch*/(batch);
                            batch.Clear();
                        }

                        var growing = new List<Tag>();
                        foreach (var label in labels)
                        {
                            growing.Add(new Tag { Label = label });
                            await AddRange/*growing*/(growing);
                        }
                    }
                }
                """);
            Assert.Equal(LoopExemption.AccumulatedBatch, Why(host, "batch"));
            Assert.Equal(LoopExemption.None, Why(host, "growing"));
        }

        [Fact]
        public void Unbound_cache_probe_only_hides_a_finding()
        {
            // The cache's package is not referenced: the probe does not bind, the round trip does.
            var host = EfCoreTestHost.Create("""
                class Library
                {
                    private readonly BlogContext _db;
                    private readonly FastConcurrentLru<int, Blog> _cache;

                    public Blog GetItemById(int id)
                    {
                        if (_cache.TryGet(id, out var item)) return item;
                        return _db.Blogs.Find(id);
                    }

                    public Blog Unguarded(int id)
                    {
                        _cache.Missing(id);
                        return _db.Blogs.Find(id);
                    }

                    public void Run(List<int> ids)
                    {
                        foreach (var id in ids)
                        {
                            GetItemById/*unbound*/(id);
                            Unguarded/*unguarded*/(id);
                        }
                    }
                }
                """, allowErrors: true);
            Assert.Equal(LoopExemption.CacheMiss, Why(host, "unbound"));
            Assert.Equal(LoopExemption.None, Why(host, "unguarded"));
        }

        [Fact]
        public void Batch_loop_through_a_page_loading_call()
        {
            var host = EfCoreTestHost.Create("""
                class C
                {
                    BlogContext _db;
                    List<Post> Page(int lastId) => _db.Posts.Where(p => p.Id > lastId).OrderBy(p => p.Id).Take(100).ToList();
                    List<Post> TopOf(int blogId) => _db.Posts.Where(p => p.BlogId == blogId).OrderBy(p => p.Id).Take(3).ToList();
                    void Touch(List<Post> posts) { _db.SaveChanges(); }

                    void M(List<Blog> blogs)
                    {
                        var lastId = 0;
                        while (true)
                        {
                            var page = Page(lastId);
                            if (page.Count == 0) return;
                            lastId = page[^1].Id;
                            Touch/*paged*/(page);
                        }
                    }

                    void N(List<Blog> blogs)
                    {
                        foreach (var blog in blogs)
                        {
                            var top = TopOf(blog.Id);
                            Touch/*perBlog*/(top);
                        }
                    }

                    void O(List<Blog> blogs)
                    {
                        foreach (var blog in blogs)
                        {
                            var lastId = blog.Id * 2;
                            var page = Page(lastId);
                            Touch/*derived*/(page);
                        }
                    }
                }
                """);
            Assert.Equal(LoopExemption.BatchLoop, Why(host, "paged"));
            Assert.Equal(LoopExemption.None, Why(host, "perBlog"));
            Assert.Equal(LoopExemption.None, Why(host, "derived"));
        }

        [Fact]
        public void Loops_over_configured_servers_options_and_injected_services_are_configured_sets()
        {
            // Ombi's sync jobs (one sync per configured server and library), its notification agents, fullstackhero's
            // handlers resolved from DI. Near misses: entities, and a plain list of a non-service, non-settings type.
            var host = EfCoreTestHost.Create("""
                using Microsoft.Extensions.DependencyInjection;
                using Microsoft.Extensions.Options;

                public class ServerSettings { public List<MediaServer> Servers { get; set; } = new(); }
                public class MediaServer { public string Name { get; set; } = ""; public List<Library> Libraries { get; set; } = new(); }
                public class Library { public string Key { get; set; } = ""; public bool Enabled { get; set; } }
                public class FeedOptions { public List<string> Feeds { get; set; } = new(); }
                public interface INotificationAgent { Task NotifyAsync(string message); }
                public interface ISettingsService<T> { Task<T> GetSettingsAsync(); }

                class Sync
                {
                    private readonly BlogContext _db;
                    private readonly ISettingsService<ServerSettings> _settings;
                    private readonly IOptions<FeedOptions> _options;
                    private readonly IEnumerable<INotificationAgent> _agents;
                    private readonly IServiceProvider _provider;

                    async Task SyncServer(MediaServer server) { _db.Blogs.Add(new Blog { Name = server.Name }); await _db.SaveChangesAsync(); }
                    async Task SyncLibrary(Library library) => await _db.Blogs.CountAsync(b => b.Name == library.Key);
                    async Task Notify(INotificationAgent agent) => await _db.Posts.CountAsync();
                    async Task Feed(string url) => await _db.Blogs.CountAsync(b => b.Url == url);
                    object[] Handlers() => _provider.GetServices<INotificationAgent>().Where(h => h != null).ToArray();

                    async Task Run(List<Blog> blogs, List<MediaServer> loose)
                    {
                        var settings = await _settings.GetSettingsAsync();
                        foreach (var server in settings.Servers)
                        {
                            await SyncServer/*servers*/(server);
                            var enabled = server.Libraries.Where(l => l.Enabled);
                            foreach (var library in enabled) await SyncLibrary/*libraries*/(library);
                        }

                        foreach (var server in settings.Servers ?? new List<MediaServer>()) await SyncServer/*coalesce*/(server);
                        foreach (var url in _options.Value.Feeds) await Feed/*options*/(url);
                        foreach (var agent in _agents) await Notify/*agents*/(agent);
                        foreach (var handler in Handlers()) await Notify/*resolved*/(null);
                        foreach (var blog in blogs) await Feed/*entities*/(blog.Url);
                        foreach (var server in loose) await SyncServer/*plainList*/(server);
                        foreach (var blog in settings.Servers.Select(s => new Blog { Name = s.Name })) await Feed/*entityElements*/(blog.Url);
                    }
                }
                """);
            Assert.Equal(LoopExemption.ConfiguredSet, Why(host, "servers"));
            Assert.Equal(LoopExemption.ConfiguredSet, Why(host, "libraries"));
            Assert.Equal(LoopExemption.ConfiguredSet, Why(host, "coalesce"));
            Assert.Equal(LoopExemption.ConfiguredSet, Why(host, "options"));
            Assert.Equal(LoopExemption.ConfiguredSet, Why(host, "agents"));
            Assert.Equal(LoopExemption.ConfiguredSet, Why(host, "resolved"));
            Assert.Equal(LoopExemption.None, Why(host, "entities"));
            Assert.Equal(LoopExemption.None, Why(host, "plainList"));
            Assert.Equal(LoopExemption.None, Why(host, "entityElements"));
        }

        [Fact]
        public void Outbox_and_retry_queues_that_record_each_outcome_are_work_queues()
        {
            // Ombi's ResendFailedRequests (mark completed when the resend succeeded) and fullstackhero's OutboxDispatcher
            // (processed in the try, failed in the catch). Near misses: a plain update per row, a mark guarded by a lookup (also through a
            // repository method: Ombi's Lidarr and Plex episode jobs), a try without a failure mark.
            var host = EfCoreTestHost.Create("""
                public class SendResult { public bool Success { get; set; } }
                public interface ISender { Task<SendResult> Send(Post post); }
                public interface IBus { Task PublishAsync(string payload); Task SendAsync(Outgoing message); }
                public interface IRemoteUser { string Id { get; } }
                public interface IIdentityProvider { Task<IRemoteUser> FindAsync(string name); }
                public class Outgoing { public string Body { get; set; } = ""; }

                class Dispatcher
                {
                    private readonly BlogContext _db;
                    private readonly ISender _sender;
                    private readonly IBus _bus;
                    private readonly IIdentityProvider _idp;

                    async Task MarkProcessed(Post p) { p.IsPublished = true; await _db.SaveChangesAsync(); }
                    async Task MarkFailed(Post p) { p.Views++; await _db.SaveChangesAsync(); }
                    Task<Blog> FindBlog(int id) => _db.Blogs.FirstOrDefaultAsync(b => b.Id == id);

                    async Task Run()
                    {
                        var pending = await _db.Posts.Where(p => !p.IsPublished).ToListAsync();
                        foreach (var post in pending)
                        {
                            var result = await _sender.Send(post);
                            if (result.Success)
                            {
                                post.IsPublished = true;
                                await _db.SaveChangesAsync/*retry*/();
                            }
                        }

                        foreach (var message in pending)
                        {
                            try
                            {
                                await _bus.PublishAsync(message.Content);
                                await MarkProcessed/*outbox*/(message);
                            }
                            catch (Exception)
                            {
                                await MarkFailed(message);
                            }
                        }

                        foreach (var post in pending)
                        {
                            post.IsPublished = true;
                            await _db.SaveChangesAsync/*update*/();
                        }

                        foreach (var post in pending)
                        {
                            var blog = await _db.Blogs.FirstOrDefaultAsync(b => b.Id == post.BlogId);
                            if (blog != null)
                            {
                                post.Views = 1;
                                await _db.SaveChangesAsync/*lookup*/();
                            }
                        }

                        foreach (var post in pending)
                        {
                            var blog = await FindBlog(post.BlogId);
                            if (blog.IsArchived)
                            {
                                post.Views = 2;
                                await _db.SaveChangesAsync/*repositoryLookup*/();
                            }
                        }

                        foreach (var message in pending)
                        {
                            try
                            {
                                await _bus.PublishAsync(message.Content);
                                await MarkProcessed/*noFailureMark*/(message);
                            }
                            catch (Exception)
                            {
                            }
                        }

                        foreach (var post in pending)
                        {
                            await _bus.PublishAsync(post.Content);
                            post.IsPublished = true;
                            await _db.SaveChangesAsync/*sendThenMark*/();
                        }

                        foreach (var post in pending)
                        {
                            var outgoing = new Outgoing { Body = post.Content };
                            await _bus.SendAsync(outgoing).ConfigureAwait(false);
                            post.IsPublished = true;
                            await _db.SaveChangesAsync/*builtThenMark*/();
                        }

                        foreach (var post in pending)
                        {
                            var remote = await _idp.FindAsync(post.Title);
                            if (remote != null)
                            {
                                post.Title = remote.Id;
                            }

                            await _db.SaveChangesAsync/*identityProviderSync*/();
                        }

                        foreach (var post in pending)
                        {
                            await _bus.PublishAsync("tick");
                            post.IsPublished = true;
                            await _db.SaveChangesAsync/*sendUnrelated*/();
                        }

                        foreach (var post in pending)
                        {
                            await MarkFailed(post);
                            post.IsPublished = true;
                            await _db.SaveChangesAsync/*afterRoundTripCall*/();
                        }

                        foreach (var post in pending)
                        {
                            await _bus.PublishAsync(post.Content);
                            await MarkProcessed(post);
                            await _db.SaveChangesAsync/*callAfterSend*/();
                        }

                        foreach (var line in pending.Select(p => new Outgoing { Body = p.Content }))
                        {
                            await _bus.SendAsync(line);
                            line.Body = "";
                            await _db.SaveChangesAsync/*notARow*/();
                        }

                        foreach (var post in pending)
                        {
                            post.IsPublished = true;
                            await _db.SaveChangesAsync/*markBeforeSend*/();
                            await _bus.PublishAsync(post.Content);
                        }
                    }
                }
                """);
            Assert.Equal(LoopExemption.WorkQueue, Why(host, "retry"));
            Assert.Equal(LoopExemption.WorkQueue, Why(host, "outbox"));
            Assert.Equal(LoopExemption.None, Why(host, "update"));
            Assert.Equal(LoopExemption.None, Why(host, "lookup"));
            Assert.Equal(LoopExemption.None, Why(host, "repositoryLookup"));
            Assert.Equal(LoopExemption.None, Why(host, "noFailureMark"));

            // ClassifiedAds' PublishOutboxMessagesCommand: publish, then mark and commit; an exception leaves the loop before the mark.
            Assert.Equal(LoopExemption.WorkQueue, Why(host, "sendThenMark"));
            Assert.Equal(LoopExemption.WorkQueue, Why(host, "builtThenMark"));
            Assert.Equal(LoopExemption.WorkQueue, Why(host, "identityProviderSync"));
            Assert.Equal(LoopExemption.None, Why(host, "sendUnrelated"));
            Assert.Equal(LoopExemption.None, Why(host, "afterRoundTripCall"));
            Assert.Equal(LoopExemption.None, Why(host, "markBeforeSend"));
            Assert.Equal(LoopExemption.None, Why(host, "callAfterSend"));
            Assert.Equal(LoopExemption.None, Why(host, "notARow"));
        }

        [Fact]
        public void Calls_into_a_job_with_its_own_reported_loop_or_its_own_scope()
        {
            // Ombi's played-sync per user (its lookups run per played item and are reported in that loop); fullstackhero's
            // per-tenant sync and event publishing (each call creates a DI scope and runs a service from it). Near misses: a
            // job over the element's child rows (Ombi's TV requests: the caller's
            // loop is where to batch), a loop left at the first match, a DbContext resolved from the scope.
            var host = EfCoreTestHost.Create("""
                using Microsoft.Extensions.DependencyInjection;

                public class Syncer
                {
                    private readonly BlogContext _db;
                    public async Task SyncAsync() => await _db.Blogs.CountAsync();
                }

                public class PlayedItem { public string Title { get; set; } = ""; }
                public interface IMediaApi { Task<List<PlayedItem>> GetPlayed(int userId); }

                class Jobs
                {
                    private readonly BlogContext _db;
                    private readonly IServiceProvider _provider;
                    private readonly IMediaApi _api;

                    async Task SyncUser(Author user)
                    {
                        foreach (var item in await _api.GetPlayed(user.Id)) await _db.Tags.FirstOrDefaultAsync(t => t.Label == item.Title);
                    }

                    async Task Save(List<Tag> tags) { _db.Tags.AddRange(tags); await _db.SaveChangesAsync(); }

                    async Task SyncUserInPages(Author user)
                    {
                        var batch = new List<Tag>();
                        foreach (var item in await _api.GetPlayed(user.Id))
                        {
                            batch.Add(new Tag { Label = item.Title });
                            await Save(batch);
                            batch.Clear();
                        }
                    }

                    async Task SyncUserWithPreload(Author user)
                    {
                        var n = await _db.Blogs.CountAsync();
                        foreach (var item in await _api.GetPlayed(user.Id)) await _db.Tags.FirstOrDefaultAsync(t => t.Label == item.Title);
                    }

                    async Task OverChildRows(Author user)
                    {
                        foreach (var post in user.Posts) await _db.Tags.FirstOrDefaultAsync(t => t.Label == post.Title);
                    }

                    // Smartstore's MessageFactory.CreateMessageAsync(ctx, params object[] modelParts): the parts may be entities.
                    async Task OverModelParts(Author user, params object[] parts)
                    {
                        foreach (var part in parts) await _db.Tags.FirstOrDefaultAsync(t => t.Label == part.ToString());
                    }

                    async Task FirstMatch(Author user)
                    {
                        foreach (var post in await _api.GetPlayed(user.Id))
                        {
                            var tag = await _db.Tags.FirstOrDefaultAsync(t => t.Label == post.Title);
                            if (tag != null) return;
                        }
                    }

                    async Task InOwnScope(Author user)
                    {
                        using var scope = _provider.CreateScope();
                        var syncer = scope.ServiceProvider.GetRequiredService<Syncer>();
                        await syncer.SyncAsync();
                    }

                    async Task ContextFromScope(Author user)
                    {
                        using var scope = _provider.CreateScope();
                        var db = scope.ServiceProvider.GetRequiredService<BlogContext>();
                        await db.Blogs.CountAsync();
                    }

                    async Task Run(List<Author> users)
                    {
                        foreach (var user in users)
                        {
                            await SyncUser/*job*/(user);
                            await SyncUserInPages/*batchedJob*/(user);
                            await SyncUserWithPreload/*preload*/(user);
                            await OverChildRows/*childRows*/(user);
                            await OverModelParts/*objects*/(user, user, user.Name);
                            await FirstMatch/*search*/(user);
                            await InOwnScope/*scope*/(user);
                            await ContextFromScope/*scopedContext*/(user);
                        }
                    }
                }
                """);
            Assert.Equal(LoopExemption.NestedJob, Why(host, "job"));
            Assert.Equal(LoopExemption.NestedJob, Why(host, "batchedJob"));
            Assert.Equal(LoopExemption.NestedJob, Why(host, "preload"));
            Assert.Equal(LoopExemption.None, Why(host, "childRows"));
            Assert.Equal(LoopExemption.None, Why(host, "objects"));
            Assert.Equal(LoopExemption.None, Why(host, "search"));
            Assert.Equal(LoopExemption.UnitOfWorkPerIteration, Why(host, "scope"));
            Assert.Equal(LoopExemption.None, Why(host, "scopedContext"));
        }
    
        [Fact]
        public void Calls_into_a_job_that_also_runs_round_trips_once_per_call()
        {
            // ErsatzTV's ScanLocalLibraryHandler: a loop over a library's paths calls ScanFolder, which updates the path row
            // once, gets or adds a folder row per directory on disk (reported in that loop) and deletes empty rows once after
            // it. The per-call round trips are not what a scan costs: the caller's loop is not an N+1. Near misses: a callee
            // that only looks one row up (no loop of its own), and one that loops over the element's child rows.
            var host = EfCoreTestHost.Create("""
                public interface IFolderRepository
                {
                    Task UpdatePath(Blog library, string path);
                    Task<Tag> GetOrAddFolder(Blog library, string folder);
                    Task DeleteEmptyFolders(Blog library);
                    Task<Author> Find(int id);
                }

                public class FolderRepository : IFolderRepository
                {
                    private readonly BlogContext _db;
                    public async Task UpdatePath(Blog library, string path) { library.Url = path; await _db.SaveChangesAsync(); }
                    public async Task<Tag> GetOrAddFolder(Blog library, string folder)
                        => await _db.Tags.FirstOrDefaultAsync(t => t.Label == folder) ?? new Tag { Label = folder };
                    public async Task DeleteEmptyFolders(Blog library) => await _db.Tags.Where(t => t.Blogs.Count == 0).ExecuteDeleteAsync();
                    public Task<Author> Find(int id) => _db.Authors.FirstOrDefaultAsync(a => a.Id == id);
                }

                class Scanner
                {
                    private readonly IFolderRepository _folders;
                    private readonly BlogContext _db;

                    public async Task ScanFolder(Blog library)
                    {
                        await _folders.UpdatePath(library, library.Url.TrimEnd('/'));
                        foreach (var folder in System.IO.Directory.GetDirectories(library.Url))
                        {
                            await _folders.GetOrAddFolder(library, folder);
                        }

                        await _folders.DeleteEmptyFolders(library);
                    }

                    public async Task ScanThroughHelper(Blog library)
                    {
                        var author = await _folders.Find(library.AuthorId ?? 0);
                        await ScanFolder(library);
                    }

                    public async Task LookupOnce(Blog library)
                    {
                        var author = await _folders.Find(library.AuthorId ?? 0);
                        await _db.SaveChangesAsync();
                    }

                    public async Task OverChildRowsWithPreload(Blog library)
                    {
                        var author = await _folders.Find(library.AuthorId ?? 0);
                        foreach (var post in library.Posts) await _db.Comments.CountAsync(c => c.PostId == post.Id);
                    }

                    async Task Run(List<Blog> libraries)
                    {
                        for (var i = 0; i < libraries.Count; i++)
                        {
                            var library = libraries[i];
                            await ScanFolder/*scan*/(library);
                            await ScanThroughHelper/*helper*/(library);
                            await LookupOnce/*lookup*/(library);
                            await OverChildRowsWithPreload/*childRows*/(library);
                        }
                    }
                }
                """);
            Assert.Equal(LoopExemption.NestedJob, Why(host, "scan"));
            Assert.Equal(LoopExemption.NestedJob, Why(host, "helper"));
            Assert.Equal(LoopExemption.None, Why(host, "lookup"));
            Assert.Equal(LoopExemption.None, Why(host, "childRows"));
        }

        [Fact]
        public void Calls_into_a_job_whose_loop_does_not_bind()
        {
            // The one-compilation run of ErsatzTV: TelevisionFolderScanner loops over 'ListSubdirectories(..).Filter(..)', an
            // extension of a library that is not referenced. The loop is not judged (nothing is reported in it), but a loop
            // variable declared 'string' still says the round trips repeat per folder: the method is a job. With 'var' the
            // items are unknown, and the caller's loop stays reported.
            var host = EfCoreTestHost.Create("""
                class Scanner
                {
                    private readonly BlogContext _db;

                    public async Task ScanFolder(Blog library)
                    {
                        library.Url = library.Url.TrimEnd('/');
                        await _db.SaveChangesAsync();
                        foreach (string folder in System.IO.Directory.GetDirectories(library.Url).Filter(ShouldInclude))
                        {
                            await _db.Tags.FirstOrDefaultAsync(t => t.Label == folder);
                        }
                    }

                    public async Task ScanFolderVar(Blog library)
                    {
                        library.Url = library.Url.TrimEnd('/');
                        await _db.SaveChangesAsync();
                        foreach (var folder in System.IO.Directory.GetDirectories(library.Url).Filter(ShouldInclude))
                        {
                            await _db.Tags.FirstOrDefaultAsync(t => t.Label == folder);
                        }
                    }

                    private static bool ShouldInclude(string folder) => true;

                    async Task Run(List<Blog> libraries)
                    {
                        foreach (var library in libraries)
                        {
                            await ScanFolder/*typed*/(library);
                            await ScanFolderVar/*var*/(library);
                        }
                    }
                }
                """, allowErrors: true);
            Assert.Equal(LoopExemption.NestedJob, Why(host, "typed"));
            Assert.Equal(LoopExemption.None, Why(host, "var"));
        }

        [Fact]
        public void Calls_into_a_job_whose_loop_is_on_one_branch_only()
        {
            // Smartstore's ProductService.AdjustInventoryAsync(orderItem): it loads the item's product, then for a bundle
            // product adjusts each bundle item in a loop of its own (a job), and for every other product updates that product
            // once per call. The caller's loop over order items runs the per-call round trips once per item (judged true at
            // OrderProcessingService(261), (327), PlaceOrder(900)): the loop on one branch does not hide the other paths. Also
            // a switch arm, and an 'if (..) return' before the loop. Near misses, still jobs: a loop whose round trips are the
            // only ones (whatever branch it is on), a guard that only tests the loop's collection or a null, a per-call round
            // trip on the loop's own branch, and a conditional round trip before an unconditional loop.
            var host = EfCoreTestHost.Create("""
                public class BundleItem { public string Label { get; set; } = ""; public int Quantity { get; set; } }
                public interface IItemApi { Task<List<BundleItem>> GetItems(int id); }
                public class SyncSettings { public bool Enabled { get; set; } }
                public class Feed { public List<BundleItem> Items { get; set; } = new(); }

                class Inventory
                {
                    private readonly BlogContext _db;
                    private readonly IItemApi _api;
                    private readonly SyncSettings _settings;

                    static List<BundleItem> BundleOf(Blog blog) => new();

                    async Task AdjustOne(Blog blog, string label)
                    {
                        var tag = await _db.Tags.FirstOrDefaultAsync(t => t.Label == label);
                        blog.Rating += tag.Id;
                    }

                    public async Task Adjust(Blog blog)
                    {
                        await _db.Authors.FirstOrDefaultAsync(a => a.Id == blog.AuthorId);
                        if (blog.IsArchived)
                        {
                            var items = BundleOf(blog);
                            if (items.Count > 0)
                            {
                                foreach (var item in items) await AdjustOne(blog, item.Label);
                            }

                            return;
                        }
                        else
                        {
                            await AdjustOne(blog, blog.Name);
                        }
                    }

                    public async Task AdjustOtherwise(Blog blog)
                    {
                        if (blog.IsArchived)
                        {
                            foreach (var item in BundleOf(blog)) await AdjustOne(blog, item.Label);
                        }
                        else
                        {
                            await AdjustOne(blog, blog.Name);
                        }
                    }

                    public async Task SyncByRating(Blog blog)
                    {
                        switch (blog.Rating)
                        {
                            case 0:
                                foreach (var item in await _api.GetItems(blog.Id)) await _db.Tags.FirstOrDefaultAsync(t => t.Label == item.Label);
                                break;
                            default:
                                await _db.SaveChangesAsync();
                                break;
                        }
                    }

                    public async Task SyncIfEnabled(Blog blog)
                    {
                        var items = await _api.GetItems(blog.Id);
                        await _db.Authors.CountAsync();
                        if (!_settings.Enabled) return;
                        foreach (var item in items) await _db.Tags.FirstOrDefaultAsync(t => t.Label == item.Label);
                    }

                    public async Task OnlyTheLoop(Blog blog)
                    {
                        if (_settings.Enabled)
                        {
                            await _db.Authors.CountAsync();
                            foreach (var item in await _api.GetItems(blog.Id)) await _db.Tags.FirstOrDefaultAsync(t => t.Label == item.Label);
                            await _db.SaveChangesAsync();
                        }
                    }

                    public async Task PreloadThenEmptyGuard(Blog blog)
                    {
                        var items = await _api.GetItems(blog.Id);
                        await _db.Authors.CountAsync();
                        if (items == null || items.Count == 0) return;
                        foreach (var item in items) await _db.Tags.FirstOrDefaultAsync(t => t.Label == item.Label);
                    }

                    public async Task PreloadThenNullGuard(int blogId)
                    {
                        var blog = await _db.Blogs.FirstOrDefaultAsync(b => b.Id == blogId);
                        if (blog is null) return;
                        foreach (var item in await _api.GetItems(blog.Id)) await _db.Tags.FirstOrDefaultAsync(t => t.Label == item.Label);
                    }

                    // Smartstore's MediaService.InternalDeleteFolder: var files = folder.Files.ToList(); if (folder.Files.Any()) { loop over files }.
                    public async Task PreloadThenGuardOfWhatALocalHolds(Feed feed)
                    {
                        await _db.Authors.CountAsync();
                        var items = feed.Items.ToList();
                        if (feed.Items.Any())
                        {
                            foreach (var item in items) await _db.Tags.FirstOrDefaultAsync(t => t.Label == item.Label);
                        }
                    }

                    public async Task ConditionalPreload(Blog blog)
                    {
                        if (blog.AuthorId != 0) await _db.Authors.CountAsync();
                        foreach (var item in await _api.GetItems(blog.Id)) await _db.Tags.FirstOrDefaultAsync(t => t.Label == item.Label);
                    }

                    public async Task ThroughAJobOnABranch(Blog blog)
                    {
                        await _db.Authors.CountAsync();
                        await OnlyTheLoop(blog);
                    }

                    async Task Run(List<Blog> blogs, List<int> ids, List<Feed> feeds)
                    {
                        foreach (var feed in feeds) await PreloadThenGuardOfWhatALocalHolds/*localGuard*/(feed);

                        foreach (var blog in blogs)
                        {
                            await Adjust/*bundle*/(blog);
                            await AdjustOtherwise/*otherwise*/(blog);
                            await SyncByRating/*switchArm*/(blog);
                            await SyncIfEnabled/*earlyReturn*/(blog);
                            await ThroughAJobOnABranch/*throughJob*/(blog);
                            await OnlyTheLoop/*onlyLoop*/(blog);
                            await PreloadThenEmptyGuard/*emptyGuard*/(blog);
                            await ConditionalPreload/*conditionalPreload*/(blog);
                        }

                        foreach (var id in ids) await PreloadThenNullGuard/*nullGuard*/(id);
                    }
                }
                """);
            Assert.Equal(LoopExemption.None, Why(host, "bundle"));
            Assert.Equal(LoopExemption.None, Why(host, "otherwise"));
            Assert.Equal(LoopExemption.None, Why(host, "switchArm"));
            Assert.Equal(LoopExemption.None, Why(host, "earlyReturn"));
            Assert.Equal(LoopExemption.None, Why(host, "throughJob"));
            Assert.Equal(LoopExemption.NestedJob, Why(host, "onlyLoop"));
            Assert.Equal(LoopExemption.NestedJob, Why(host, "emptyGuard"));
            Assert.Equal(LoopExemption.NestedJob, Why(host, "nullGuard"));
            Assert.Equal(LoopExemption.NestedJob, Why(host, "localGuard"));
            Assert.Equal(LoopExemption.NestedJob, Why(host, "conditionalPreload"));
        }

        [Fact]
        public void Heavy_work_per_item_outside_the_database()
        {
            var host = EfCoreTestHost.Create("""
                namespace CliWrap
                {
                    public sealed class Command
                    {
                        public Command WithArguments(string arguments) => this;
                        public Task ExecuteAsync() => Task.CompletedTask;
                    }

                    public static class Cli { public static Command Wrap(string target) => new Command(); }
                }

                class Packager
                {
                    private readonly BlogContext _db;
                    public Packager(BlogContext db) => _db = db;

                    public async Task PackageAsync(Blog blog)
                    {
                        System.IO.Compression.ZipFile.CreateFromDirectory(blog.Url, blog.Url + ".zip");
                        blog.Name = "packaged";
                        await _db.SaveChangesAsync();
                    }

                    public async Task ReencodeAsync(Blog blog)
                    {
                        var bytes = await System.IO.File.ReadAllBytesAsync(blog.Url);
                        await System.IO.File.WriteAllBytesAsync(blog.Url + ".webp", bytes);
                        await _db.Posts.CountAsync(p => p.BlogId == blog.Id);
                    }

                    public async Task<bool> LookupAsync(Blog blog)
                    {
                        if (!System.IO.File.Exists(blog.Url)) return false;
                        return await _db.Posts.AnyAsync(p => p.BlogId == blog.Id);
                    }

                    public async Task ExtractSubtitlesAsync(Blog blog)
                    {
                        await CliWrap.Cli.Wrap("ffmpeg").WithArguments(blog.Url).ExecuteAsync();
                        await _db.Posts.CountAsync(p => p.BlogId == blog.Id);
                    }

                    async Task Run(List<Blog> blogs)
                    {
                        foreach (var blog in blogs) await ExtractSubtitlesAsync/*cliwrap*/(blog);
                        foreach (var blog in blogs) await PackageAsync/*zip*/(blog);
                        foreach (var blog in blogs) await ReencodeAsync/*file*/(blog);
                        foreach (var blog in blogs)
                        {
                            System.Diagnostics.Process.Start("ffmpeg", blog.Url)!.WaitForExit();
                            await _db.Posts.CountAsync/*process*/(p => p.BlogId == blog.Id);
                        }

                        foreach (var blog in blogs) await LookupAsync/*exists*/(blog);
                        foreach (var blog in blogs)
                        {
                            try { await _db.Posts.CountAsync/*errorOnly*/(p => p.BlogId == blog.Id); }
                            catch (Exception) { System.IO.File.Copy(blog.Url, blog.Url + ".bak"); }
                        }
                    }
                }
                """);
            Assert.Equal(LoopExemption.HeavyWorkPerItem, Why(host, "zip"));
            Assert.Equal(LoopExemption.HeavyWorkPerItem, Why(host, "cliwrap")); // CliWrap runs a process, as ErsatzTV's ffmpeg extractions do
            Assert.Equal(LoopExemption.HeavyWorkPerItem, Why(host, "file"));
            Assert.Equal(LoopExemption.HeavyWorkPerItem, Why(host, "process"));
            Assert.Equal(LoopExemption.None, Why(host, "exists"));   // File.Exists costs about what the query costs
            Assert.Equal(LoopExemption.None, Why(host, "errorOnly")); // the copy runs only when the query fails
        }

        [Fact]
        public void Heavy_work_behind_an_injected_interface_with_one_implementation()
        {
            // TeslaSolarCharger: per car, `_teslaService.SetAmp(car)` (ITeslaService -> TeslaFleetApiService) reads the car's row
            // and then sends the command through IBackendApiService's HttpClient, three calls down: the round trip beside a
            // remote call per item is not what makes the loop slow. Followed through an interface only when one class
            // implements it; the same work behind an interface two classes implement, or four calls down, is not seen.
            var host = EfCoreTestHost.Create("""
                public interface IBackend { Task<string> SendAsync(string url); }
                public class Backend : IBackend
                {
                    private readonly System.Net.Http.HttpClient _http = new();
                    public async Task<string> SendAsync(string url) => await (await _http.GetAsync(url)).Content.ReadAsStringAsync();
                }

                public interface ICarService { Task SetAmp(Blog car); Task Poll(Blog car); }
                public class CarService : ICarService
                {
                    private readonly BlogContext _db;
                    private readonly IBackend _backend;
                    public CarService(BlogContext db, IBackend backend) { _db = db; _backend = backend; }
                    public async Task SetAmp(Blog car) => await Send(car, "amp");
                    public async Task Poll(Blog car) => await Deeper(car);
                    private async Task Send(Blog car, string command)
                    {
                        var name = await _db.Blogs.Where(b => b.Id == car.Id).Select(b => b.Name).FirstAsync();
                        await _backend.SendAsync(name + command);
                    }
                    private async Task Deeper(Blog car) => await Deepest(car);
                    private async Task Deepest(Blog car) => await Send(car, "poll");
                }

                public interface INotifier { Task Notify(Blog blog); }
                public class MailNotifier : INotifier
                {
                    private readonly BlogContext _db;
                    private readonly System.Net.Http.HttpClient _http = new();
                    public MailNotifier(BlogContext db) => _db = db;
                    public async Task Notify(Blog blog) { await _db.Posts.CountAsync(p => p.BlogId == blog.Id); await _http.PostAsync("mail", null); }
                }
                public class NullNotifier : INotifier
                {
                    private readonly BlogContext _db;
                    public NullNotifier(BlogContext db) => _db = db;
                    public async Task Notify(Blog blog) => await _db.Posts.CountAsync(p => p.BlogId == blog.Id);
                }

                class Charger
                {
                    async Task Run(BlogContext db, List<Blog> cars, ICarService service, INotifier notifier)
                    {
                        foreach (var car in cars) await service.SetAmp/*remote*/(car);
                        foreach (var car in cars) await service.Poll/*tooDeep*/(car);
                        foreach (var car in cars)
                        {
                            await db.Posts.CountAsync/*twoImplementations*/(p => p.BlogId == car.Id);
                            await notifier.Notify(car);
                        }
                    }
                }
                """);
            Assert.Equal(LoopExemption.HeavyWorkPerItem, Why(host, "remote"));
            Assert.Equal(LoopExemption.None, Why(host, "tooDeep"));
            Assert.Equal(LoopExemption.None, Why(host, "twoImplementations"));
        }

        [Fact]
        public void Heavy_work_an_answer_found_deeper_does_not_reach_a_caller_that_may_look_less_deep()
        {
            // The look's answers are kept per method and depth: `Copy` is heavy one call below `Third`, so a loop that calls
            // `Third` is exempt; a loop that reaches `Third` three calls down would need a fifth level, and stays reported
            // whichever loop is asked first (before, the first answer for `Third` was kept for every depth, and Oqtane's
            // findings depended on which rule asked first).
            const string source = """
                class Sync
                {
                    private readonly BlogContext _db;
                    public Sync(BlogContext db) => _db = db;
                    private void Copy(Blog blog) => System.IO.File.Copy(blog.Url, blog.Url + ".bak");
                    private void Third(Blog blog) => Copy(blog);
                    private void Second(Blog blog) => Third(blog);
                    private void First(Blog blog) => Second(blog);

                    void Run(List<Blog> blogs)
                    {
                        foreach (var blog in blogs) { First(blog); _db.Posts.Count/*deep*/(p => p.BlogId == blog.Id); }
                        foreach (var blog in blogs) { Third(blog); _db.Posts.Count/*near*/(p => p.BlogId == blog.Id); }
                    }
                }
                """;
            var nearFirst = EfCoreTestHost.Create(source);
            Assert.Equal(LoopExemption.HeavyWorkPerItem, Why(nearFirst, "near"));
            Assert.Equal(LoopExemption.None, Why(nearFirst, "deep"));

            var deepFirst = EfCoreTestHost.Create(source);
            Assert.Equal(LoopExemption.None, Why(deepFirst, "deep"));
            Assert.Equal(LoopExemption.HeavyWorkPerItem, Why(deepFirst, "near"));
        }

        [Fact]
        public void A_local_the_loop_fills_once_is_a_cache_miss()
        {
            // Oqtane's SiteRepository.CreatePages: `if (pages == null) pages = _pageRepository.GetPages(siteId).ToList();`
            // inside the loop over page templates loads the pages once, on the first template that needs them.
            var host = EfCoreTestHost.Create("""
                class C
                {
                    void M(BlogContext db, List<Blog> blogs)
                    {
                        List<Post> posts = null;
                        foreach (var b in blogs)
                        {
                            if (posts == null) { posts = db.Posts.ToList/*memo*/(); }
                            b.Name = posts.Count.ToString();
                        }

                        List<Tag> tags = null;
                        foreach (var b in blogs) { tags ??= db.Tags.ToList/*coalesce*/(); }

                        List<Tag> labels = null;
                        foreach (var b in blogs) { if (labels is null) labels = db.Tags.Where(t => t.Label != null).ToList/*isNull*/(); }

                        foreach (var b in blogs)
                        {
                            List<Post> own = null;
                            if (own == null) own = db.Posts.Where(p => p.BlogId == b.Id).ToList/*declaredInside*/();
                        }

                        List<Post> reset = null;
                        foreach (var b in blogs)
                        {
                            if (reset == null) reset = db.Posts.Where(p => p.BlogId == b.Id).ToList/*resetEachTime*/();
                            reset = null;
                        }

                        Blog found = null;
                        foreach (var b in blogs)
                        {
                            if (found == null) db.Posts.Count/*neverFilled*/(p => p.BlogId == b.Id);
                        }
                    }
                }
                """);
            Assert.Equal(LoopExemption.CacheMiss, Why(host, "memo"));
            Assert.Equal(LoopExemption.CacheMiss, Why(host, "coalesce"));
            Assert.Equal(LoopExemption.CacheMiss, Why(host, "isNull"));
            Assert.Equal(LoopExemption.None, Why(host, "declaredInside"));  // a new local per iteration: loaded every time
            Assert.Equal(LoopExemption.None, Why(host, "resetEachTime"));   // emptied again in the loop
            Assert.Equal(LoopExemption.None, Why(host, "neverFilled"));     // the test stays true: runs every time
        }

        [Fact]
        public void Loops_in_a_test_class_are_test_code_and_a_helper_outside_one_is_not()
        {
            // BTCPayServer's tests: foreach (var store in stores) await repo.DeleteStore(store.Id) in a [Fact] class. The
            // same loop in an application class (or a plain fixture class with no test attribute) keeps its finding.
            var host = EfCoreTestHost.Create("""
                namespace TestFramework
                {
                    public class FactAttribute : System.Attribute { }
                    public sealed class TestFixtureAttribute : System.Attribute { }
                }

                public class StoreTests
                {
                    [TestFramework.Fact]
                    public void Deletes(BlogContext db, List<int> ids)
                    {
                        foreach (var id in ids) db.Blogs.Find/*fact*/(id);
                    }

                    private void Helper(BlogContext db, List<int> ids)
                    {
                        foreach (var id in ids) db.Blogs.Find/*helperInTestClass*/(id);
                    }
                }

                [TestFramework.TestFixture]
                public class FixtureTests
                {
                    public void Setup(BlogContext db, List<int> ids)
                    {
                        foreach (var id in ids) db.Blogs.Find/*fixture*/(id);
                    }
                }

                public class StoreService
                {
                    public void Delete(BlogContext db, List<int> ids)
                    {
                        foreach (var id in ids) db.Blogs.Find/*app*/(id);
                    }
                }
                """);
            Assert.Equal(LoopExemption.TestCode, Why(host, "fact"));
            Assert.Equal(LoopExemption.TestCode, Why(host, "helperInTestClass"));
            Assert.Equal(LoopExemption.TestCode, Why(host, "fixture"));
            Assert.Equal(LoopExemption.None, Why(host, "app"));
        }

        [Fact]
        public void Logging_through_a_logger_that_writes_the_database_is_logging()
        {
            // Oqtane's LogManager.Log(LogLevel, ...) adds a row to its log table with SaveChanges; a loop that logs per
            // setting is logging. A repository's AddLog is a data call and keeps its reason (none).
            var host = EfCoreTestHost.Create("""
                public enum LogLevel { Information, Error }
                public class LogEntry { public int Id { get; set; } public string Message { get; set; } }
                public interface ILogManager { void Log(LogLevel level, string message); }
                public class LogManager : ILogManager
                {
                    private readonly BlogContext _db;
                    public LogManager(BlogContext db) => _db = db;
                    public void Log(LogLevel level, string message) => Write(new Tag { Label = message });
                    private void Write(Tag entry) { _db.Tags.Add(entry); _db.SaveChanges(); }
                }

                public class AuditLogger
                {
                    private readonly BlogContext _db;
                    public AuditLogger(BlogContext db) => _db = db;
                    public void LogWarning(string message) { _db.Tags.Add(new Tag { Label = message }); _db.SaveChanges(); }
                }

                public class TagRepository
                {
                    private readonly BlogContext _db;
                    public TagRepository(BlogContext db) => _db = db;
                    public void AddLog(string message) { _db.Tags.Add(new Tag { Label = message }); _db.SaveChanges(); }
                }

                class C
                {
                    void M(LogManager logs, ILogManager logger, AuditLogger audit, TagRepository tags, List<Blog> blogs)
                    {
                        foreach (var b in blogs) logs.Log/*manager*/(LogLevel.Information, b.Name);
                        foreach (var b in blogs) logger.Log/*interface*/(LogLevel.Information, b.Name);
                        foreach (var b in blogs) audit.LogWarning/*levelName*/(b.Name);
                        foreach (var b in blogs) tags.AddLog/*repository*/(b.Name);
                    }
                }
                """);
            Assert.Equal(LoopExemption.LoggingCall, Why(host, "manager"));
            Assert.Equal(LoopExemption.LoggingCall, Why(host, "interface"));
            Assert.Equal(LoopExemption.LoggingCall, Why(host, "levelName"));
            Assert.Equal(LoopExemption.None, Why(host, "repository"));
        }
    }
}
