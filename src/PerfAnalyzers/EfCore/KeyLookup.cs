namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// "Does this query return at most one row, picked by the entity's primary key?":
    /// <c>FirstOrDefault(x =&gt; x.Id == id)</c>, <c>Where(x =&gt; x.Id == id).SingleAsync()</c>, and the same with more
    /// conditions joined by <c>&amp;&amp;</c> (<c>x.Id == id &amp;&amp; x.OwnerId == user</c>). The key comes from
    /// <see cref="EfModel.FindSingleKey"/> (composite keys are never a single-row lookup here).
    /// </summary>
    internal static class KeyLookup
    {
        /// <summary>Terminals that return one row (or none); Last* needs an order and is left out.</summary>
        public static bool IsSingleRowTerminal(IMethodSymbol method)
            => EfSymbols.SyncName(method.Name) is "First" or "FirstOrDefault" or "Single" or "SingleOrDefault";

        /// <summary>
        /// True when <paramref name="terminal"/> is a single-row terminal of an EF query over <paramref name="entityType"/>
        /// whose predicate (its own, or one of the <paramref name="filters"/>: the query's server-side <c>Where</c> calls)
        /// compares the key with a value.
        /// </summary>
        public static bool IsSingleRowByKey(IInvocationOperation terminal, IEnumerable<IInvocationOperation> filters, ITypeSymbol? entityType, EfModel model)
        {
            if (!IsSingleRowTerminal(terminal.TargetMethod) || entityType is null)
            {
                return false;
            }

            var key = model.FindSingleKey(entityType);
            if (key is null)
            {
                return false;
            }

            if (terminal.Arguments.Any(a => a.Value.AsLambda() is { } lambda && ComparesKey(lambda, key, entityType)))
            {
                return true;
            }

            return filters.Any(f => f.TargetMethod.Name == "Where" && FiltersByKey(f, key, entityType));
        }

        /// <summary>
        /// The query finds at most one row by its primary key whatever its terminal: a server-side <c>Where</c> on every path
        /// (not one applied on some paths only) compares the key of its entity (<c>Where(i =&gt; i.Id == id).ToList()</c>).
        /// </summary>
        public static bool IsKeyLookup(QueryChain chain, EfModel model)
        {
            if (chain.EntityType is not { } entityType || model.FindSingleKey(entityType) is not { } key)
            {
                return false;
            }

            return chain.Operators.Any(o => !o.IsClientSide && !o.IsConditional && o.Kind == OperatorKind.Where && FiltersByKey(o.Invocation, key, entityType));
        }

        private static bool FiltersByKey(IInvocationOperation filter, IPropertySymbol key, ITypeSymbol entityType)
            => filter.Arguments.Any(a => a.Value.AsLambda() is { } lambda && ComparesKey(lambda, key, entityType));

        /// <summary>
        /// <c>x =&gt; x.Key == value &amp;&amp; ...</c> on an entity with a single key (<see cref="EfModel.FindSingleKey"/>):
        /// the predicate finds its row by the key, whatever else it checks on that row.
        /// </summary>
        public static bool ComparesKey(IAnonymousFunctionOperation lambda, EfModel model)
        {
            if (lambda.Symbol.Parameters.Length != 1)
            {
                return false;
            }

            var entityType = lambda.Symbol.Parameters[0].Type;
            var key = model.FindSingleKey(entityType);
            return key is not null && ComparesKey(lambda, key, entityType);
        }

        /// <summary><c>x =&gt; x.Key == value</c> (either side, or one conjunct of an &amp;&amp;) where <c>x</c> is the lambda's entity parameter.</summary>
        private static bool ComparesKey(IAnonymousFunctionOperation lambda, IPropertySymbol key, ITypeSymbol entityType)
        {
            if (lambda.Symbol.Parameters.Length != 1
                || !SymbolEqualityComparer.Default.Equals(lambda.Symbol.Parameters[0].Type.OriginalDefinition, entityType.OriginalDefinition)
                || lambda.Body.Operations.Length != 1
                || lambda.Body.Operations[0] is not IReturnOperation { ReturnedValue: { } returned })
            {
                return false;
            }

            return IsKeyEquality(returned.WalkDownConversions(), lambda.Symbol.Parameters[0], key, depth: 0);
        }

        private static bool IsKeyEquality(IOperation condition, IParameterSymbol parameter, IPropertySymbol key, int depth)
        {
            if (depth > 8 || condition is not IBinaryOperation binary)
            {
                return false;
            }

            if (binary.OperatorKind is BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.And)
            {
                return IsKeyEquality(binary.LeftOperand.WalkDownConversions(), parameter, key, depth + 1)
                       || IsKeyEquality(binary.RightOperand.WalkDownConversions(), parameter, key, depth + 1);
            }

            if (binary.OperatorKind != BinaryOperatorKind.Equals)
            {
                return false;
            }

            var left = binary.LeftOperand.WalkDownConversions();
            var right = binary.RightOperand.WalkDownConversions();
            return (IsKeyOf(left, parameter, key) && !ReadsParameter(right, parameter))
                   || (IsKeyOf(right, parameter, key) && !ReadsParameter(left, parameter));
        }

        private static bool IsKeyOf(IOperation operation, IParameterSymbol parameter, IPropertySymbol key)
            => operation is IPropertyReferenceOperation { Instance: { } instance } property
               && SymbolEqualityComparer.Default.Equals(property.Property.OriginalDefinition, key.OriginalDefinition)
               && instance.WalkDownConversions() is IParameterReferenceOperation reference
               && SymbolEqualityComparer.Default.Equals(reference.Parameter, parameter);

        /// <summary>The compared value must not depend on the row (<c>x.Id == x.ParentId</c> is not a lookup).</summary>
        private static bool ReadsParameter(IOperation operation, IParameterSymbol parameter)
            => operation.DescendantsAndSelf().Any(o => o is IParameterReferenceOperation reference
                                                       && SymbolEqualityComparer.Default.Equals(reference.Parameter, parameter));
    }
}
