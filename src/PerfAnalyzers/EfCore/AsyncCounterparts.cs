namespace PerfAnalyzers.EfCore
{
    /// <summary>The asynchronous twin of a synchronous EF Core call, as found in the referenced EF Core version.</summary>
    internal sealed class AsyncCounterpart(string name, bool acceptsCancellationToken, bool needsArrayForParams)
    {
        /// <summary>The method to call instead (ToListAsync, SaveChangesAsync, FindAsync...).</summary>
        public string Name { get; } = name;

        /// <summary>An overload with a trailing CancellationToken exists for the call's arguments.</summary>
        public bool AcceptsCancellationToken { get; } = acceptsCancellationToken;

        /// <summary>
        /// The call passes a <c>params</c> array in expanded form and the overload taking a token wants the array
        /// itself (<c>Find(1, 2)</c> becomes <c>FindAsync(new object[] { 1, 2 }, ct)</c>).
        /// </summary>
        public bool NeedsArrayForParams { get; } = needsArrayForParams;
    }

    /// <summary>
    /// Which synchronous EF Core calls have an asynchronous form in the referenced EF Core version: the LINQ operators
    /// EF Core executes (ToList -> ToListAsync, ... in <c>EntityFrameworkQueryableExtensions</c>; ToHashSetAsync only
    /// from EF Core 9, ExecuteUpdate/ExecuteDeleteAsync from EF Core 7), SaveChanges, Find, Load, ExecuteSql*,
    /// BeginTransaction and transaction Commit/Rollback. Found by looking the twin up in the referenced assemblies,
    /// never from a hard-coded list of versions. Add/AddRange are deliberately absent: EF Core's docs say AddAsync
    /// exists only for value generators that need the database (HiLo).
    /// </summary>
    internal sealed class AsyncCounterparts
    {
        /// <summary>DatabaseFacade / transaction members that are round trips with an Async twin (beyond ExecuteSql*).</summary>
        private static readonly ImmutableHashSet<string> TransactionMethods = ImmutableHashSet.Create(
            "BeginTransaction", "CommitTransaction", "RollbackTransaction", "Commit", "Rollback");

        private readonly EfSymbols _ef;
        private readonly INamedTypeSymbol? _queryableExtensions;
        private readonly INamedTypeSymbol? _transaction;
        private readonly INamedTypeSymbol? _cancellationToken;

        public AsyncCounterparts(EfSymbols ef)
        {
            _ef = ef;
            _queryableExtensions = ef.Compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions");
            _transaction = ef.Compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction");
            _cancellationToken = ef.Compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
            AsAsyncEnumerableExists = _queryableExtensions is not null && !_queryableExtensions.GetMembers("AsAsyncEnumerable").IsEmpty;
        }

        public INamedTypeSymbol? CancellationTokenType => _cancellationToken;

        /// <summary>
        /// The names <see cref="TryGetSyncRoundTrip"/> can accept (a cheap check before binding anything): a synchronous round
        /// trip's (<see cref="EfCompilation.MayBeRoundTrip"/>) or a transaction method's. The change tracker's Add, Attach,
        /// Update and Remove are no round trip, so they never get an Async twin (AddAsync is for HiLo value generators).
        /// </summary>
        public static bool MayHaveCounterpart(string name)
            => !name.EndsWith("Async", System.StringComparison.Ordinal) && (EfCompilation.MayBeRoundTrip(name) || TransactionMethods.Contains(name));

        /// <summary>EF's <c>EntityFrameworkQueryableExtensions</c> has an operator of this name here (CountAsync, ElementAtAsync...).</summary>
        public bool HasQueryableOperator(string name)
            => _queryableExtensions is not null && !_queryableExtensions.GetMembers(name).IsEmpty;

        /// <summary>EF's <c>AsAsyncEnumerable()</c> is there (the async form of <c>foreach</c> over a query).</summary>
        public bool AsAsyncEnumerableExists { get; }

        /// <summary>
        /// Is this synchronous invocation a database round trip (or transaction command) whose Async form exists here?
        /// </summary>
        public bool TryGetSyncRoundTrip(EfCompilation compilation, IInvocationOperation invocation, out AsyncCounterpart counterpart, System.Threading.CancellationToken cancellationToken)
        {
            counterpart = null!;
            var method = invocation.TargetMethod;
            if (!MayHaveCounterpart(method.Name))
            {
                return false;
            }

            if (TransactionMethods.Contains(method.Name))
            {
                if (invocation.GetReceiverOrThisArgument().IsUnbound() || invocation.HasUnboundArgument())
                {
                    return false;
                }

                var receiverType = invocation.GetReceiverOrThisArgument()?.WalkDownConversions().Type;
                var isTransactionCall = method.Name.StartsWith("Commit", System.StringComparison.Ordinal) || method.Name.StartsWith("Rollback", System.StringComparison.Ordinal)
                    ? IsTransaction(receiverType) || _ef.IsDatabaseFacade(receiverType)
                    : _ef.IsDatabaseFacade(receiverType);
                if (!isTransactionCall || invocation.IsInsideExpressionTree())
                {
                    return false;
                }

                return TryFind(invocation, out counterpart);
            }

            if (!compilation.TryGetRoundTrip(invocation, out var roundTrip, cancellationToken) || roundTrip.IsAsync)
            {
                return false;
            }

            if (roundTrip.Kind == RoundTripKind.Query || roundTrip.Kind == RoundTripKind.BulkUpdate || roundTrip.Kind == RoundTripKind.BulkDelete
                || (roundTrip.Kind == RoundTripKind.Load && method.IsExtensionMethod))
            {
                // The Async operators take IQueryable<T>: a call bound to Enumerable on something that is not statically
                // a query (or with a Func argument) has no Async form that keeps its meaning.
                var source = invocation.GetReceiverOrThisArgument()?.WalkDownConversions();
                if (source is null || !_ef.IsQueryable(source.Type) || _ef.GetElementType(source.Type) is null)
                {
                    return false;
                }
            }

            return TryFind(invocation, out counterpart);
        }

        private bool IsTransaction(ITypeSymbol? type)
        {
            if (type is null || _transaction is null)
            {
                return false;
            }

            if (SymbolEqualityComparer.Default.Equals(type, _transaction))
            {
                return true;
            }

            foreach (var i in type.AllInterfaces)
            {
                if (SymbolEqualityComparer.Default.Equals(i, _transaction))
                {
                    return true;
                }
            }

            return false;
        }

        private bool TryFind(IInvocationOperation invocation, out AsyncCounterpart counterpart)
        {
            counterpart = null!;
            var sync = invocation.TargetMethod.OriginalDefinition;
            var asyncName = sync.Name + "Async";
            var expandedParams = false;
            foreach (var argument in invocation.Arguments)
            {
                if (argument.ArgumentKind == ArgumentKind.ParamArray)
                {
                    expandedParams = true;
                }
            }

            var found = false;
            var withToken = false;
            var withTokenNeedsArray = false;
            foreach (var candidate in Candidates(sync, asyncName))
            {
                if (!Matches(sync, candidate, out var takesToken, out var needsArray))
                {
                    continue;
                }

                found = true;
                if (takesToken)
                {
                    if (!withToken || withTokenNeedsArray)
                    {
                        withTokenNeedsArray = needsArray && expandedParams;
                    }

                    withToken = true;
                }
            }

            if (!found)
            {
                return false;
            }

            counterpart = new AsyncCounterpart(asyncName, withToken, withTokenNeedsArray);
            return true;
        }

        private IEnumerable<IMethodSymbol> Candidates(IMethodSymbol sync, string asyncName)
        {
            var containing = sync.ContainingType;
            if (containing is null)
            {
                yield break;
            }

            var types = new List<INamedTypeSymbol>();
            if (_ef.IsQueryableMethod(sync) || _ef.IsEnumerableMethod(sync))
            {
                if (_queryableExtensions is not null)
                {
                    types.Add(_queryableExtensions);
                }
            }
            else
            {
                types.AddRange(EfSymbols.SelfAndBaseTypes(containing));
                types.AddRange(containing.AllInterfaces);
            }

            foreach (var type in types)
            {
                foreach (var member in type.GetMembers(asyncName))
                {
                    if (member is IMethodSymbol method && method.DeclaredAccessibility == Accessibility.Public && !method.IsStatic == !sync.IsStatic)
                    {
                        yield return method;
                    }
                }
            }
        }

        /// <summary>Same parameters (the source of an extension method aside), optionally followed by a CancellationToken.</summary>
        private bool Matches(IMethodSymbol sync, IMethodSymbol candidate, out bool takesToken, out bool needsArray)
        {
            takesToken = false;
            needsArray = false;
            if (candidate.Arity != sync.Arity || candidate.IsExtensionMethod != sync.IsExtensionMethod)
            {
                return false;
            }

            var syncParameters = sync.Parameters;
            var asyncParameters = candidate.Parameters;
            var count = syncParameters.Length;
            if (asyncParameters.Length == count + 1 && IsCancellationToken(asyncParameters[count].Type))
            {
                takesToken = true;
            }
            else if (asyncParameters.Length != count)
            {
                return false;
            }

            for (var i = sync.IsExtensionMethod ? 1 : 0; i < count; i++)
            {
                var s = syncParameters[i];
                var a = asyncParameters[i];
                if (s.RefKind != a.RefKind)
                {
                    return false;
                }

                // Nullable reference annotations differ between overloads (object?[] vs object[]): compare without them.
                var sType = s.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
                var aType = a.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
                if (sType == aType)
                {
                    needsArray |= s.IsParams && !a.IsParams;
                    continue;
                }

                // ExecuteSqlRaw(sql, params object[]) -> ExecuteSqlRawAsync(sql, IEnumerable<object>, ct)
                if (s.IsParams && s.Type is IArrayTypeSymbol array
                    && a.Type is INamedTypeSymbol named && SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, _ef.IEnumerableOfT)
                    && named.TypeArguments[0].ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) == array.ElementType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat))
                {
                    needsArray = true;
                    continue;
                }

                return false;
            }

            return true;
        }

        public bool IsCancellationToken(ITypeSymbol? type)
            => type is not null && _cancellationToken is not null && SymbolEqualityComparer.Default.Equals(type, _cancellationToken);

        /// <summary>
        /// Whether the sync call is the sync half of a sync/async pair the code chooses between on purpose: a condition picks
        /// either the async counterpart (awaited or returned as a task) or the sync method, as dual-mode code does (one
        /// implementation behind a sync and an async public API, an <c>async</c> flag, or a type test such as
        /// <c>source is IAsyncEnumerable&lt;T&gt;</c>):
        /// <list type="bullet">
        /// <item><c>async ? await q.FirstOrDefaultAsync() : q.FirstOrDefault()</c>, and the same with <c>if</c>/<c>else</c>;</item>
        /// <item><c>if (async) { ...; return await db.Database.ExecuteSqlRawAsync(sql); }</c> followed, in the same block, by the
        /// sync call (the async branch always leaves).</item>
        /// </list>
        /// The sync branch runs only for the callers that asked for sync work, so no thread of async code waits in it. Looked for
        /// in the conditionals and blocks around the call, up to the enclosing function; the async call is matched by
        /// <paramref name="asyncName"/>, the counterpart's name.
        /// </summary>
        public static bool IsSyncHalfOfPair(IOperation syncCall, string asyncName)
        {
            var child = syncCall;
            for (var current = syncCall.Parent; current is not null; child = current, current = current.Parent)
            {
                switch (current)
                {
                    case IAnonymousFunctionOperation:
                    case ILocalFunctionOperation:
                    case IMethodBodyBaseOperation:
                        return false;
                    case IConditionalOperation conditional:
                        var other = ReferenceEquals(child, conditional.WhenTrue) ? conditional.WhenFalse
                            : ReferenceEquals(child, conditional.WhenFalse) ? conditional.WhenTrue
                            : null;
                        if (other is not null && CallsByName(other, asyncName))
                        {
                            return true;
                        }

                        break;
                    case IBlockOperation block:
                        foreach (var statement in block.Operations)
                        {
                            if (ReferenceEquals(statement, child))
                            {
                                break;
                            }

                            if (statement is IConditionalOperation { WhenFalse: null } earlier && AlwaysLeaves(earlier.WhenTrue) && CallsByName(earlier.WhenTrue, asyncName))
                            {
                                return true;
                            }
                        }

                        break;
                }
            }

            return false;
        }

        private static bool CallsByName(IOperation branch, string name)
        {
            foreach (var operation in branch.DescendantsAndSelf())
            {
                if (operation is IInvocationOperation invocation && invocation.TargetMethod.Name == name)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The branch ends by leaving the function or the loop: its last statement is a return, a throw, a break or a continue.</summary>
        private static bool AlwaysLeaves(IOperation branch)
        {
            var last = branch is IBlockOperation block ? block.Operations.LastOrDefault() : branch;
            return last is IReturnOperation or IThrowOperation or IBranchOperation or IExpressionStatementOperation { Operation: IThrowOperation };
        }
    }
}
