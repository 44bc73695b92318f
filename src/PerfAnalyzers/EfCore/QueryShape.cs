using System.Collections.Immutable;
using System.Linq;

namespace PerfAnalyzers.EfCore
{
    /// <summary>What a query's operators say about the rows it returns: limited, filtered, ordered.</summary>
    internal static class QueryShape
    {
        /// <summary>Composing operators that cap the number of rows (paging); single-row/scalar terminals are in <see cref="EfSymbols.SingleResultOperators"/>.</summary>
        internal static readonly ImmutableHashSet<string> RowLimitOperators = ImmutableHashSet.Create(
            "Take", "TakeLast", "TakeWhile", "ElementAt", "ElementAtOrDefault");

        /// <summary>Operators that restrict which rows come back (a server-side filter).</summary>
        internal static readonly ImmutableHashSet<string> FilterOperators = ImmutableHashSet.Create(
            "Where", "Join", "Intersect", "IntersectBy", "SkipWhile");

        /// <summary>Operators whose result has one row per group, not per entity.</summary>
        internal static readonly ImmutableHashSet<string> AggregatingOperators = ImmutableHashSet.Create(
            "GroupBy", "CountBy", "AggregateBy");

        internal static readonly ImmutableHashSet<string> OrderingOperators = ImmutableHashSet.Create(
            "OrderBy", "OrderByDescending", "ThenBy", "ThenByDescending", "Order", "OrderDescending");

        public static bool IsRowLimited(QueryChain chain)
            => chain.Operators.Any(o => !o.IsClientSide && RowLimitOperators.Contains(o.Name));

        /// <summary>A server-side filter, on every path or only some (a conditional Where counts: it is meant to filter).</summary>
        public static bool IsFiltered(QueryChain chain)
            => chain.Operators.Any(o => !o.IsClientSide && FilterOperators.Contains(o.Name));

        public static bool IsAggregated(QueryChain chain)
            => chain.Operators.Any(o => !o.IsClientSide && AggregatingOperators.Contains(o.Name));

        public static bool HasClientSideOperators(QueryChain chain) => chain.Operators.Any(o => o.IsClientSide);
    }
}
