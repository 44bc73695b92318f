namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// What a query is ordered by, operator by operator: the orderings that decide a page (each OrderBy with its ThenBy
    /// calls, an ordering a later OrderBy replaces left out) and, for each ordering operator, the entity column it orders by
    /// (also through a projection's member). EFP312 asks whether those columns are unique; any rule about orderings can.
    /// </summary>
    internal static class OrderingKeys
    {
        /// <summary>
        /// The orderings that decide the page: each <c>OrderBy</c> with the <c>ThenBy</c> calls chained on it; a <c>ThenBy</c>
        /// the layer cannot attach to one (applied to a local, a conditional) counts for every ordering. An ordering that a
        /// later <c>OrderBy</c> of the same expression replaces is left out. Null when the ordering cannot be read.
        /// </summary>
        public static List<List<QueryOperator>>? Groups(QueryChain chain)
        {
            var ordering = chain.Operators.Where(o => o.Is(OperatorMeaning.Ordering)).ToList();
            if (ordering.Count == 0 || ordering.Any(o => o.Name is "Order" or "OrderDescending"))
            {
                return null;
            }

            var byInvocation = new Dictionary<IInvocationOperation, QueryOperator>();
            foreach (var op in ordering)
            {
                byInvocation[op.Invocation] = op;
            }

            var attached = new HashSet<IInvocationOperation>();
            var groups = new List<List<QueryOperator>>();
            foreach (var start in byInvocation.Values.Where(o => o.Name is "OrderBy" or "OrderByDescending"))
            {
                var group = new List<QueryOperator> { start };
                attached.Add(start.Invocation);
                var current = start.Invocation;
                for (var next = NextCall(current); next is not null && next.TargetMethod.Name is "ThenBy" or "ThenByDescending"; next = NextCall(current))
                {
                    if (!byInvocation.TryGetValue(next, out var then))
                    {
                        break;
                    }

                    group.Add(then);
                    attached.Add(next);
                    current = next;
                }

                if (!IsReplacedLater(current))
                {
                    groups.Add(group);
                }
            }

            var loose = byInvocation.Values.Where(o => !attached.Contains(o.Invocation)).ToList();
            foreach (var group in groups)
            {
                group.AddRange(loose);
            }

            return groups;
        }

        /// <summary>The call made on <paramref name="invocation"/>'s result in the same expression (<c>x.OrderBy(..).ThenBy(..)</c>).</summary>
        public static IInvocationOperation? NextCall(IOperation invocation)
        {
            var parent = invocation.Parent;
            while (parent is IConversionOperation)
            {
                parent = parent.Parent;
            }

            return parent switch
            {
                IArgumentOperation { Parameter.Ordinal: 0, Parent: IInvocationOperation next } when next.TargetMethod.IsExtensionMethod => next,
                IInvocationOperation next when next.Instance is not null => next,
                _ => null,
            };
        }

        /// <summary>A later <c>OrderBy</c> in the same expression replaces this ordering (EFP309's case).</summary>
        private static bool IsReplacedLater(IInvocationOperation last)
        {
            IOperation current = last;
            for (var depth = 0; depth < 32 && NextCall(current) is { } next; depth++)
            {
                if (next.TargetMethod.Name is "OrderBy" or "OrderByDescending" or "Order" or "OrderDescending")
                {
                    return true;
                }

                current = next;
            }

            return false;
        }

        /// <summary>What an ordering operator orders by.</summary>
        public static OrderingColumn Resolve(QueryOperator op, QueryChain chain)
        {
            var invocation = op.Invocation;
            if (invocation.Arguments.Length != 2 || invocation.GetArgumentValue(1).AsLambda() is not { Symbol.Parameters.Length: 1 } lambda)
            {
                return new OrderingColumn(OrderingColumnKind.Unknown); // a selector in a variable, or a comparer
            }

            var returned = SourceBodies.ReturnedValues(lambda.Body).ToList();
            if (returned.Count != 1 || returned[0].IsUnbound())
            {
                return new OrderingColumn(OrderingColumnKind.Unknown);
            }

            var parameter = lambda.Symbol.Parameters[0];
            var value = returned[0].WalkDownConversions();
            if (IsEntity(parameter.Type, chain.EntityType))
            {
                return OwnColumn(value, parameter) is { } property
                    ? new OrderingColumn(OrderingColumnKind.Property, property, lambda)
                    : new OrderingColumn(OrderingColumnKind.Other, lambda: lambda);
            }

            // Ordered after a projection: trace the projected member back to the entity column it copies.
            var projection = ProjectionOf(parameter.Type, chain);
            if (projection is null)
            {
                return new OrderingColumn(OrderingColumnKind.Unknown);
            }

            if (OwnColumn(value, parameter) is { } member)
            {
                var source = projection.FirstOrDefault(p => SymbolEqualityComparer.Default.Equals(p.Value, member)).Key;
                return source is IPropertySymbol column
                    ? new OrderingColumn(OrderingColumnKind.Property, column, lambda, projection)
                    : new OrderingColumn(OrderingColumnKind.Other, lambda: lambda, projection: projection);
            }

            return new OrderingColumn(OrderingColumnKind.Other, lambda: lambda, projection: projection);
        }

        private static bool IsEntity(ITypeSymbol type, ITypeSymbol? entity)
            => entity is not null
               && (SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, entity.OriginalDefinition) || EfSymbols.InheritsFrom(type, entity));

        /// <summary><c>x.P</c> where <c>x</c> is the lambda's parameter.</summary>
        private static IPropertySymbol? OwnColumn(IOperation value, IParameterSymbol parameter)
            => value is IPropertyReferenceOperation { Property: var property, Instance: { } instance }
               && instance.WalkDownConversions() is IParameterReferenceOperation reference
               && SymbolEqualityComparer.Default.Equals(reference.Parameter, parameter)
                ? property
                : null;

        /// <summary>
        /// The <c>Select(x =&gt; new Dto { A = x.A, .. })</c> (or anonymous type) of the chain that makes <paramref name="type"/>
        /// from the entity: entity column -> projected member, for the members that copy a column. Null when there is none.
        /// </summary>
        private static Dictionary<ISymbol, ISymbol>? ProjectionOf(ITypeSymbol type, QueryChain chain)
        {
            foreach (var select in chain.Operators.Where(o => o.Name == "Select"))
            {
                if (select.Invocation.GetArgumentValue(1).AsLambda() is not { Symbol.Parameters.Length: 1 } lambda
                    || !IsEntity(lambda.Symbol.Parameters[0].Type, chain.EntityType))
                {
                    continue;
                }

                var returned = SourceBodies.ReturnedValues(lambda.Body).ToList();
                if (returned.Count != 1 || !SymbolEqualityComparer.Default.Equals(returned[0].WalkDownConversions().Type, type))
                {
                    continue;
                }

                var initializers = returned[0].WalkDownConversions() switch
                {
                    IAnonymousObjectCreationOperation anonymous => anonymous.Initializers,
                    IObjectCreationOperation { Initializer: { } initializer } => initializer.Initializers,
                    _ => default,
                };
                if (initializers.IsDefault)
                {
                    return null;
                }

                var map = new Dictionary<ISymbol, ISymbol>(SymbolEqualityComparer.Default);
                foreach (var initializer in initializers)
                {
                    if (initializer is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation target } assignment
                        && OwnColumn(assignment.Value.WalkDownConversions(), lambda.Symbol.Parameters[0]) is { } column
                        && !map.ContainsKey(column))
                    {
                        map[column] = target.Property;
                    }
                }

                return map;
            }

            return null;
        }
    }

    internal enum OrderingColumnKind
    {
        /// <summary>The selector cannot be read (not a lambda, an untraceable projection): it may be unique.</summary>
        Unknown,

        /// <summary>A column of the entity (directly, or through a projection's member).</summary>
        Property,

        /// <summary>Anything else the row is ordered by (a computed value, a navigation's column): never a unique set of the entity.</summary>
        Other,
    }

    internal readonly struct OrderingColumn(OrderingColumnKind kind, IPropertySymbol? property = null, IAnonymousFunctionOperation? lambda = null, Dictionary<ISymbol, ISymbol>? projection = null)
    {
        public OrderingColumnKind Kind { get; } = kind;

        public IPropertySymbol? Property { get; } = property;

        public IAnonymousFunctionOperation? Lambda { get; } = lambda;

        /// <summary>When ordering a projection: the entity column behind each projected member (entity property -> projected member).</summary>
        public Dictionary<ISymbol, ISymbol>? Projection { get; } = projection;
    }
}
