using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using PerfAnalyzers.EfCore;
using Xunit;

namespace PerfAnalyzers.Tests.EfCore
{
    /// <summary>
    /// The summaries' syntax prefilter (<see cref="RoundTripSummaries.MayReachRoundTrip"/>): every shape a chain can start from
    /// keeps its body bound and summarized (each of these fails if the prefilter drops its shape), and a body with none of them is
    /// answered from its syntax.
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
        [InlineData("AuditedPost", ".ctor")]
        public void Keeps_every_shape_a_chain_starts_from(string type, string name)
        {
            var summaries = new RoundTripSummaries(Host.Ef!, Host.Compilation);
            var method = Method(type, name);
            Assert.True(summaries.MayReachRoundTrip(method, CancellationToken.None));
            Assert.True(summaries.Get(method, CancellationToken.None).PerformsRoundTrip, type + "." + name + " should lead to a round trip");
        }

        [Theory]
        [InlineData("Helper")]
        [InlineData("InMemory")]
        [InlineData("Typed")]
        public void Answers_a_body_without_any_from_its_syntax(string name)
        {
            var summaries = new RoundTripSummaries(Host.Ef!, Host.Compilation);
            var method = Method("C", name);
            Assert.False(summaries.MayReachRoundTrip(method, CancellationToken.None));
            Assert.False(summaries.Get(method, CancellationToken.None).PerformsRoundTrip);
        }
    }
}
