using System.Threading.Tasks;
using PerfAnalyzers.EfCore;
using Xunit;

namespace PerfAnalyzers.Tests.EfCore
{
    /// <summary>
    /// The operator vocabulary (<see cref="QueryOperators"/>): each meaning is matched on Queryable, Enumerable and EF
    /// Core's async extensions by symbol, and an application's own method of the same name is not an operator.
    /// </summary>
    public class QueryOperatorsTests
    {
        private const string Source = """
            namespace Microsoft.EntityFrameworkCore.DynamicLinq
            {
                public static class DynamicQueryableExtensions
                {
                    public static Task<List<T>> ToListAsync<T>(this IQueryable<T> source, string tag) => null;
                }
            }

            namespace App
            {
                using Microsoft.EntityFrameworkCore.DynamicLinq;

                public class Bag<T>
                {
                    public List<T> ToList() => null;
                    public T FirstOrDefault() => default;
                    public IEnumerable<T> AsEnumerable() => null;
                }

                public static class BagOperators
                {
                    public static Task<List<T>> ToListAsync<T>(this Bag<T> bag) => null;
                    public static T SingleAsync<T>(this Bag<T> bag) => default;
                    public static int Count<T>(this Bag<T> bag) => 0;
                    public static Bag<T> Take<T>(this Bag<T> bag, int n) => bag;
                    public static Bag<T> Where<T>(this Bag<T> bag, Func<T, bool> f) => bag;
                    public static Bag<T> Include<T>(this Bag<T> bag, string path) => bag;
                    public static Bag<T> AsNoTracking<T>(this Bag<T> bag) => bag;
                    public static Bag<int> Select<T>(this Bag<T> bag, Func<T, int> f) => null;
                    public static Bag<T> OrderBy<T>(this Bag<T> bag) => bag;
                    public static Task LoadAsync<T>(this Bag<T> bag) => null;
                }

                public class Page
                {
                    public async Task Run(BlogContext db, List<Post> list, Bag<Post> bag)
                    {
                        db.Posts.ToList/*q-list*/(); list.ToList/*e-list*/(); await db.Posts.ToListAsync/*ef-list*/(); bag.ToList/*u-list*/(); await bag.ToListAsync/*u-list-async*/();
                        db.Posts.ToDictionary/*q-dict*/(p => p.Id); await db.Posts.ToDictionaryAsync/*ef-dict*/(p => p.Id);
                        db.Posts.FirstOrDefault/*q-single*/(); list.FirstOrDefault/*e-single*/(); await db.Posts.SingleAsync/*ef-single*/(); bag.FirstOrDefault/*u-single*/(); bag.SingleAsync/*u-single-async*/();
                        db.Posts.Count/*q-scalar*/(); list.Count/*e-scalar*/(); await db.Posts.AnyAsync/*ef-scalar*/(); bag.Count/*u-scalar*/();
                        await db.Posts.LoadAsync/*ef-drain*/(); await db.Posts.ForEachAsync/*ef-foreach*/(p => { }); await bag.LoadAsync/*u-drain*/(); list.ForEach/*list-foreach*/(p => { });
                        var blog = new Blog(); db.Entry(blog).Collection(b => b.Posts).Load/*nav-load*/(); await db.Entry(list[0]).Reference(p => p.Blog).LoadAsync/*nav-load-async*/();
                        db.Posts.Take/*q-page*/(1).ToList(); list.Skip/*e-page*/(1).ToList(); bag.Take/*u-page*/(1);
                        db.Posts.Where/*q-filter*/(p => p.IsPublished).ToList(); list.Where/*e-filter*/(p => p.IsPublished).ToList(); bag.Where/*u-filter*/(p => p.IsPublished);
                        db.Posts.OrderBy/*q-order*/(p => p.Id).ToList(); list.OrderByDescending/*e-order*/(p => p.Id).ToList(); bag.OrderBy/*u-order*/();
                        db.Posts.AsNoTracking/*ef-tracking*/().ToList(); bag.AsNoTracking/*u-tracking*/();
                        db.Posts.Include/*ef-include*/(p => p.Blog).ThenInclude/*ef-theninclude*/(b => b.Author).ToList(); bag.Include/*u-include*/("Blog");
                        db.Posts.AsSplitQuery/*ef-option*/().TagWith/*ef-tag*/("x").ToList();
                        db.Posts.Distinct/*q-same*/().ToList(); list.OfType/*e-same*/<Post>().ToList();
                        db.Posts.Select/*q-shape*/(p => p.Id).ToList(); list.SelectMany/*e-shape*/(p => p.Title).ToList(); bag.Select/*u-shape*/(p => p.Id);
                        await db.Posts.ToListAsync/*dynamic-list*/("tag");
                        db.Posts.AsEnumerable/*q-stream*/().ToList(); db.Posts.AsAsyncEnumerable/*ef-stream*/(); bag.AsEnumerable/*u-stream*/();
                    }
                }
            }
            """;

        private static readonly EfCoreTestHost Host = EfCoreTestHost.Create(Source);

