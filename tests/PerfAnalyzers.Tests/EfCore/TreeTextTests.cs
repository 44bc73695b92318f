using System.Linq;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using PerfAnalyzers.EfCore;
using Xunit;

namespace PerfAnalyzers.Tests.EfCore
{
    /// <summary>
    /// <see cref="TreeText.MemberInvocations"/>, the text-first search that replaced a walk of every node in
    /// <c>TableGrowth</c>'s Add scan (issue 14): the same invocations, in the same order, as the walk it replaced.
    /// </summary>
    public class TreeTextTests
    {
        private static readonly string[] AddNames = { "Add", "AddAsync", "AddRange", "AddRangeAsync" };

        private const string Source = """
            using System.Collections.Generic;
            class C
            {
                List<int> list = new();
                async void M(Db db, Db other)
                {
                    list.Add(1);                                  // Add in a comment: list.Add(2)
                    var s = "db.Add(3)";                          // nor in a string
                    db.Posts.AddColumn("x");                      // a longer name
                    db.TryAdd(1);
                    db.Posts.@Add(new Post());                    // verbatim
                    db.Set<Post>().AddRange(db.Posts.Add(new Post()), other.Add<Post>(null));
                    other
                        .Blogs
                        .AddRangeAsync(x => x.Add(1)).Add(2);
                    db?.Add(4);                                   // conditional access: not a member access
                    Add(5);                                       // not on a receiver
            #if NEVER
                    db.Add(6);
            #endif
                    /// <summary>db.Add(7)</summary>
                    await db.AddAsync(8);
                }
                void Add(int x) { }
            }
            """;

        [Fact]
        public void Finds_the_same_invocations_in_the_same_order_as_a_walk_of_every_node()
        {
            var tree = CSharpSyntaxTree.ParseText(Source);
            var walked = tree.GetRoot().DescendantNodes()
                .OfType<InvocationExpressionSyntax>()
                .Where(i => i.Expression is MemberAccessExpressionSyntax access && AddNames.Contains(access.Name.Identifier.ValueText))
                .ToList();

            var found = TreeText.MemberInvocations(tree, AddNames, default);

            Assert.Equal(walked.Select(i => i.ToString()), found.Select(i => i.ToString()));
            Assert.Equal(walked, found);
            Assert.Equal(9, found.Count);
        }

        [Fact]
        public void A_tree_whose_text_names_none_of_them_gives_nothing()
        {
            var tree = CSharpSyntaxTree.ParseText("class M { void Up(Builder b) { b.AddColumn(\"x\"); b.AddForeignKey(\"y\"); } }");

            Assert.Empty(TreeText.MemberInvocations(tree, AddNames, default));
        }
    }
}
