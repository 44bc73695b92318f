using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using PerfAnalyzers.EfCore;
using Xunit;

namespace PerfAnalyzers.Tests.EfCore
{
    /// <summary>
    /// The summaries' syntax prefilter (<see cref="RoundTripSummaries.MayReachRoundTrip"/>): every shape a chain can start from
    /// keeps its body bound and summarized (each of these fails if the prefilter drops its shape), and a body with none of them,
    /// or that names only source methods with none of them within the budget (a helper's caller, a chain five calls deep), is
    /// answered from syntax.
    /// </summary>
    public class RoundTripSummariesTests
    {
        private static readonly EfCoreTestHost Host = EfCoreTestHost.Create("""
            interface IStore { void Save(BlogContext db); }
            class Store : IStore { void IStore.Save(BlogContext db) => db.SaveChanges(); }
            class Batch : IEnumerable<Post>
            {
                private readonly BlogContext _db;
                public Batch(BlogContext db) { _db = db; }
                public void Add(Post post) { _db.Posts.Add(post); _db.SaveChanges(); }
                public IEnumerator<Post> GetEnumerator() => null;
                System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => null;
            }
            class Audited { public Audited(BlogContext db) { db.SaveChanges(); } }
            class AuditedPost : Audited { public AuditedPost(BlogContext db) : base(db) { } }
            class Api { public void Post() { } }
            class C
            {
                private BlogContext _db;
                private IStore _store;
                int Direct() => _db.Posts.Count();
                void Loop() { foreach (var p in _db.Posts) { } }
                void CallsSource() => Direct();
                void ThroughInterface() => _store.Save(_db);
                int MethodGroup() { Func<int> count = Direct; return count(); }
                void Initializer() { var batch = new Batch(_db) { new Post() }; }
                string Helper(string a, int b) => (a + ":" + b).Trim();
                IEnumerable<Post> InMemory(List<Post> posts) => posts.Where(p => p.Views > 1).Skip(1);
                Post Typed() { Post p = new Post(); return p; }
                string CallsHelper(Post p) => Helper(p.Title, 1) + Helper(p.Title, 2);
                void Far1() => Far2();
                void Far2() => Far3();
                void Far3() => Far4();
                void Far4() => Far5();
                void Far5() => _db.SaveChanges();
                void Near2() => Far3();
            }
            """);

        private static IMethodSymbol Method(string type, string name)
            => Host.Compilation.GetTypeByMetadataName(type)!.GetMembers(name).OfType<IMethodSymbol>().Single();

        [Theory]
        [InlineData("C", "Direct")]
        [InlineData("C", "Loop")]
        [InlineData("C", "CallsSource")]
        [InlineData("C", "ThroughInterface")]
        [InlineData("C", "MethodGroup")]
        [InlineData("C", "Initializer")]
        [InlineData("C", "Near2")]
        [InlineData("AuditedPost", ".ctor")]
        public void Keeps_every_shape_a_chain_starts_from(string type, string name)
        {
            var summaries = new RoundTripSummaries(Host.Ef!, Host.Compilation);
            var method = Method(type, name);
            Assert.True(summaries.MayReachRoundTrip(method, CancellationToken.None));
            Assert.True(summaries.Get(method, CancellationToken.None).PerformsRoundTrip, type + "." + name + " should lead to a round trip");
        }

        private static readonly EfCoreTestHost Chains = EfCoreTestHost.Create("""
            class Repo { private BlogContext _db; public Post Find() => _db.Posts.First(); }
            class Memo { private Repo _repo; private Post _memo; public Post Get() { if (_memo == null) _memo = _repo.Find(); return _memo; } }
            class Service
            {
                private Repo _repo;
                private Memo _memo;
                public Post Load() { var cached = _memo.Get(); return Mid(); }
                Post Mid() => Deep();
                Post Deep() => _repo.Find();
            }
            class Top { private Service _service; public Post Run() => _service.Load(); }
            class Cycle
            {
                private Repo _repo;
                public Post Ping(int n) => n > 0 ? Pong(n - 1) : _repo.Find();
                public Post Pong(int n) => Ping(n);
            }
            """);

        /// <summary>
        /// A method's summary does not depend on which method was asked first (issue 14: BTCPay Server's TestAccount line 63 was
        /// reported through a different chain, and line 97 not at all, depending on the rules run). Service.Load reaches a round
        /// trip on every call through three further calls (Mid, Deep, Repo.Find) and one on a cache miss (Memo.Get); asked from
        /// Top.Run, one level higher, the budget reaches only the cache miss. That answer (on a cache miss) was cached for
        /// Service.Load and returned when Service.Load was asked afterwards.
        /// </summary>
        [Fact]
        public void Answers_do_not_depend_on_the_order_methods_are_asked_in()
        {
            var methods = new[] { ("Top", "Run"), ("Service", "Load"), ("Service", "Mid"), ("Service", "Deep"), ("Memo", "Get"), ("Repo", "Find"), ("Cycle", "Ping"), ("Cycle", "Pong") }
                .Select(m => Chains.Compilation.GetTypeByMetadataName(m.Item1)!.GetMembers(m.Item2).OfType<IMethodSymbol>().Single())
                .ToArray();
            string Describe(RoundTripSummary s) => string.Join(" -> ", s.Chain) + (s.OnCacheMiss ? " (on a cache miss)" : "") + (s.OwnScope ? " (own scope)" : "")
                + (s.InOwnLoop ? " (own loop)" : "") + (s.Guards.IsEmpty ? "" : " guards " + string.Join(",", s.Guards));
            string[] Ask(IEnumerable<IMethodSymbol> order)
            {
                var summaries = new RoundTripSummaries(Chains.Ef!, Chains.Compilation);
                var answers = new Dictionary<IMethodSymbol, string>(SymbolEqualityComparer.Default);
                foreach (var method in order)
                {
                    answers[method] = Describe(summaries.Get(method, CancellationToken.None));
                }

                return methods.Select(m => m.ContainingType.Name + "." + m.Name + ": " + answers[m]).ToArray();
            }

            var topDown = Ask(methods);
            var bottomUp = Ask(methods.Reverse());
            Assert.Equal(bottomUp, topDown);
            Assert.Contains("Service.Load: Service.Mid -> Service.Deep -> Repo.Find -> First", topDown);
            Assert.Contains("Top.Run: Service.Load -> Memo.Get -> Repo.Find -> First (on a cache miss)", topDown);
        }

        [Theory]
        [InlineData("Helper")]
        [InlineData("InMemory")]
        [InlineData("Typed")]
        [InlineData("CallsHelper")]
        [InlineData("Far1")]
        public void Answers_a_body_without_any_from_its_syntax(string name)
        {
            var summaries = new RoundTripSummaries(Host.Ef!, Host.Compilation);
            var method = Method("C", name);
            Assert.False(summaries.MayReachRoundTrip(method, CancellationToken.None));
            Assert.False(summaries.Get(method, CancellationToken.None).PerformsRoundTrip);
        }
    }
}
