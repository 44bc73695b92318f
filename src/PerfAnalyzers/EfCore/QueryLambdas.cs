namespace PerfAnalyzers.EfCore
{
    /// <summary>What a lambda passed to a query operator stands for in the SQL EF Core writes.</summary>
    internal enum QueryLambdaRole
    {
        /// <summary>Not a lambda EF Core translates (or nothing we know).</summary>
        None,

        /// <summary>Where, and the predicates of First/Single/Last/Any/All/Count (and their Async forms): the WHERE clause.</summary>
        Predicate,

        /// <summary>OrderBy/OrderByDescending/ThenBy/ThenByDescending keys: the ORDER BY clause.</summary>
        OrderingKey,

        /// <summary>Join/GroupJoin outer and inner keys: the ON clause.</summary>
        JoinKey,

        /// <summary>GroupBy keys: the GROUP BY clause.</summary>
        GroupingKey,

        /// <summary>Select, SelectMany, result and element selectors, Sum/Min/Max selectors: the projection (a final one may run on the client).</summary>
        Projection,
    }

    /// <summary>A lambda passed to a query operator of an EF query, as EF Core translates it.</summary>
    internal readonly struct QueryLambda(IAnonymousFunctionOperation lambda, IInvocationOperation @operator, QueryLambdaRole role)
    {
        public IAnonymousFunctionOperation Lambda { get; } = lambda;

        /// <summary>The operator it is passed to (Where, OrderBy, FirstOrDefaultAsync...).</summary>
        public IInvocationOperation Operator { get; } = @operator;

        public QueryLambdaRole Role { get; } = role;
    }

    /// <summary>
    /// Which lambda of an EF query encloses an operation, and which parts of it are the row's columns. A lambda counts
    /// when it is converted to an expression tree and passed to a <c>Queryable</c> or EF Core operator whose source is an
    /// EF query (<see cref="QueryChainBuilder"/>): after <c>AsEnumerable()</c>/<c>ToList()</c> the operators are
    /// <c>Enumerable</c>'s and run in memory. Its row parameters are the lambda's own parameters and those of lambdas
    /// nested in it over a navigation (<c>b.Posts.Any(p => ..)</c>); a parameter of a nested lambda over a captured
    /// in-memory list is a value EF Core evaluates once on the client.
    /// </summary>
    internal static class QueryLambdas
    {
        private const int MaxDepth = 32;

        /// <summary>The innermost query-operator lambda of an EF query that encloses <paramref name="operation"/>.</summary>
        public static bool TryGetEnclosing(EfCompilation ef, IOperation operation, out QueryLambda queryLambda, CancellationToken cancellationToken)
        {
            queryLambda = default;
            var depth = 0;
            for (var current = operation.Parent; current is not null && depth < 4 * MaxDepth; current = current.Parent, depth++)
            {
                if (current is IMethodBodyBaseOperation or ILocalFunctionOperation)
                {
                    return false;
                }

                if (current is IAnonymousFunctionOperation lambda && TryGetOperator(ef, lambda, out var call, out var role))
                {
                    if (role == QueryLambdaRole.None || !IsTranslatedSource(ef, call, cancellationToken))
                    {
                        return false;
                    }

                    queryLambda = new QueryLambda(lambda, call, role);
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// A member chain (<c>u.Email</c>, <c>o.Customer.Name</c>, <c>x.Name</c> of an earlier projection) rooted at a row
        /// parameter of <paramref name="queryLambda"/>: a column of the row. Parameters, locals, constants, captured
        /// values and method results are not columns.
        /// </summary>
        public static bool IsColumn(IOperation operation, QueryLambda queryLambda)
        {
            var current = operation.WalkDownConversions();
            if (current is not (IPropertyReferenceOperation or IFieldReferenceOperation))
            {
                return false;
            }

            for (var depth = 0; depth < MaxDepth; depth++)
            {
                switch (current)
                {
                    case IPropertyReferenceOperation { Instance: { } instance, Property.IsIndexer: false }:
                        current = instance.WalkDownConversions();
                        continue;
                    case IFieldReferenceOperation { Instance: { } instance, Field.IsStatic: false }:
                        current = instance.WalkDownConversions();
                        continue;
                    case IParameterReferenceOperation parameter:
                        return IsRowParameter(parameter, queryLambda, 0);
                    default:
                        return false;
                }
            }

            return false;
        }

        /// <summary>The value depends on the row: it reads a row parameter of <paramref name="queryLambda"/> (else EF Core evaluates it once, as a parameter).</summary>
        public static bool IsRowDependent(IOperation operation, QueryLambda queryLambda)
        {
            foreach (var descendant in operation.DescendantsAndSelf())
            {
                if (descendant is IParameterReferenceOperation parameter && IsRowParameter(parameter, queryLambda, 0))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsRowParameter(IParameterReferenceOperation reference, QueryLambda queryLambda, int depth)
        {
            var owner = reference.Parameter.ContainingSymbol;
            if (SymbolEqualityComparer.Default.Equals(owner, queryLambda.Lambda.Symbol))
            {
                return true;
            }

            if (depth > 4)
            {
                return false;
            }

            // A parameter of a lambda nested in the query lambda: a row when that lambda runs over a navigation of a row
            // (b.Posts.Any(p => ..)), not when it runs over a captured list (names.Any(n => ..)).
            for (var current = reference.Parent; current is not null && current != queryLambda.Lambda; current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation nested && SymbolEqualityComparer.Default.Equals(nested.Symbol, owner))
                {
                    var call = EnclosingCall(nested);
                    var source = call?.GetReceiverOrThisArgument();
                    return source is not null && source.WalkDownConversions() is var s && s != nested
                           && ReadsRowParameter(s, queryLambda, depth + 1);
                }
            }

            return false;
        }

        private static bool ReadsRowParameter(IOperation operation, QueryLambda queryLambda, int depth)
        {
            foreach (var descendant in operation.DescendantsAndSelf())
            {
                if (descendant is IParameterReferenceOperation parameter && IsRowParameter(parameter, queryLambda, depth))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// An ordering an index on its key could serve by itself: no filter before it (a filtered query is sorted after
        /// the filter, whatever the key) and a row limit after it in the same expression (<c>Take</c>, <c>First</c>...: an
        /// index read in order stops after N rows; a full ordered read is sorted anyway). A query stored and limited
        /// elsewhere is not followed (silent).
        /// </summary>
        public static bool IsUnfilteredTopN(EfCompilation ef, QueryLambda queryLambda, CancellationToken cancellationToken)
        {
            var source = queryLambda.Operator.GetReceiverOrThisArgument();
            if (source is null || QueryShape.IsFiltered(ef.Queries.Build(source, cancellationToken)))
            {
                return false;
            }

            foreach (var next in QueryFlow.ChainedAfterLazily(queryLambda.Operator).Take(MaxDepth))
            {
                var kind = ef.Symbols.Operators.Kind(next.TargetMethod);
                if ((QueryOperators.MeaningOf(kind) & OperatorMeaning.Limit) != 0
                    || kind is OperatorKind.ElementAt or OperatorKind.ElementAtOrDefault or OperatorKind.First or OperatorKind.FirstOrDefault
                        or OperatorKind.Single or OperatorKind.SingleOrDefault or OperatorKind.Last or OperatorKind.LastOrDefault)
                {
                    return true;
                }

                if (QueryShape.IsFilterOperator(kind) || !ef.Symbols.IsQueryable(next.Type))
                {
                    return false; // filtered after the ordering, or run without a limit
                }
            }

            return false;
        }

        /// <summary>The call a lambda is an argument of (through the delegate creation and the expression-tree conversion).</summary>
        private static IInvocationOperation? EnclosingCall(IAnonymousFunctionOperation lambda)
        {
            var current = lambda.Parent;
            while (current is IDelegateCreationOperation or IConversionOperation or IParenthesizedOperation)
            {
                current = current.Parent;
            }

            return current is IArgumentOperation { Parent: IInvocationOperation call } ? call : null;
        }

        /// <summary>The query operator a lambda is passed to as an expression tree, and what the lambda stands for.</summary>
        private static bool TryGetOperator(EfCompilation ef, IAnonymousFunctionOperation lambda, out IInvocationOperation call, out QueryLambdaRole role)
        {
            call = null!;
            role = QueryLambdaRole.None;
            if (!OperationExtensions.IsExpressionTreeLambda(lambda))
            {
                return false;
            }

            var current = lambda.Parent;
            while (current is IDelegateCreationOperation or IConversionOperation or IParenthesizedOperation)
            {
                current = current.Parent;
            }

            if (current is not IArgumentOperation { Parent: IInvocationOperation invocation, Parameter: { } parameter })
            {
                return false;
            }

            var method = invocation.TargetMethod;
            if (!ef.Symbols.IsQueryableMethod(method) && !EfSymbols.IsEfExtensionMethod(method))
            {
                return false;
            }

            call = invocation;
            role = RoleOf(EfSymbols.SyncName(method.Name), parameter.Name);
            return true;
        }

        /// <summary>The role by the operator and the name of its parameter (the public API of Queryable and EF Core's extensions).</summary>
        private static QueryLambdaRole RoleOf(string operatorName, string parameterName)
        {
            switch (parameterName)
            {
                case "predicate":
                    return operatorName is "Where" or "First" or "FirstOrDefault" or "Single" or "SingleOrDefault" or "Last"
                                        or "LastOrDefault" or "Any" or "All" or "Count" or "LongCount"
                        ? QueryLambdaRole.Predicate
                        : QueryLambdaRole.None;
                case "keySelector":
                    return operatorName switch
                    {
                        "OrderBy" or "OrderByDescending" or "ThenBy" or "ThenByDescending" => QueryLambdaRole.OrderingKey,
                        "GroupBy" => QueryLambdaRole.GroupingKey,
                        _ => QueryLambdaRole.None,
                    };
                case "outerKeySelector":
                case "innerKeySelector":
                    return operatorName is "Join" or "GroupJoin" ? QueryLambdaRole.JoinKey : QueryLambdaRole.None;
                case "selector":
                case "resultSelector":
                case "elementSelector":
                case "collectionSelector":
                    return QueryLambdaRole.Projection;
                default:
                    return QueryLambdaRole.None;
            }
        }

        /// <summary>The operator's source is an EF query translated to SQL (no client-side operator before it).</summary>
        private static bool IsTranslatedSource(EfCompilation ef, IInvocationOperation call, CancellationToken cancellationToken)
        {
            var source = call.GetReceiverOrThisArgument();
            if (source is null || source.IsUnbound() || call.HasUnboundArgument())
            {
                return false;
            }

            var chain = ef.Queries.Build(source, cancellationToken);
            if (!chain.IsEfQuery)
            {
                return false;
            }

            foreach (var op in chain.Operators)
            {
                if (op.IsClientSide)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