        [Theory]
        [InlineData("q-list", nameof(OperatorMeaning.ToCollection))]
        [InlineData("e-list", nameof(OperatorMeaning.ToCollection))]
        [InlineData("ef-list", nameof(OperatorMeaning.ToCollection))]
        [InlineData("q-dict", nameof(OperatorMeaning.ToKeyedCollection))]
        [InlineData("ef-dict", nameof(OperatorMeaning.ToKeyedCollection))]
        [InlineData("q-single", nameof(OperatorMeaning.SingleRow))]
        [InlineData("e-single", nameof(OperatorMeaning.SingleRow))]
        [InlineData("ef-single", nameof(OperatorMeaning.SingleRow))]
        [InlineData("q-scalar", nameof(OperatorMeaning.Scalar))]
        [InlineData("e-scalar", nameof(OperatorMeaning.Scalar))]
        [InlineData("ef-scalar", nameof(OperatorMeaning.Scalar))]
        [InlineData("ef-drain", nameof(OperatorMeaning.Drain))]
        [InlineData("ef-foreach", nameof(OperatorMeaning.Drain))]
        [InlineData("nav-load", nameof(OperatorMeaning.Drain))]
        [InlineData("nav-load-async", nameof(OperatorMeaning.Drain))]
        [InlineData("q-page", nameof(OperatorMeaning.Limit))]
        [InlineData("e-page", nameof(OperatorMeaning.Offset))]
        [InlineData("q-filter", nameof(OperatorMeaning.Filter))]
        [InlineData("e-filter", nameof(OperatorMeaning.Filter))]
        [InlineData("q-order", nameof(OperatorMeaning.Ordering))]
        [InlineData("e-order", nameof(OperatorMeaning.Ordering))]
        [InlineData("ef-tracking", nameof(OperatorMeaning.Tracking))]
        [InlineData("ef-include", nameof(OperatorMeaning.Include))]
        [InlineData("ef-theninclude", nameof(OperatorMeaning.Include))]
        [InlineData("ef-option", nameof(OperatorMeaning.QueryOption))]
        [InlineData("ef-tag", nameof(OperatorMeaning.QueryOption))]
        [InlineData("q-same", nameof(OperatorMeaning.SameElements))]
        [InlineData("e-same", nameof(OperatorMeaning.SameElements))]
        [InlineData("q-shape", nameof(OperatorMeaning.ShapeChanging))]
        [InlineData("e-shape", nameof(OperatorMeaning.ShapeChanging))]
        [InlineData("q-stream", nameof(OperatorMeaning.Streaming))]
        [InlineData("ef-stream", nameof(OperatorMeaning.Streaming))]
        public void Operators_of_Queryable_Enumerable_and_EF_have_their_meaning(string marker, string expected)
        {
            var meaning = (OperatorMeaning)System.Enum.Parse(typeof(OperatorMeaning), expected);
            var method = Host.Invocation(marker).TargetMethod;
            Assert.Equal(meaning, Host.Ef!.Symbols.Operators.Meaning(method));
            Assert.True(Host.Ef.Symbols.Operators.Is(method, meaning));
        }

        [Theory]
        [InlineData("u-list")]
        [InlineData("u-list-async")]
        [InlineData("u-single")]
        [InlineData("u-single-async")]
        [InlineData("u-scalar")]
        [InlineData("u-drain")]
        [InlineData("list-foreach")]
        [InlineData("u-page")]
        [InlineData("u-filter")]
        [InlineData("u-order")]
        [InlineData("u-tracking")]
        [InlineData("u-include")]
        [InlineData("u-shape")]
        [InlineData("u-stream")]
        public void A_method_with_an_operator_name_that_is_not_LINQ_or_EF_is_no_operator(string marker)
        {
            var method = Host.Invocation(marker).TargetMethod;
            Assert.Equal(OperatorMeaning.None, Host.Ef!.Symbols.Operators.Meaning(method));
            Assert.NotEqual(OperatorMeaning.None, QueryOperators.MeaningOfName(method.Name));
        }

        [Theory]
        [InlineData("q-list", nameof(OperatorKind.ToList))]
        [InlineData("ef-list", nameof(OperatorKind.ToList))]
        [InlineData("ef-single", nameof(OperatorKind.Single))]
        [InlineData("ef-foreach", nameof(OperatorKind.ForEach))]
        [InlineData("nav-load-async", nameof(OperatorKind.Load))]
        [InlineData("dynamic-list", nameof(OperatorKind.ToList))]
        [InlineData("u-list", nameof(OperatorKind.None))]
        [InlineData("u-list-async", nameof(OperatorKind.None))]
        public void Kind_is_the_operator_sync_and_Async_alike(string marker, string expected)
        {
            // dynamic-list: another package's extension class in the EF Core namespace is matched by name, as the layer always did.
            var kind = (OperatorKind)System.Enum.Parse(typeof(OperatorKind), expected);
            Assert.Equal(kind, Host.Ef!.Symbols.Operators.Kind(Host.Invocation(marker).TargetMethod));
        }

        [Fact]
        public void The_questions_group_the_meanings()
        {
            var operators = Host.Ef!.Symbols.Operators;
            Assert.True(operators.Is(Host.Invocation("ef-list").TargetMethod, OperatorMeaning.Executing));
            Assert.True(operators.Is(Host.Invocation("ef-single").TargetMethod, OperatorMeaning.SingleResult));
            Assert.True(operators.Is(Host.Invocation("ef-scalar").TargetMethod, OperatorMeaning.SingleResult));
            Assert.False(operators.Is(Host.Invocation("ef-list").TargetMethod, OperatorMeaning.SingleResult));
            Assert.True(operators.Is(Host.Invocation("q-page").TargetMethod, OperatorMeaning.ElementPreserving));
            Assert.True(operators.Is(Host.Invocation("q-page").TargetMethod, OperatorMeaning.Paging));
            Assert.True(operators.Is(Host.Invocation("e-page").TargetMethod, OperatorMeaning.Paging));
            Assert.False(operators.Is(Host.Invocation("q-shape").TargetMethod, OperatorMeaning.ElementPreserving));
            Assert.False(operators.Is(Host.Invocation("q-filter").TargetMethod, OperatorMeaning.Executing));
        }
    }
}
