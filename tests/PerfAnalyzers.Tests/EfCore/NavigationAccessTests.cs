using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using PerfAnalyzers.EfCore;
using Xunit;

namespace PerfAnalyzers.Tests.EfCore
{
    /// <summary>
    /// The precondition of an entity origin (<see cref="NavigationAccess.MayTraceEntityIn"/>, issue 14): EFP102/EFP103 and
    /// EFP107 skip the navigation reads of a body with no query-typed operation, before asking the model. It must say yes
    /// wherever <see cref="NavigationAccess.TraceEntity"/> can find an origin (else findings are lost) and no in a body
    /// that only reads entities it was given (else nothing is saved).
    /// </summary>
    public class NavigationAccessTests
    {
        private const string Source = """
            class C
            {
                IQueryable<Post> Published(BlogContext db) => db.Posts.Where(p => p.IsPublished);

                int Given(Post post) => post.Blog.Id + post.Comments.Count;

                int Mapped(List<Post> posts) => posts.Select(p => p.Blog.Id).Sum();

                int Single(BlogContext db) { var post = db.Posts.First(); return post.Blog.Id; }

                int Found(BlogContext db) { var post = db.Posts.Find(1); return post.Blog.Id; }

                async Task<int> Awaited(BlogContext db) { var post = await db.Posts.FirstAsync(); return post.Blog.Id; }

                int FromHelper(BlogContext db) { var post = Published(db).First(); return post.Blog.Id; }

                void InLambda(BlogContext db, List<int> ids) { ids.ForEach(id => Console.WriteLine(db.Posts.First(p => p.Id == id).Blog.Id)); }
            }
            """;

        [Fact]
        public void The_answers_are_kept_per_body_and_per_type_whatever_was_asked_first()
        {
            // One compilation, every body asked twice in two orders: the per-body and per-type caches give the answers a
            // fresh compilation gives (the theory below).
            var host = EfCoreTestHost.Create(Source);
            var bodies = host.Tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>()
                .ToDictionary(m => m.Identifier.ValueText, m => host.Model.GetOperation(m)!);
            string Ask(System.Collections.Generic.IEnumerable<string> order)
                => string.Join(", ", order.Select(name => name + "=" + NavigationAccess.MayTraceEntityIn(host.Ef!.Symbols, new[] { bodies[name] })).OrderBy(a => a, System.StringComparer.Ordinal));
            var expected = "Awaited=True, Found=True, FromHelper=True, Given=False, InLambda=True, Mapped=False, Published=True, Single=True";
            Assert.Equal(expected, Ask(bodies.Keys));
            Assert.Equal(expected, Ask(bodies.Keys.Reverse()));
        }

        [Theory]
        [InlineData("Given", false)]
        [InlineData("Mapped", false)]
        [InlineData("Single", true)]
        [InlineData("Found", true)]
        [InlineData("Awaited", true)]
        [InlineData("FromHelper", true)]
        [InlineData("InLambda", true)]
        public void A_body_may_hold_an_entity_origin_only_when_it_has_a_query_typed_operation(string method, bool expected)
        {
            var host = EfCoreTestHost.Create(Source);
            var declaration = host.Tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().Single(m => m.Identifier.ValueText == method);
            var body = host.Model.GetOperation(declaration)!;
            Assert.Equal(expected, NavigationAccess.MayTraceEntityIn(host.Ef!.Symbols, new[] { body }));
        }
    }
}
