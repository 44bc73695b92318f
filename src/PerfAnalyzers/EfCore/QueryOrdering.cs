using System.Collections.Concurrent;

namespace PerfAnalyzers.EfCore
{
    /// <summary>What the layer knows about the row order of a query (<see cref="QueryChain.Order"/>), weakest first.</summary>
    internal enum QueryOrder
    {
        /// <summary>No ordering on any path the layer can see.</summary>
        Unordered = 0,

        /// <summary>
        /// The query went through a call the layer cannot see into (a method from metadata, an abstract or interface method,
        /// a delegate) that takes and returns an <c>IQueryable</c>: it may have ordered the query.
        /// </summary>
        Unknown = 1,

        /// <summary>Ordered on some paths only (<c>if (sort) q = q.OrderBy(..)</c>).</summary>
        OrderedOnSomePaths = 2,

        /// <summary>Ordered on every path.</summary>
        Ordered = 3,
    }

    /// <summary>
    /// Whether a call that takes a query and returns a query (<c>q = ApplySort(q, sortBy)</c>) orders it. A source method
    /// orders it when every return path does: an ordering operator, an <c>IOrderedQueryable</c> value, or another such
    /// helper (the arms of a ternary, a switch expression and <c>??</c> are paths of their own; a <c>throw</c> arm is no
    /// path). A method returning <c>IOrderedQueryable</c> orders by type. A call the layer cannot see into is of
    /// <see cref="QueryOrder.Unknown"/> order. Bounded by <see cref="QueryChainBuilder.MaxMethodHops"/> nested helpers.
    /// </summary>
    internal sealed class QueryOrdering
    {
        private readonly QueryChainBuilder _builder;
        private readonly EfSymbols _ef;
        private readonly INamedTypeSymbol? _orderedQueryable;
        private readonly ConcurrentDictionary<ISymbol, QueryOrder> _cache = new ConcurrentDictionary<ISymbol, QueryOrder>(SymbolEqualityComparer.Default);

        public QueryOrdering(QueryChainBuilder builder, EfSymbols ef)
        {
            _builder = builder;
            _ef = ef;
            _orderedQueryable = ef.Compilation.GetTypeByMetadataName("System.Linq.IOrderedQueryable");
        }

        /// <summary>Either path may have happened: the stronger answer wins (a query ordered on some path is not reported).</summary>
        public static QueryOrder Merge(QueryOrder a, QueryOrder b) => a >= b ? a : b;

        /// <summary>The order after applying <paramref name="applied"/> on every path, or only on some.</summary>
        public static QueryOrder Apply(QueryOrder current, QueryOrder applied, bool isConditional)
            => Merge(current, isConditional && applied == QueryOrder.Ordered ? QueryOrder.OrderedOnSomePaths : applied);

        /// <summary><c>IOrderedQueryable</c> or a type implementing it.</summary>
        public bool IsOrderedType(ITypeSymbol? type)
        {
            if (type is null || _orderedQueryable is null)
            {
                return false;
            }

            return SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, _orderedQueryable)
                   || type.AllInterfaces.Any(i => SymbolEqualityComparer.Default.Equals(i, _orderedQueryable));
        }

        /// <summary>A method (or delegate) that takes a query and returns one: it may reorder what it is given.</summary>
        public bool TakesAndReturnsQuery(IMethodSymbol method)
            => _ef.IsQueryable(method.ReturnType) && !_ef.IsDbSet(method.ReturnType)
               && method.Parameters.Any(p => _ef.IsQueryable(p.Type));

        /// <summary>The order a call to <paramref name="method"/> gives the query it returns.</summary>
        public QueryOrder OfMethod(IMethodSymbol method, int depth, CancellationToken cancellationToken)
        {
            if (IsOrderedType(method.ReturnType))
            {
                return QueryOrder.Ordered;
            }

            var definition = method.OriginalDefinition;
            if (depth > 0)
            {
                return Compute(definition, depth, cancellationToken);
            }

            if (_cache.TryGetValue(definition, out var cached))
            {
                return cached;
            }

            var order = Compute(definition, depth, cancellationToken);
            _cache.TryAdd(definition, order);
            return order;
        }

