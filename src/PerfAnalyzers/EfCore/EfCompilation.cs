using System.Runtime.CompilerServices;

namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// Everything the rules ask about EF Core in one compilation: the symbols, the query chains, the round trips and
    /// the loops around them. Create it once in <c>RegisterCompilationStartAction</c> with <see cref="TryCreate"/>;
    /// null means EF Core is not referenced and the rule should register nothing.
    /// </summary>
    internal sealed class EfCompilation
    {
        private EfCompilation(EfSymbols symbols)
        {
            Symbols = symbols;
            Queries = new QueryChainBuilder(symbols);
            Loops = new LoopAnalysis(this);
            Model = new EfModel(symbols);
            Uniqueness = new ModelUniqueness(Model);
        }

        public EfSymbols Symbols { get; }

        public QueryChainBuilder Queries { get; }

        public LoopAnalysis Loops { get; }

        /// <summary>
        /// The EF model as far as the source shows it (keys, indexes, seeding, owned and complex types, loading and tracking
        /// configuration, concurrency, filters, inheritance, save events, registrations): one configuration scan, run once,
        /// lazily, on the first question (<see cref="EfModel"/>).
        /// </summary>
        public EfModel Model { get; }

        /// <summary><see cref="Model"/>, with its scan run now under the caller's cancellation (it runs once per compilation).</summary>
        public EfModel GetModel(CancellationToken cancellationToken = default) => Model.EnsureScanned(cancellationToken);

        /// <summary>Primary keys (composite too), alternate keys and unique indexes (over <see cref="Model"/>).</summary>
        public ModelUniqueness Uniqueness { get; }

        /// <summary>Navigations of entities and where entities come from, over <see cref="Model"/>; created once on first use.</summary>
        public NavigationAccess GetNavigationAccess(CancellationToken cancellationToken = default)
        {
            var access = System.Threading.Volatile.Read(ref _navigationAccess);
            if (access is null)
            {
                access = new NavigationAccess(this, GetModel(cancellationToken));
                access = Interlocked.CompareExchange(ref _navigationAccess, access, null) ?? access;
            }

            return access;
        }

        private NavigationAccess? _navigationAccess;

        /// <summary>Per-loop answers of the loop exemptions, keyed by the loop's syntax (<see cref="EfCore.LoopFacts"/>).</summary>
        internal System.Collections.Concurrent.ConcurrentDictionary<SyntaxNode, LoopFacts> LoopFacts { get; } = new System.Collections.Concurrent.ConcurrentDictionary<SyntaxNode, LoopFacts>();

        public static EfCompilation? TryCreate(Compilation compilation)
        {
            var symbols = EfSymbols.TryCreate(compilation);
            return symbols is null ? null : new EfCompilation(symbols);
        }

        /// <summary>
        /// The one <see cref="EfCompilation"/> of <paramref name="compilation"/> that every rule shares (null when EF Core is
        /// not referenced). Held weakly by the compilation: it lives exactly as long as the compilation does. Everything it
        /// caches is safe to share: scans started without a cancellation token, or computed again when one was cancelled.
        /// </summary>
        public static EfCompilation? For(Compilation compilation)
            => Shared.GetValue(compilation, c => new Holder(TryCreate(c))).Value;

        private static readonly ConditionalWeakTable<Compilation, Holder> Shared = new ConditionalWeakTable<Compilation, Holder>();

        private sealed class Holder
        {
            public Holder(EfCompilation? value) => Value = value;

            public EfCompilation? Value { get; }
        }

        // The properties below read the field first: the lambda passed to EnsureInitialized captures this, and a new
        // delegate per read (every rule asks per operation) showed in the profiles of real builds (issue 14).
        /// <summary>The EF Core providers the compilation references.</summary>
        public ReferencedProviders Providers => LazyInitializer.EnsureInitialized(ref _providers, () => ReferencedProviders.Of(Symbols.Compilation))!;

        private ReferencedProviders? _providers;

        /// <summary>What the model says about bulk writes (concurrency tokens, SaveChanges overrides, interceptors, query filters), scanned once on first use.</summary>
        public WriteSafety Writes => Volatile.Read(ref _writes) ?? LazyInitializer.EnsureInitialized(ref _writes, () => new WriteSafety(Symbols, Model))!;

        private WriteSafety? _writes;

        /// <summary>Whether code is setup code (seeding, migrations, installation, start-up), shared by every rule.</summary>
        public SetupCode Setup => Volatile.Read(ref _setup) ?? LazyInitializer.EnsureInitialized(ref _setup, () => new SetupCode(this))!;

        private SetupCode? _setup;

        /// <summary>Does an entity's table grow with use, and why (EFP301); the scan for Add calls runs once, on first use.</summary>
        public TableGrowth Growth => Volatile.Read(ref _growth) ?? LazyInitializer.EnsureInitialized(ref _growth, () => new TableGrowth(this))!;

        private TableGrowth? _growth;

        /// <summary>The Async twins of sync EF calls in the referenced EF Core version.</summary>
        public AsyncCounterparts Async => Volatile.Read(ref _async) ?? LazyInitializer.EnsureInitialized(ref _async, () => new AsyncCounterparts(Symbols))!;

        private AsyncCounterparts? _async;

        /// <summary>Which context instance a round trip uses, who owns it, and the task/thread APIs around it (EFP402, EFP403).</summary>
        public ContextLifetime Lifetime => Volatile.Read(ref _lifetime) ?? LazyInitializer.EnsureInitialized(ref _lifetime, () => new ContextLifetime(this))!;

        private ContextLifetime? _lifetime;

        /// <summary>Does a loop do work outside the database that dwarfs a round trip per pass? (the loop exemptions' <see cref="LoopExemption.HeavyWorkPerItem"/>)</summary>
        public HeavyWork HeavyWork => Volatile.Read(ref _heavyWork) ?? LazyInitializer.EnsureInitialized(ref _heavyWork, () => new HeavyWork(this))!;

        private HeavyWork? _heavyWork;

        /// <summary>"Does calling this source method perform a round trip?" (EFP104, EFP401), one cache per compilation.</summary>
        public RoundTripSummaries Summaries => Volatile.Read(ref _summaries) ?? LazyInitializer.EnsureInitialized(ref _summaries, () => new RoundTripSummaries(this, Symbols.Compilation))!;

        private RoundTripSummaries? _summaries;

        /// <summary>
        /// Is this operation (an invocation or a foreach loop) a database round trip, and of which query? Decided from types
        /// (an IQueryable/DbSet/DbContext receiver the query chain proves), never from method names alone; code that does
        /// not bind (<see cref="OperationExtensions.IsUnbound"/>) is never a round trip.
        /// </summary>
        public bool TryGetRoundTrip(IOperation operation, out RoundTrip roundTrip, CancellationToken cancellationToken = default)
        {
            roundTrip = null!;
            switch (operation)
            {
                case IInvocationOperation invocation:
                    return TryGetRoundTrip(invocation, out roundTrip, cancellationToken);

                case IForEachLoopOperation forEach:
                    var collection = forEach.Collection.WalkDownConversions();
                    if (!Symbols.IsQueryable(collection.Type) && !Symbols.IsAsyncEnumerable(collection.Type) && !Symbols.IsDbSet(collection.Type))
                    {
                        return false;
                    }

                    if (forEach.IsInsideExpressionTree())
                    {
                        return false;
                    }

                    var chain = Queries.Build(collection, cancellationToken);
                    if (!chain.IsEfQuery)
                    {
                        return false;
                    }

                    roundTrip = new RoundTrip(RoundTripKind.Enumeration, forEach, forEach.IsAsynchronous ? "await foreach" : "foreach", chain, forEach.IsAsynchronous);
                    return true;

                default:
                    return false;
            }
        }

        public bool TryGetRoundTrip(IInvocationOperation invocation, out RoundTrip roundTrip, CancellationToken cancellationToken = default)
        {
            // A call whose name no round trip has (most calls of a compilation) is answered without the memo: it would
            // only fill the table (one weak entry per call) and its lock. Memoized per invocation otherwise and shared
            // by every rule (issue 14); a cancelled computation throws and caches nothing.
            if (!MayBeRoundTrip(invocation.TargetMethod.Name))
            {
                roundTrip = null!;
                return false;
            }

            if (!_roundTrips.TryGetValue(invocation, out var known))
            {
                var found = ComputeRoundTrip(invocation, out var computed, cancellationToken);
                known = _roundTrips.GetValue(invocation, _ => new KnownRoundTrip(found ? computed : null));
            }

            roundTrip = known.Value!;
            return known.Value is not null;
        }

        /// <summary>
        /// The names <see cref="ComputeRoundTrip"/> can accept (it rejects every other name): SaveChanges, Find, Load,
        /// ExecuteSql*, ExecuteUpdate/ExecuteDelete and the materializing operators, sync or Async.
        /// </summary>
        internal static bool MayBeRoundTrip(string name)
        {
            var syncName = EfSymbols.SyncName(name);
            return syncName is "SaveChanges" or "Find" or "ExecuteUpdate" or "ExecuteDelete"
                   || name.StartsWith("ExecuteSql", System.StringComparison.Ordinal)
                   || (QueryOperators.MeaningOfName(name) & OperatorMeaning.Executing) != 0;
        }

        private readonly ConditionalWeakTable<IInvocationOperation, KnownRoundTrip> _roundTrips = new ConditionalWeakTable<IInvocationOperation, KnownRoundTrip>();

        private sealed class KnownRoundTrip
        {
            public KnownRoundTrip(RoundTrip? value) => Value = value;

            public RoundTrip? Value { get; }
        }

        private bool ComputeRoundTrip(IInvocationOperation invocation, out RoundTrip roundTrip, CancellationToken cancellationToken)
        {
            roundTrip = null!;
            if (invocation.Instance.IsUnbound() || invocation.HasUnboundArgument())
            {
                // A receiver or argument that does not bind: the method is Roslyn's best guess, not the code's meaning.
                return false;
            }

            var method = invocation.TargetMethod;
            var name = method.Name;
            var isAsync = name.EndsWith("Async", System.StringComparison.Ordinal);

            if (Symbols.IsSaveChanges(method))
            {
                roundTrip = new RoundTrip(RoundTripKind.SaveChanges, invocation, name, QueryChain.None, isAsync);
                return !invocation.IsInsideExpressionTree();
            }

            if (Symbols.IsFindMethod(method))
            {
                var find = invocation.Instance is { } instance && Symbols.IsDbSet(instance.Type)
                    ? Queries.Build(instance, cancellationToken)
                    : QueryChain.None;
                roundTrip = new RoundTrip(RoundTripKind.Find, invocation, name, find, isAsync);
                return !invocation.IsInsideExpressionTree();
            }

            if ((name == "Load" || name == "LoadAsync") && Symbols.IsNavigationEntryMember(method))
            {
                roundTrip = new RoundTrip(RoundTripKind.Load, invocation, name, QueryChain.None, isAsync);
                return true;
            }

            if (Symbols.IsDatabaseFacade(invocation.GetReceiverOrThisArgument()?.Type)
                && name.StartsWith("ExecuteSql", System.StringComparison.Ordinal))
            {
                roundTrip = new RoundTrip(RoundTripKind.RawSqlCommand, invocation, name, QueryChain.None, isAsync);
                return true;
            }

            var syncName = EfSymbols.SyncName(name);
            var isExecuteUpdate = syncName == "ExecuteUpdate";
            var isExecuteDelete = syncName == "ExecuteDelete";
            if (!isExecuteUpdate && !isExecuteDelete && !Queries.IsMaterializingCall(method))
            {
                return false;
            }

            if ((isExecuteUpdate || isExecuteDelete) && !EfSymbols.IsEfExtensionMethod(method))
            {
                return false;
            }

            var source = invocation.GetReceiverOrThisArgument();
            if (source is null || invocation.IsInsideExpressionTree())
            {
                return false;
            }

            var chain = Queries.Build(source, cancellationToken);
            if (!chain.IsEfQuery)
            {
                return false;
            }

            var kind = isExecuteUpdate ? RoundTripKind.BulkUpdate
                : isExecuteDelete ? RoundTripKind.BulkDelete
                : syncName == "Load" ? RoundTripKind.Load
                : RoundTripKind.Query;
            roundTrip = new RoundTrip(kind, invocation, name, chain, isAsync);
            return true;
        }
    }
}
