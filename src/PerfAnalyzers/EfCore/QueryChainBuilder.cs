using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// Follows an expression back to the query it comes from. Bounded: at most <see cref="MaxSteps"/> operations
    /// visited and <see cref="MaxMethodHops"/> source methods/properties entered per question, whatever the code looks
    /// like, so a self-referencing local (<c>q = q.Where(..)</c>) or mutual recursion can never hang the compiler.
    /// </summary>
    internal sealed class QueryChainBuilder
    {
        internal const int MaxSteps = 96;
        internal const int MaxMethodHops = 3;

        private readonly EfSymbols _ef;
        private readonly ConcurrentDictionary<ISymbol, QueryChain> _memberCache = new ConcurrentDictionary<ISymbol, QueryChain>(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<IParameterSymbol, QueryChain> _parameterCache = new ConcurrentDictionary<IParameterSymbol, QueryChain>(SymbolEqualityComparer.Default);
        private readonly Lazy<ParameterSources> _parameterSources;

        public QueryChainBuilder(EfSymbols ef)
        {
            _ef = ef;
            // Built once per compilation, by the first thread that asks (the others wait): a syntax scan of every tree that
            // several rules started at once would repeat (issue 14). Started without a token, so a cancelled caller leaves
            // nothing half-built behind.
            _parameterSources = new Lazy<ParameterSources>(() => ParameterSources.Build(ef.Compilation, CancellationToken.None), LazyThreadSafetyMode.ExecutionAndPublication);
            Ordering = new QueryOrdering(this, ef);
        }

        /// <summary>Whether helpers taking and returning a query order it (<see cref="QueryChain.Order"/>).</summary>
        internal QueryOrdering Ordering { get; }

        public QueryChain Build(IOperation expression, CancellationToken cancellationToken = default)
        {
            // Memoized per expression: every rule asks about the same operations (issue 14); a cancelled build throws and
            // caches nothing.
            if (_built.TryGetValue(expression, out var known))
            {
                return known;
            }

            var chain = Build(expression, orderDepth: 0, cancellationToken);
            return _built.GetValue(expression, _ => chain);
        }

        private readonly System.Runtime.CompilerServices.ConditionalWeakTable<IOperation, QueryChain> _built = new System.Runtime.CompilerServices.ConditionalWeakTable<IOperation, QueryChain>();

        /// <param name="orderDepth">How many helpers deep <see cref="QueryOrdering"/> already is (bounds nested helpers).</param>
        internal QueryChain Build(IOperation expression, int orderDepth, CancellationToken cancellationToken)
        {
            var walk = new Walk(this, orderDepth, cancellationToken);
            var chain = walk.Visit(expression, isConditional: false, hops: 0);
            return ReferenceEquals(chain, Unbound) ? QueryChain.None : chain;
        }

        /// <summary>Operators that shape a query without executing it (Queryable, EF and provider extension methods).</summary>
        internal bool IsComposingOperator(IMethodSymbol method, out bool isClientSide)
        {
            isClientSide = false;
            if (!method.IsExtensionMethod && !method.IsStatic)
            {
                return false;
            }

            var name = method.Name;
            if (_ef.IsQueryableMethod(method))
            {
                return !_ef.Operators.Is(method, OperatorMeaning.Executing);
            }

            if (_ef.IsEnumerableMethod(method))
            {
                // Enumerable.Where(query, func) etc.: still the same query, but evaluated on the client from here on.
                isClientSide = true;
                return !_ef.Operators.Is(method, OperatorMeaning.Executing);
            }

            if (_ef.IsAsyncEnumerableMethod(method))
            {
                // System.Linq.AsyncEnumerable (.NET 10) over a DbSet/query: AsAsyncEnumerable is the query itself, the rest
                // runs on the client.
                isClientSide = name != "AsAsyncEnumerable";
                return !_ef.Operators.Is(method, OperatorMeaning.Executing);
            }

            if (EfSymbols.IsEfExtensionMethod(method))
            {
                return _ef.IsQueryable(method.ReturnType) || _ef.IsAsyncEnumerable(method.ReturnType);
            }

            return false;
        }

        /// <summary>A call that executes a query and returns its rows or a scalar (ToList, First, Count, ToListAsync...).</summary>
        internal bool IsMaterializingCall(IMethodSymbol method)
            => (_ef.IsQueryableMethod(method) || _ef.IsEnumerableMethod(method) || _ef.IsAsyncEnumerableMethod(method) || EfSymbols.IsEfExtensionMethod(method))
               && _ef.Operators.Is(method, OperatorMeaning.Executing);

        /// <summary>
        /// The value of code that does not bind (<see cref="OperationExtensions.IsUnbound"/>): never a query, and it poisons
        /// every chain built on it, so a call on a candidate symbol's result (an app's own <c>Where&lt;T&gt;(this DbSet&lt;T&gt;)</c>
        /// offered for JSON objects whose type is missing) is not taken for a query. Returned as <see cref="QueryChain.None"/>.
        /// </summary>
        private static readonly QueryChain Unbound = new QueryChain(QueryRootKind.None, null, null, null, ImmutableArray<QueryOperator>.Empty, null);

        private sealed class Walk
        {
            private readonly QueryChainBuilder _owner;
            private readonly CancellationToken _cancellationToken;
            private readonly int _orderDepth;
            private readonly HashSet<ISymbol> _visitingLocals = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            private readonly HashSet<IParameterSymbol> _visitingParameters = new HashSet<IParameterSymbol>(SymbolEqualityComparer.Default);
            private readonly HashSet<ISymbol> _visitingMethods = new HashSet<ISymbol>(SymbolEqualityComparer.Default);

            // Chains built on a local's own value while its assignments are followed (q = q.Where(..)): they carry operators
            // but prove nothing; they count only when another assignment of the local is a query. (QueryChain compares by reference.)
            private readonly HashSet<QueryChain> _selfDerived = new HashSet<QueryChain>();
            private readonly HashSet<IParameterSymbol> _visitingAssignedParameters = new HashSet<IParameterSymbol>(SymbolEqualityComparer.Default);
            private int _steps;

            public Walk(QueryChainBuilder owner, int orderDepth, CancellationToken cancellationToken)
            {
                _owner = owner;
                _orderDepth = orderDepth;
                _cancellationToken = cancellationToken;
            }

            private EfSymbols Ef => _owner._ef;

            public QueryChain Visit(IOperation? operation, bool isConditional, int hops)
            {
                if (operation is null || ++_steps > MaxSteps)
                {
                    return FromType(operation);
                }

                _cancellationToken.ThrowIfCancellationRequested();
                var op = operation.WalkDownConversions();
                if (op.IsUnbound())
                {
                    return Unbound;
                }

                switch (op)
                {
                    case IInvocationOperation invocation:
                        return VisitInvocation(invocation, isConditional, hops);

                    case ITranslatedQueryOperation query:
                        // from p in q where .. select p: the Where/Select calls the compiler translated the clauses into.
                        return Visit(query.Operation, isConditional, hops);

                    case IPropertyReferenceOperation property:
                        if (Ef.IsDbSet(property.Type))
                        {
                            return Root(QueryRootKind.DbSet, property, property.Instance);
                        }

                        var propertyFollowed = false;
                        if (Ef.IsQueryable(property.Type) && hops < MaxMethodHops
                            && TryFollowMember(property.Property, hops, out var fromProperty, out propertyFollowed))
                        {
                            return fromProperty;
                        }

                        return propertyFollowed ? QueryChain.None : FromType(property);

                    case IFieldReferenceOperation field:
                        if (Ef.IsDbSet(field.Type))
                        {
                            return Root(QueryRootKind.DbSet, field, field.Instance);
                        }

                        return FromType(field);

                    case ILocalReferenceOperation local:
                        return VisitLocal(local, hops);

                    case IParameterReferenceOperation parameter when Ef.IsQueryable(parameter.Type) && !Ef.IsDbSet(parameter.Type):
                        return BodyIndex.Of(parameter).Writes(parameter.Parameter).Count > 0
                            ? VisitAssignedQueryParameter(parameter, hops)
                            : VisitQueryParameter(parameter, hops);

                    case IConditionalOperation conditional when conditional.WhenFalse is not null:
                        return Merge(Visit(conditional.WhenTrue, true, hops), Visit(conditional.WhenFalse, true, hops));

                    case ICoalesceOperation coalesce:
                        return Merge(Visit(coalesce.Value, isConditional, hops), Visit(coalesce.WhenNull, true, hops));

                    case IAwaitOperation:
                        return QueryChain.None;

                    default:
                        return FromType(op);
                }
            }

            private QueryChain VisitInvocation(IInvocationOperation invocation, bool isConditional, int hops)
            {
                var method = invocation.TargetMethod;

                if (Ef.IsSetMethod(method))
                {
                    return Root(QueryRootKind.SetMethod, invocation, invocation.Instance);
                }

                if (method.Name == "Query" && Ef.IsNavigationEntryMember(method))
                {
                    return Root(QueryRootKind.NavigationQuery, invocation, null);
                }

                if ((method.Name == "SqlQuery" || method.Name == "SqlQueryRaw") && EfSymbols.IsEfExtensionMethod(method))
                {
                    return new QueryChain(QueryRootKind.RawSql, invocation, Ef.GetElementType(invocation.Type), null, ImmutableArray<QueryOperator>.Empty, null);
                }

                if ((method.Name == "AsAsyncEnumerable" || method.Name == "AsQueryable") && !method.IsStatic && Ef.IsDbSet(method.ContainingType))
                {
                    // DbSet<T>.AsAsyncEnumerable() / AsQueryable(): instance forms of the same query.
                    var set = Visit(invocation.Instance, isConditional, hops);
                    return set.IsEfQuery ? Compose(set, new QueryOperator(method.Name, invocation, false, isConditional, Ef.Operators.Kind(method))) : set;
                }

                if (_owner.IsComposingOperator(method, out var isClientSide))
                {
                    var source = invocation.GetReceiverOrThisArgument();
                    var inner = Visit(source, isConditional, hops);
                    if (ReferenceEquals(inner, Unbound) || invocation.HasUnboundArgument())
                    {
                        return Unbound;
                    }

                    if (method.Name.StartsWith("FromSql", System.StringComparison.Ordinal))
                    {
                        return new QueryChain(QueryRootKind.RawSql, invocation, inner.EntityType ?? Ef.GetElementType(invocation.Type), inner.Context, ImmutableArray<QueryOperator>.Empty, null);
                    }

                    if (!inner.IsEfQuery)
                    {
                        // LINQ over an in-memory sequence (or a materialized query): not an EF query.
                        return inner.MaterializedBy is null ? QueryChain.None : inner;
                    }

                    var clientSide = isClientSide || inner.Operators.Any(o => o.IsClientSide) || method.Name == "AsEnumerable";
                    return Compose(inner, new QueryOperator(method.Name, invocation, clientSide, isConditional, Ef.Operators.Kind(method)));
                }

                if (_owner.IsMaterializingCall(method))
                {
                    var inner = Visit(invocation.GetReceiverOrThisArgument(), isConditional, hops);
                    if (ReferenceEquals(inner, Unbound) || invocation.HasUnboundArgument())
                    {
                        return Unbound;
                    }

                    return inner.IsEfQuery && !_selfDerived.Contains(inner) && !ReferenceEquals(inner, SelfMarker)
                        ? new QueryChain(QueryRootKind.None, null, null, null, ImmutableArray<QueryOperator>.Empty, invocation)
                        : QueryChain.None;
                }

                if (_visitingMethods.Contains(method.OriginalDefinition))
                {
                    // q = Helper(q) met while following Helper's own parameter back to its callers: the call's result is
                    // what is being computed, it contributes nothing new (as a local's self reference).
                    return SelfMarker;
                }

                var followed = false;
                QueryChain result;
                if ((Ef.IsQueryable(method.ReturnType) || Ef.IsDbSet(method.ReturnType)) && hops < MaxMethodHops
                    && TryFollowMember(method, hops, out var fromMethod, out followed))
                {
                    result = fromMethod;
                    if (PassesThroughInMemoryArgument(invocation, method, fromMethod, out var inMemory))
                    {
                        return inMemory;
                    }
                }
                else if (followed)
                {
                    // The body was followed and returns no query (an in-memory AsQueryable(), only null): not a query,
                    // whatever its return type says.
                    return QueryChain.None;
                }
                else
                {
                    result = FromType(invocation);
                    if (result.RootKind == QueryRootKind.UnknownQueryable && ComposesInMemoryReceiver(invocation, out var inMemory))
                    {
                        return inMemory;
                    }
                }

                if (result.IsEfQuery && _owner.Ordering.TakesAndReturnsQuery(method))
                {
                    // q = ApplySort(q, by): ordered when every return path of the helper orders, of unknown order when the
                    // layer cannot see into the call; what the helper does on one path only does not order the caller's query.
                    var order = QueryOrdering.Apply(QueryOrder.Unordered, _owner.Ordering.OfMethod(method, _orderDepth, _cancellationToken), isConditional);
                    result = result.WithOrder(order);
                }

                return result;
            }

            /// <summary>
            /// A helper that returns the query it is given (<c>FilterActive(this IQueryable&lt;T&gt; source) =&gt; source.Where(..)</c>),
            /// called here on an in-memory sequence (<c>entity.Children.AsQueryable().FilterActive()</c>): its body's answer
            /// speaks for all its callers, most of which pass EF queries, but this call runs LINQ to Objects, and its result
            /// is what the argument is.
            /// </summary>
            private bool PassesThroughInMemoryArgument(IInvocationOperation invocation, IMethodSymbol method, QueryChain followed, [NotNullWhen(true)] out QueryChain? inMemory)
            {
                inMemory = null;
                if (followed.Root is not IParameterReferenceOperation { Parameter: var parameter })
                {
                    return false;
                }

                IOperation? passed = null;
                if (SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol.OriginalDefinition, method.OriginalDefinition))
                {
                    passed = invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == parameter.Ordinal)?.Value;
                }
                else if (parameter.ContainingSymbol is INamedTypeSymbol block
                    && SymbolEqualityComparer.Default.Equals(block.OriginalDefinition, method.ContainingType?.OriginalDefinition))
                {
                    // C# 14 extension block (extension(IQueryable<T> source) { public IQueryable<T> FilterActive() => .. }):
                    // the receiver parameter belongs to the block, and the call's receiver is what it receives.
                    passed = invocation.Instance ?? invocation.Arguments.FirstOrDefault()?.Value;
                }

                if (passed is null || !IsInMemoryAsQueryable(passed))
                {
                    return false;
                }

                inMemory = QueryChain.None;
                return true;
            }

            /// <summary>
            /// The value is an in-memory sequence made queryable (<c>entity.Children.AsQueryable()</c>,
            /// <c>list.AsQueryable().Where(..)</c>), read from its syntax down the receivers, without following any local,
            /// parameter or helper: asked for every helper call, it must not make the chain walk revisit what it followed
            /// (nested filter helpers made that exponential on Smartstore).
            /// </summary>
            private bool IsInMemoryAsQueryable(IOperation value)
            {
                for (var op = value.WalkDownConversions(); op is IInvocationOperation invocation; )
                {
                    var receiver = invocation.GetReceiverOrThisArgument()?.WalkDownConversions();
                    if (receiver is null)
                    {
                        return false;
                    }

                    if (Ef.IsQueryableMethod(invocation.TargetMethod) && Ef.Operators.Kind(invocation.TargetMethod) == OperatorKind.AsQueryable)
                    {
                        return !Ef.IsQueryable(receiver.Type) && !Ef.IsDbSet(receiver.Type) && receiver.Type is { TypeKind: not TypeKind.Error };
                    }

                    if (!Ef.IsQueryable(invocation.Type))
                    {
                        return false;
                    }

                    op = receiver;
                }

                return false;
            }

            /// <summary>
            /// A query helper whose body is not in this compilation (a referenced library's <c>WhereNotNull(this
            /// IQueryable&lt;T?&gt;)</c>) called on an in-memory sequence, with no other query, set or context among its
            /// arguments: it composes LINQ to Objects, it cannot make the sequence an EF query.
            /// </summary>
            private bool ComposesInMemoryReceiver(IInvocationOperation invocation, [NotNullWhen(true)] out QueryChain? inMemory)
            {
                inMemory = null;
                if (invocation.GetReceiverOrThisArgument() is not { } receiver || !Ef.IsQueryable(receiver.Type))
                {
                    return false;
                }

                foreach (var argument in invocation.Arguments)
                {
                    if (!ReferenceEquals(argument.Value, receiver) && argument.Value.Type is { } type
                        && (Ef.IsQueryable(type) || Ef.IsDbSet(type) || Ef.IsDbContextOrInterface(type)))
                    {
                        return false;
                    }
                }

                if (!IsInMemoryAsQueryable(receiver))
                {
                    return false;
                }

                inMemory = QueryChain.None;
                return true;
            }

            private QueryChain VisitLocal(ILocalReferenceOperation reference, int hops)
            {
                var local = reference.Local;
                if (!Ef.IsQueryable(local.Type) && !Ef.IsAsyncEnumerable(local.Type) && !Ef.IsSequenceType(local.Type))
                {
                    return QueryChain.None;
                }

                if (!_visitingLocals.Add(local))
                {
                    // q = q.Where(...): the self reference contributes nothing new.
                    return SelfMarker;
                }

                try
                {
                    // Every value the local can hold decides: a query only when some assignment is one and none is unbound;
                    // q = q.Where(..) over an in-memory sequence stays in memory.
                    var root = reference.GetRootOperation();
                    QueryChain? result = null;
                    foreach (var (value, conditional) in FindAssignments(root, local))
                    {
                        var chain = Visit(value, conditional, hops);
                        result = result is null ? chain : Merge(result, chain);
                        if (_steps > MaxSteps)
                        {
                            break;
                        }
                    }

                    if (result is null || ReferenceEquals(result, SelfMarker) || _selfDerived.Contains(result))
                    {
                        return FromType(reference);
                    }

                    return result;
                }
                finally
                {
                    _visitingLocals.Remove(local);
                }
            }

            /// <summary>
            /// Follows a source member's returned values. <paramref name="followed"/> tells whether its body was read and
            /// proves what it returns (a virtual member may be overridden, so it proves nothing when it returns no query).
            /// </summary>
            private bool TryFollowMember(ISymbol member, int hops, [NotNullWhen(true)] out QueryChain? chain, out bool followed)
            {
                chain = null;
                var definition = member.OriginalDefinition;
                var overridable = (definition.IsVirtual || definition.IsOverride || definition.IsAbstract) && !definition.IsSealed;
                if (_owner._memberCache.TryGetValue(definition, out var cached))
                {
                    chain = cached.IsEfQuery ? cached : null;
                    followed = !overridable;
                    return chain is not null;
                }

                var body = SourceBodies.GetBody(Ef.Compilation, definition, _cancellationToken);
                if (body is null)
                {
                    followed = false;
                    return false;
                }

                followed = !overridable;
                QueryChain? result = null;
                foreach (var returned in SourceBodies.ReturnedValues(body))
                {
                    var returnedChain = Visit(returned, false, hops + 1);
                    result = result is null ? returnedChain : Merge(result, returnedChain);
                }

                result ??= QueryChain.None;
                if (ReferenceEquals(result, SelfMarker) || ReferenceEquals(result, Unbound) || _selfDerived.Contains(result))
                {
                    result = QueryChain.None;
                }

                if (_visitingMethods.Count == 0)
                {
                    _owner._memberCache.TryAdd(definition, result);
                }

                chain = result.IsEfQuery ? result : null;
                return chain is not null;
            }

            /// <summary>
            /// An <c>IQueryable&lt;T&gt;</c> parameter: the query its callers pass when every caller in the compilation
            /// (<see cref="ParameterSources"/>) passes an EF query of known root, with their operators kept as conditional
            /// (applied by some callers); not a query when every caller passes an in-memory sequence; of unknown origin
            /// otherwise. The root is the parameter itself: the callers' code is never the place to report or fix.
            /// </summary>
            private QueryChain VisitQueryParameter(IParameterReferenceOperation reference, int hops)
            {
                var parameter = reference.Parameter;
                var definition = (IParameterSymbol)parameter.OriginalDefinition;
                if (_owner._parameterCache.TryGetValue(definition, out var cached))
                {
                    return Rebase(cached, reference);
                }

                var owner = definition.ContainingSymbol.OriginalDefinition;
                if (hops >= MaxMethodHops || !_visitingParameters.Add(definition))
                {
                    return FromType(reference);
                }

                var ownerAdded = _visitingMethods.Add(owner);

                QueryChain? result = null;
                try
                {
                    var sources = _owner._parameterSources.Value;
                    var arguments = sources.ArgumentsFor(definition, _cancellationToken);
                    var allKnown = !arguments.IsEmpty;
                    var noneEf = !arguments.IsEmpty;
                    var operators = ImmutableArray.CreateBuilder<QueryOperator>();
                    var order = QueryOrder.Unordered;
                    var kind = QueryRootKind.None;
                    foreach (var argument in arguments)
                    {
                        var chain = Visit(argument, true, hops + 1);
                        if (ReferenceEquals(chain, Unbound) || ReferenceEquals(chain, SelfMarker) || _selfDerived.Contains(chain))
                        {
                            allKnown = noneEf = false;
                            break;
                        }

                        noneEf &= !chain.IsEfQuery;
                        allKnown &= chain.HasKnownRoot;
                        if (chain.HasKnownRoot)
                        {
                            kind = kind == QueryRootKind.None || kind == chain.RootKind ? chain.RootKind : QueryRootKind.DbSet;
                            operators.AddRange(chain.Operators.Select(o => new QueryOperator(o.Name, o.Invocation, o.IsClientSide, isConditional: true, o.Kind)));
                            order = QueryOrdering.Merge(order, chain.Order);
                        }

                        if (_steps > MaxSteps)
                        {
                            allKnown = noneEf = false;
                            break;
                        }
                    }

                    if (allKnown && kind is QueryRootKind.DbSet or QueryRootKind.SetMethod)
                    {
                        var typeOrder = _owner.Ordering.IsOrderedType(parameter.Type) ? QueryOrder.Ordered : QueryOrder.Unordered;
                        result = new QueryChain(kind, reference, Ef.GetElementType(parameter.Type), null, operators.ToImmutable(), null,
                            typeOrder == QueryOrder.Ordered ? typeOrder : order);
                    }
                    else if (noneEf)
                    {
                        result = QueryChain.None;
                    }
                }
                finally
                {
                    _visitingParameters.Remove(definition);
                    if (ownerAdded)
                    {
                        _visitingMethods.Remove(owner);
                    }
                }

                if (result is null)
                {
                    return FromType(reference);
                }

                if (_visitingMethods.Count == 0)
                {
                    // Computed while no other parameter walk was cutting a helper short: the full answer.
                    _owner._parameterCache.TryAdd(definition, result);
                }

                return result;
            }

            /// <summary>
            /// An <c>IQueryable&lt;T&gt;</c> parameter the method reassigns (<c>query = query.Where(..); return query;</c>, or
            /// <c>query = from p in query where .. select p;</c>, as filter helpers write it): the value it came in with
            /// (<see cref="VisitQueryParameter"/>, computed once), merged with every value assigned to it, in which the parameter
            /// stands for the value it had before (a self reference, as a local's <c>q = q.Where(..)</c>: the operators applied
            /// to it are kept). Without this, a helper that reassigns its parameter returned the callers' query without its own
            /// operators (a filter helper looked like no filter).
            /// </summary>
            private QueryChain VisitAssignedQueryParameter(IParameterReferenceOperation reference, int hops)
            {
                var parameter = reference.Parameter;
                if (!_visitingAssignedParameters.Add(parameter))
                {
                    return SelfMarker; // inside one of its own assignments: the value before it, whose operators are merged in below
                }

                try
                {
                    var result = VisitQueryParameter(reference, hops);
                    foreach (var write in BodyIndex.Of(reference).Writes(parameter))
                    {
                        if (write.Syntax.Span.End > reference.Syntax.SpanStart)
                        {
                            continue; // an assignment written after this reference (or around it) has not happened when it is read
                        }

                        if (write is not ISimpleAssignmentOperation assignment)
                        {
                            return FromType(reference); // q ??= ..., a compound assignment: not followed
                        }

                        result = Merge(result, Visit(assignment.Value, true, hops));
                        if (_steps > MaxSteps)
                        {
                            break;
                        }
                    }

                    return result;
                }
                finally
                {
                    _visitingAssignedParameters.Remove(parameter);
                }
            }

            /// <summary>A cached parameter chain, rooted at this reference of the parameter.</summary>
            private static QueryChain Rebase(QueryChain chain, IParameterReferenceOperation reference)
                => chain.IsEfQuery
                    ? new QueryChain(chain.RootKind, reference, chain.EntityType, null, chain.Operators, null, chain.Order)
                    : chain;

            private QueryChain Root(QueryRootKind kind, IOperation root, IOperation? context)
                => new QueryChain(kind, root, Ef.GetElementType(root.Type), context, ImmutableArray<QueryOperator>.Empty, null);

            private QueryChain FromType(IOperation? operation)
            {
                if (operation?.Type is { } dbSet && Ef.IsDbSet(dbSet) && !operation.IsUnbound())
                {
                    // A DbSet<T> is a query root wherever it comes from (a parameter, a method result...): its context is not visible.
                    return Root(QueryRootKind.DbSet, operation, null);
                }

                if (operation?.Type is { } type && Ef.IsQueryable(type))
                {
                    var order = _owner.Ordering.IsOrderedType(type) ? QueryOrder.Ordered : QueryOrder.Unordered;
                    return new QueryChain(QueryRootKind.UnknownQueryable, operation, Ef.GetElementType(type), null, ImmutableArray<QueryOperator>.Empty, null, order);
                }

                return QueryChain.None;
            }

            // The value of a local while its own assignments are being followed (q = q.Where(..)): an EF query of unknown root
            // so that the operators applied to it are kept and merged with the local's other assignments.
            private static readonly QueryChain SelfMarker = new QueryChain(QueryRootKind.UnknownQueryable, null, null, null, ImmutableArray<QueryOperator>.Empty, null);

            /// <summary>An operator applied to a chain; applied to a local's own value, the result is self-derived too.</summary>
            private QueryChain Compose(QueryChain inner, QueryOperator op)
            {
                var result = inner.With(op);
                if (ReferenceEquals(inner, SelfMarker) || _selfDerived.Contains(inner))
                {
                    _selfDerived.Add(result);
                }

                return result;
            }

            /// <summary>
            /// Joins two possible sources of one value: the better-known root wins, operators are kept from both. A value
            /// that does not bind makes the whole value unbound; a self-derived value (<c>q.Where(..)</c> of the local being
            /// followed) adds operators to a query but never makes one.
            /// </summary>
            private QueryChain Merge(QueryChain a, QueryChain b)
            {
                if (ReferenceEquals(a, Unbound) || ReferenceEquals(b, Unbound))
                {
                    return Unbound;
                }

                if (ReferenceEquals(a, SelfMarker))
                {
                    return b;
                }

                if (ReferenceEquals(b, SelfMarker))
                {
                    return a;
                }

                var aSelf = _selfDerived.Contains(a);
                var bSelf = _selfDerived.Contains(b);
                if (aSelf && !bSelf && !b.IsEfQuery)
                {
                    return b;
                }

                if (bSelf && !aSelf && !a.IsEfQuery)
                {
                    return a;
                }

                var primary = Rank(b, bSelf) > Rank(a, aSelf) ? b : a;
                var secondary = ReferenceEquals(primary, a) ? b : a;
                if (!secondary.IsEfQuery)
                {
                    return primary;
                }

                var operators = primary.Operators.AddRange(secondary.Operators.Where(o => !primary.Operators.Any(p => p.Invocation == o.Invocation)));
                var merged = new QueryChain(primary.RootKind, primary.Root, primary.EntityType ?? secondary.EntityType, primary.Context ?? secondary.Context, operators, primary.MaterializedBy,
                    QueryOrdering.Merge(primary.Order, secondary.Order));
                if (aSelf && bSelf)
                {
                    _selfDerived.Add(merged);
                }

                return merged;
            }

            private static int Rank(QueryChain chain, bool selfDerived)
                => chain.HasKnownRoot ? 4 : chain.IsEfQuery && !selfDerived ? 3 : chain.IsEfQuery ? 2 : chain.MaterializedBy is not null ? 1 : 0;

            /// <summary>Initializer and assignments of a local in its body, each with whether it happens only on some paths.</summary>
            private static IEnumerable<(IOperation Value, bool Conditional)> FindAssignments(IOperation root, ILocalSymbol local)
            {
                foreach (var op in BodyIndex.Of(root).Writes(local))
                {
                    switch (op)
                    {
                        case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local):
                            var initializer = declarator.GetVariableInitializer();
                            if (initializer is not null)
                            {
                                yield return (initializer.Value, false);
                            }

                            break;
                        case ISimpleAssignmentOperation assignment
                            when assignment.Target is ILocalReferenceOperation target && SymbolEqualityComparer.Default.Equals(target.Local, local):
                            yield return (assignment.Value, IsConditionallyExecuted(assignment, local));
                            break;
                    }
                }
            }

            private static bool IsConditionallyExecuted(IOperation operation, ILocalSymbol local)
            {
                for (var current = operation.Parent; current is not null; current = current.Parent)
                {
                    if (current is IBlockOperation block && block.Locals.Contains(local, SymbolEqualityComparer.Default))
                    {
                        return false;
                    }

                    if (current is IConditionalOperation || current is ISwitchOperation || current is ISwitchCaseOperation
                        || current is ILoopOperation || current is ICatchClauseOperation || current is ISwitchExpressionArmOperation)
                    {
                        return true;
                    }
                }

                return false;
            }
        }
    }

    internal static class QueryChainExtensions
    {
        public static QueryChain With(this QueryChain chain, QueryOperator op)
            => new QueryChain(chain.RootKind, chain.Root, chain.EntityType, chain.Context, chain.Operators.Add(op), chain.MaterializedBy,
                op.Is(OperatorMeaning.Ordering) ? QueryOrdering.Apply(chain.Order, QueryOrder.Ordered, op.IsConditional) : chain.Order);

        public static QueryChain WithOrder(this QueryChain chain, QueryOrder order)
            => new QueryChain(chain.RootKind, chain.Root, chain.EntityType, chain.Context, chain.Operators, chain.MaterializedBy, order);
    }
}