        private QueryOrder Compute(IMethodSymbol method, int depth, CancellationToken cancellationToken)
        {
            if (depth > QueryChainBuilder.MaxMethodHops)
            {
                return QueryOrder.Unknown;
            }

            var body = SourceBodies.GetBody(_ef.Compilation, method, cancellationToken);
            if (body is null)
            {
                return QueryOrder.Unknown; // metadata, abstract/interface method, delegate Invoke: cannot see into it
            }

            QueryOrder? result = null;
            foreach (var returned in SourceBodies.ReturnedValues(body))
            {
                var path = PathOrder(returned, method, body, depth, true, cancellationToken);
                result = result is null ? path : Both(result.Value, path);
                if (result == QueryOrder.Unordered)
                {
                    break;
                }
            }

            return result ?? QueryOrder.Unknown;
        }

        /// <summary>The order on every path through <paramref name="value"/> (Ordered, Unordered or Unknown).</summary>
        private QueryOrder PathOrder(IOperation? value, IMethodSymbol method, IOperation body, int depth, bool followParameters, CancellationToken cancellationToken)
        {
            if (value is null)
            {
                return QueryOrder.Unordered;
            }

            if (IsOrderedType(value.Type))
            {
                return QueryOrder.Ordered;
            }

            var op = value.WalkDownConversions();
            if (IsOrderedType(op.Type))
            {
                return QueryOrder.Ordered;
            }

            switch (op)
            {
                case IThrowOperation:
                    return QueryOrder.Ordered; // not a path that returns a query
                case IConditionalOperation { WhenFalse: { } whenFalse } conditional:
                    return Both(PathOrder(conditional.WhenTrue, method, body, depth, followParameters, cancellationToken), PathOrder(whenFalse, method, body, depth, followParameters, cancellationToken));
                case ISwitchExpressionOperation switchExpression:
                    return switchExpression.Arms.Aggregate(QueryOrder.Ordered, (order, arm) => Both(order, PathOrder(arm.Value, method, body, depth, followParameters, cancellationToken)));
                case ICoalesceOperation coalesce:
                    return Both(PathOrder(coalesce.Value, method, body, depth, followParameters, cancellationToken), PathOrder(coalesce.WhenNull, method, body, depth, followParameters, cancellationToken));
                case IParameterReferenceOperation parameter when followParameters && SymbolEqualityComparer.Default.Equals(parameter.Parameter.ContainingSymbol, method):
                    return ParameterOrder(parameter.Parameter, method, body, depth, cancellationToken);
            }

            return OnEveryPath(_builder.Build(op, depth + 1, cancellationToken).Order);
        }

        /// <summary>
        /// A parameter returned after reassignment (<c>query = query.OrderBy(..); return query;</c>): the value it was given
        /// (unordered unless typed ordered) or any of its assignments, each on every path only when not conditional.
        /// </summary>
        private QueryOrder ParameterOrder(IParameterSymbol parameter, IMethodSymbol method, IOperation body, int depth, CancellationToken cancellationToken)
        {
            var order = QueryOrder.Unordered;
            foreach (var assignment in body.Descendants().OfType<ISimpleAssignmentOperation>())
            {
                if (assignment.Target is IParameterReferenceOperation target && SymbolEqualityComparer.Default.Equals(target.Parameter, parameter))
                {
                    var assigned = PathOrder(assignment.Value, method, body, depth, false, cancellationToken);
                    order = Merge(order, assigned == QueryOrder.Ordered && IsConditional(assignment, body) ? QueryOrder.OrderedOnSomePaths : assigned);
                }
            }

            return OnEveryPath(order);
        }

        private static bool IsConditional(IOperation operation, IOperation body)
        {
            for (var current = operation.Parent; current is not null && current != body; current = current.Parent)
            {
                if (current is IConditionalOperation or ISwitchOperation or ISwitchCaseOperation or ILoopOperation
                    or ICatchClauseOperation or ISwitchExpressionArmOperation or ICoalesceOperation or IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>A may-answer read as an every-path answer: ordered on some paths only (or unknown) is not known either way.</summary>
        private static QueryOrder OnEveryPath(QueryOrder order)
            => order is QueryOrder.OrderedOnSomePaths ? QueryOrder.Unknown : order;

        /// <summary>Two paths that both return: ordered only when both are; unordered as soon as one is.</summary>
        private static QueryOrder Both(QueryOrder a, QueryOrder b)
            => a == QueryOrder.Unordered || b == QueryOrder.Unordered ? QueryOrder.Unordered
               : a == QueryOrder.Unknown || b == QueryOrder.Unknown ? QueryOrder.Unknown
               : QueryOrder.Ordered;
    }
}
