namespace PerfAnalyzers.EfCore
{
    /// <summary>What a query's operators say about the rows it returns: limited, filtered, ordered.</summary>
    internal static class QueryShape
    {
        /// <summary>Operators that restrict which rows come back (a server-side filter).</summary>
        internal static bool IsFilterOperator(OperatorKind kind)
            => kind is OperatorKind.Where or OperatorKind.Join or OperatorKind.Intersect or OperatorKind.IntersectBy or OperatorKind.SkipWhile;

        /// <summary>Composing operators that cap the number of rows (Take, TakeLast, TakeWhile); single-row/scalar terminals are <see cref="OperatorMeaning.SingleResult"/>.</summary>
        public static bool IsRowLimited(QueryChain chain)
            => chain.Operators.Any(o => !o.IsClientSide && o.Is(OperatorMeaning.Limit));

        /// <summary>A server-side filter, on every path or only some (a conditional Where counts: it is meant to filter).</summary>
        public static bool IsFiltered(QueryChain chain)
            => chain.Operators.Any(o => !o.IsClientSide && IsFilterOperator(o.Kind));

        /// <summary>Operators whose result has one row per group, not per entity (GroupBy, CountBy, AggregateBy).</summary>
        public static bool IsAggregated(QueryChain chain)
            => chain.Operators.Any(o => !o.IsClientSide && o.Kind is OperatorKind.GroupBy or OperatorKind.CountBy or OperatorKind.AggregateBy);

        /// <summary>
        /// <c>Select(x =&gt; x.Member).Distinct()</c> on the root entity, for a member other than its key: one row per
        /// distinct value, as a GroupBy on that member (<c>SELECT DISTINCT col</c> is <c>GROUP BY col</c>). Distinct over
        /// whole entities, over the key, or over a projection of several members still returns up to one row per entity.
        /// </summary>
        public static bool IsDistinctValues(QueryChain chain, IPropertySymbol? key)
        {
            var operators = chain.Operators;
            for (var i = 1; i < operators.Length; i++)
            {
                if (operators[i].Name == "Distinct" && !operators[i].IsClientSide
                    && operators[i - 1].Name == "Select" && !operators[i - 1].IsClientSide
                    && ProjectedMember(operators[i - 1].Invocation, chain.EntityType) is { } member
                    && !SymbolEqualityComparer.Default.Equals(member.OriginalDefinition, key?.OriginalDefinition))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The member read by <c>x =&gt; x.Member</c> when <c>x</c> is the entity, else null.</summary>
        private static ISymbol? ProjectedMember(IInvocationOperation select, ITypeSymbol? entityType)
        {
            var lambda = select.Arguments.Select(a => a.Value.AsLambda()).FirstOrDefault(l => l is not null);
            if (lambda is null || lambda.Symbol.Parameters.Length != 1
                || !SymbolEqualityComparer.Default.Equals(lambda.Symbol.Parameters[0].Type, entityType)
                || lambda.Body.Operations.Length != 1
                || lambda.Body.Operations[0] is not IReturnOperation { ReturnedValue: { } returned })
            {
                return null;
            }

            return returned.WalkDownConversions() is IMemberReferenceOperation { Instance: { } instance } reference
                   && instance.WalkDownConversions() is IParameterReferenceOperation parameter
                   && SymbolEqualityComparer.Default.Equals(parameter.Parameter, lambda.Symbol.Parameters[0])
                ? reference.Member
                : null;
        }

        public static bool HasClientSideOperators(QueryChain chain) => chain.Operators.Any(o => o.IsClientSide);
    }
}
