using System.Collections.Concurrent;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace PerfAnalyzers.EfCore
{
    /// <summary>A source method that performs a database round trip, and the call chain that leads to it.</summary>
    internal sealed class RoundTripSummary
    {
        public static readonly RoundTripSummary None = new RoundTripSummary(ImmutableArray<string>.Empty, null);

        public RoundTripSummary(ImmutableArray<string> chain, RoundTrip? roundTrip, bool onCacheMiss = false, ImmutableArray<int> guards = default, bool ownScope = false, bool inOwnLoop = false, ImmutableArray<int> identityKeys = default, bool ownLoopOnBranch = false, ImmutableArray<LoadedNavigation> explicitLoads = default)
        {
            ExplicitLoads = explicitLoads;
            Chain = chain;
            RoundTrip = roundTrip;
            OnCacheMiss = onCacheMiss;
            Guards = guards.IsDefault ? ImmutableArray<int>.Empty : guards;
            OwnScope = ownScope;
            InOwnLoop = inOwnLoop;
            IdentityKeys = identityKeys;
            OwnLoopOnBranch = inOwnLoop && ownLoopOnBranch;
        }

        /// <summary>
        /// Every round trip the method can reach (none exempt) is a look-up in the context's identity map
        /// (<see cref="IdentityLookups"/>: <c>Find</c>, or a query after a miss in <c>DbSet.Local</c>) whose key comes from these
        /// parameters of the method (ordinals; empty: from fields and constants only). Default when some round trip is not
        /// such a look-up. A loop that passes the same values there on every iteration pays one round trip, not one per iteration.
        /// </summary>
        public ImmutableArray<int> IdentityKeys { get; }

        /// <summary>
        /// Every round trip the method can reach (none exempt) is an explicit load (<see cref="EfCore.ExplicitLoads"/>:
        /// <c>Entry(e).Reference(..).Load()</c>, or a wrapper that tests <c>IsLoaded</c>/<c>CurrentValue</c> first) of a navigation
        /// of an entity its caller passes, in these parameters. Default when some round trip is not such a load. A caller whose
        /// query already loaded each of them (Include) makes no round trip through the call.
        /// </summary>
        public ImmutableArray<LoadedNavigation> ExplicitLoads { get; }

        /// <summary>
        /// Every round trip the method can reach runs through an application service it resolves from a DI scope it creates
        /// itself (<see cref="UnitOfWork.RunsInOwnScope"/>), at some level of the chain: each call is its own unit of work
        /// (an event published in its own scope, a sync run per tenant).
        /// </summary>
        public bool OwnScope { get; }

        /// <summary>
        /// The method is a job over its own collection: some round trip it reaches runs per iteration of a loop of the method
        /// (or of a method it calls) over items that are not entities (files, names, API results), and is reported there (or
        /// batched there). The N+1 is reported where it is, in that loop; the round trips the job also runs once per call (a
        /// preload, an update of its parent row, a cleanup after the loop) are not what makes a caller's loop over jobs cost.
        /// </summary>
        public bool InOwnLoop { get; }

        /// <summary>
        /// (<see cref="InOwnLoop"/> only) The job's own loop runs on one branch of the method only (an <c>if</c> or <c>switch</c>
        /// arm, or after an <c>if (..) return ..;</c> that does not only test the loop's own collection or a null): a call
        /// may take another path, without the loop. A caller's round trips outside the call are then not on the loop's path
        /// either (<see cref="RoundTripSummaries"/>: they run per call, and make the caller a plain call, not a job).
        /// </summary>
        public bool OwnLoopOnBranch { get; }

        /// <summary>Whether a loop exemption applies to every round trip: only on a cache miss, in an own scope, or in an own loop.</summary>
        public bool IsExempt => OnCacheMiss || OwnScope || InOwnLoop;

        /// <summary>The same summary with another chain (and guards).</summary>
        public RoundTripSummary WithChain(ImmutableArray<string> chain, ImmutableArray<int> guards = default)
            => new RoundTripSummary(chain, RoundTrip, OnCacheMiss, guards.IsDefault ? Guards : guards, OwnScope, InOwnLoop, IdentityKeys, OwnLoopOnBranch, ExplicitLoads);

        /// <summary>The same summary with other identity-look-up keys (<see cref="IdentityKeys"/>; default: not a look-up).</summary>
        public RoundTripSummary WithIdentityKeys(ImmutableArray<int> identityKeys)
            => IdentityKeys.IsDefault && identityKeys.IsDefault
                ? this
                : new RoundTripSummary(Chain, RoundTrip, OnCacheMiss, Guards, OwnScope, InOwnLoop, identityKeys, OwnLoopOnBranch, ExplicitLoads);

        /// <summary>The same summary with other explicit loads (<see cref="ExplicitLoads"/>; default: some round trip is not one).</summary>
        public RoundTripSummary WithExplicitLoads(ImmutableArray<LoadedNavigation> explicitLoads)
            => ExplicitLoads.IsDefault && explicitLoads.IsDefault
                ? this
                : new RoundTripSummary(Chain, RoundTrip, OnCacheMiss, Guards, OwnScope, InOwnLoop, IdentityKeys, OwnLoopOnBranch, explicitLoads);

        /// <summary>The same summary without the facts stated in the summarized method's parameters (a handler or delegate, whose parameters are not the call's).</summary>
        public RoundTripSummary WithoutParameterFacts() => WithIdentityKeys(default).WithExplicitLoads(default);

        /// <summary>The same job with its loop on one branch of the method only (<see cref="OwnLoopOnBranch"/>).</summary>
        public RoundTripSummary OnBranch()
            => OwnLoopOnBranch ? this : new RoundTripSummary(Chain, RoundTrip, OnCacheMiss, Guards, OwnScope, InOwnLoop, IdentityKeys, ownLoopOnBranch: true, ExplicitLoads);

        /// <summary>
        /// Ordinals of the summarized method's own <c>bool</c> parameters that must be <c>true</c> for any of its round
        /// trips to run (<c>if (includeReplies) { .. }</c>, <c>p &amp;&amp; ..</c>, <c>p ? .. : ..</c>, <c>if (!p) return ..;</c>
        /// before them), and that the method never assigns. Data only: whether a call passes <c>false</c> is decided per call
        /// (<see cref="RoundTripSummaries.Get(IInvocationOperation, CancellationToken)"/>). Empty when any round trip is unguarded
        /// (for a summary no exemption covers, any unexempt one: a cached look-up beside the guarded query does not count).
        /// Also type guards (<see cref="RoundTripSummaries.TypeGuards"/>): a reference-type parameter every round trip needs to be
        /// of a type (<c>if (p is string code) { .. }</c>); a call passing <c>null</c> or a value of an unrelated class skips them.
        /// </summary>
        public ImmutableArray<int> Guards { get; }

        /// <summary>
        /// The round trip runs only on a cache miss (<see cref="CacheAside"/>): every round trip the method can reach is
        /// behind a cache lookup, a memoised field or a GetOrCreate factory, at some level of the chain.
        /// </summary>
        public bool OnCacheMiss { get; }

        /// <summary>"AuthorRepository.Get", ..., "FirstOrDefault": the methods entered after the summarized one, then the round trip.</summary>
        public ImmutableArray<string> Chain { get; }

        public RoundTrip? RoundTrip { get; }

        public bool PerformsRoundTrip => RoundTrip is not null;

        /// <summary>Number of further calls between the summarized method and the round trip.</summary>
        public int Depth => Math.Max(0, Chain.Length - 1);
    }

    /// <summary>
    /// Per-compilation answers to "does calling this source method perform a database round trip, and through which
    /// calls?". Follows calls to source methods up to <see cref="MaxFurtherCalls"/> levels below the called method,
    /// through interface methods with one implementation and virtual/abstract methods with one override in the
    /// compilation. Cached per method and budget, the same answer whatever was asked first (a method's calls to itself are not
    /// followed; a cycle through other methods ends with the budget).
    /// Round trips the callee makes only in catch/finally blocks, inside expression trees, in callbacks run at an unknown
    /// time, or as batch/page queries (Skip/Take, Contains over keys) do not count; round trips in the callee's own loops do.
    /// </summary>
    internal sealed class RoundTripSummaries
    {
        /// <summary>The called method plus up to three further calls.</summary>
        public const int MaxFurtherCalls = 3;

        private readonly EfCompilation _ef;
        private readonly Compilation _compilation;
        private readonly ConcurrentDictionary<IMethodSymbol, Answer?[]> _cache = new ConcurrentDictionary<IMethodSymbol, Answer?[]>(SymbolEqualityComparer.Default);
        private readonly Lazy<ImplementationMap> _implementations;
        private readonly Lazy<Dictionary<string, List<IMethodSymbol>>> _methodsByName;

        public RoundTripSummaries(EfCompilation ef, Compilation compilation)
        {
            _ef = ef;
            _compilation = compilation;
            _implementations = new Lazy<ImplementationMap>(() => ImplementationMap.Build(compilation), LazyThreadSafetyMode.ExecutionAndPublication);
            _methodsByName = new Lazy<Dictionary<string, List<IMethodSymbol>>>(() => SourceMethodsByName(compilation), LazyThreadSafetyMode.ExecutionAndPublication);
        }

        /// <summary>The summary for calling <paramref name="method"/> (resolving interface/abstract methods to their one implementation).</summary>
        public RoundTripSummary Get(IMethodSymbol method, CancellationToken cancellationToken)
            => Summarize(method, MaxFurtherCalls, new Trace(null, MaxFurtherCalls), cancellationToken);

        /// <summary>
        /// The summary for <paramref name="invocation"/>, resolving the call through its receiver's static type first
        /// (<see cref="CallTargets"/>), then through the called method's one implementation in the compilation.
        /// </summary>
        public RoundTripSummary Get(IInvocationOperation invocation, CancellationToken cancellationToken)
            => Summarize(invocation, MaxFurtherCalls, new Trace(null, MaxFurtherCalls), cancellationToken, out _);

        /// <summary>As <see cref="Get(IInvocationOperation, CancellationToken)"/>, with the method whose body was summarized (a handler for a dispatch).</summary>
        public RoundTripSummary Get(IInvocationOperation invocation, CancellationToken cancellationToken, out IMethodSymbol? target)
            => Summarize(invocation, MaxFurtherCalls, new Trace(null, MaxFurtherCalls), cancellationToken, out target);

        /// <summary>A call that may dispatch a request to a handler of this compilation (<see cref="RequestDispatch"/>): worth summarizing although its target is not in source.</summary>
        public bool MayDispatch(IMethodSymbol method) => RequestDispatch.IsDispatchName(method) && _ef.Symbols.SourceTypes.Dispatch.HasHandlers;

        /// <summary>The method whose body runs for <paramref name="invocation"/> (as a member of its constructed type), or null when unknown or ambiguous.</summary>
        public IMethodSymbol? ResolveTarget(IInvocationOperation invocation)
            => CallTargets.RunsForNoImplementation(invocation, _ef.Symbols.SourceTypes)
                ? null
                : CallTargets.ResolveThroughReceiver(invocation, _ef.Symbols.SourceTypes) ?? ResolveTarget(invocation.TargetMethod);

        /// <summary>The method whose body runs when <paramref name="method"/> is called, or null when unknown or ambiguous.</summary>
        public IMethodSymbol? ResolveTarget(IMethodSymbol method)
        {
            method = method.OriginalDefinition;
            if (method.ContainingType?.TypeKind == TypeKind.Interface || method.IsAbstract)
            {
                var implementations = Implementations(method);
                return implementations.Length == 1 ? implementations[0] : null;
            }

            return method;
        }

        /// <summary>
        /// The methods in source that may run instead of <paramref name="method"/> when it is called: an interface method's
        /// implementations, an abstract or virtual method's overrides (its original definition; one level of overrides).
        /// </summary>
        public ImmutableArray<IMethodSymbol> Implementations(IMethodSymbol method) => _implementations.Value.Get(method);

        /// <summary>"AuthorRepository.Get", or "Repository&lt;Order, Guid&gt;.GetByIdAsync" for a method inherited from a generic base.</summary>
        public string DisplayName(IMethodSymbol method)
        {
            if (method.MethodKind == MethodKind.LocalFunction || method.ContainingType is not { } type)
            {
                return method.Name;
            }

            var typeName = type.IsGenericType && !SymbolEqualityComparer.Default.Equals(type, type.OriginalDefinition)
                ? type.Name + "<" + string.Join(", ", type.TypeArguments.Select(a => a.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat))) + ">"
                : type.Name;
            return typeName + "." + method.Name;
        }

        private RoundTripSummary Summarize(IInvocationOperation call, int budget, Trace trace, CancellationToken cancellationToken, out IMethodSymbol? target)
        {
            if (CallTargets.RunsForNoImplementation(call, _ef.Symbols.SourceTypes))
            {
                target = null;
                return RoundTripSummary.None;
            }

            var throughReceiver = CallTargets.ResolveThroughReceiver(call, _ef.Symbols.SourceTypes);
            if (throughReceiver is not null)
            {
                target = throughReceiver;
                var summary = SummarizeBody(throughReceiver.OriginalDefinition, budget, trace, cancellationToken);
                if (summary.PerformsRoundTrip && summary.Depth <= budget && !PassesFalseGuard(summary, call) || !MayDispatch(call.TargetMethod))
                {
                    return summary.PerformsRoundTrip && summary.Depth <= budget && !PassesFalseGuard(summary, call) ? summary : RoundTripSummary.None;
                }

                // A home-grown dispatcher (Sender.Send looks the handler up in a dictionary): its body shows no round trip,
                // the handler of the request does.
                foreach (var handler in _ef.Symbols.SourceTypes.Dispatch.HandlersOf(call))
                {
                    var handled = SummarizeBody(handler.OriginalDefinition, budget, trace, cancellationToken);
                    if (handled.PerformsRoundTrip && handled.Depth <= budget)
                    {
                        target = handler;
                        return handled.WithoutParameterFacts();
                    }
                }

                return RoundTripSummary.None;
            }

            // A delegate held in a local: the lambdas or method groups assigned to it run.
            if (DelegateTargets.TryResolve(call, out var delegates, out _))
            {
                target = null;
                foreach (var runs in delegates)
                {
                    RoundTripSummary summary;
                    if (runs.Lambda is { } lambda)
                    {
                        summary = ComputeBody(lambda.Body, lambda, budget, trace, cancellationToken);
                    }
                    else
                    {
                        summary = Summarize(runs.Method!, budget, trace, cancellationToken);
                        if (summary.PerformsRoundTrip)
                        {
                            summary = summary.WithChain(summary.Chain.Insert(0, DisplayName(ResolveTarget(runs.Method!) ?? runs.Method!)), ImmutableArray<int>.Empty);
                        }
                    }

                    if (summary.PerformsRoundTrip && summary.Depth <= budget)
                    {
                        return summary.WithoutParameterFacts();
                    }
                }

                return RoundTripSummary.None;
            }

            // A request sent to (or a notification published to) handlers of this compilation: the handler's body runs.
            foreach (var handler in _ef.Symbols.SourceTypes.Dispatch.HandlersOf(call))
            {
                var summary = SummarizeBody(handler.OriginalDefinition, budget, trace, cancellationToken);
                if (summary.PerformsRoundTrip && summary.Depth <= budget)
                {
                    target = handler;
                    return summary.WithoutParameterFacts();
                }
            }

            target = ResolveTarget(call.TargetMethod);
            var called = Summarize(call.TargetMethod, budget, trace, cancellationToken);
            return PassesFalseGuard(called, call) ? RoundTripSummary.None : called;
        }

        /// <summary>
        /// The call passes a constant <c>false</c> (written, or the default of an omitted optional parameter) for a parameter that
        /// guards every round trip of the called method (<see cref="RoundTripSummary.Guards"/>): none of them runs. Only for a call
        /// whose arguments are the summarized method's parameters (the method itself, its implementation or override); not for
        /// delegates or dispatched requests.
        /// </summary>
        private bool PassesFalseGuard(RoundTripSummary summary, IInvocationOperation call)
        {
            foreach (var guard in summary.Guards)
            {
                if (guard >= TypeGuards.Base)
                {
                    if (_typeGuards.Decode(guard, out var typeOrdinal, out var type) && PassesOtherType(call, typeOrdinal, type))
                    {
                        return true;
                    }

                    continue;
                }

                var ordinal = guard;
                foreach (var argument in call.Arguments)
                {
                    if (argument.Parameter is { } parameter && parameter.Ordinal == ordinal
                        && parameter.Type.SpecialType == SpecialType.System_Boolean
                        && argument.Value.ConstantValue is { HasValue: true, Value: false })
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>
        /// The call passes, for a parameter every round trip needs to be of type <paramref name="type"/> (<c>if (p is string
        /// code) { .. }</c>), a value that cannot be one: <c>null</c> (written, or an omitted optional parameter's default), or
        /// a value whose static type is a class or struct neither derived from <paramref name="type"/> nor a base of it
        /// (Smartstore's <c>CreateMoney(amount, primaryCurrency)</c>, whose query runs only for a currency code string).
        /// </summary>
        private static bool PassesOtherType(IInvocationOperation call, int ordinal, ITypeSymbol type)
        {
            foreach (var argument in call.Arguments)
            {
                if (argument.Parameter is not { } parameter || parameter.Ordinal != ordinal)
                {
                    continue;
                }

                var value = argument.Value.WalkDownConversions();
                if (value.ConstantValue is { HasValue: true, Value: null })
                {
                    return true;
                }

                // A Nullable<T> boxes to its T: an int? can be an int.
                return value.Type is INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Struct } given
                       && given.OriginalDefinition.SpecialType != SpecialType.System_Nullable_T
                       && type is INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Struct } wanted
                       && !DerivesFrom(given, wanted) && !DerivesFrom(wanted, given);
            }

            return false;
        }

        private static bool DerivesFrom(ITypeSymbol type, ITypeSymbol baseType)
        {
            for (var current = type; current is not null; current = current.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, baseType.OriginalDefinition))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// Type guards share the guard ordinals' set (<see cref="RoundTripSummary.Guards"/>): a guard at or above
        /// <see cref="Base"/> is "parameter <c>guard % Base</c> is of the type registered as <c>guard / Base - 1</c>".
        /// </summary>
        internal sealed class TypeGuards
        {
            public const int Base = 1000;
            private readonly System.Collections.Concurrent.ConcurrentDictionary<ITypeSymbol, int> _ids = new(SymbolEqualityComparer.Default);
            private readonly System.Collections.Concurrent.ConcurrentDictionary<int, ITypeSymbol> _types = new();

            public int Encode(int ordinal, ITypeSymbol type)
            {
                var id = _ids.GetOrAdd(type, t =>
                {
                    lock (_types)
                    {
                        var next = _types.Count;
                        _types[next] = t;
                        return next;
                    }
                });
                return (id + 1) * Base + ordinal;
            }

            public bool Decode(int guard, out int ordinal, out ITypeSymbol type)
            {
                ordinal = guard % Base;
                return _types.TryGetValue(guard / Base - 1, out type!);
            }
        }

        private readonly TypeGuards _typeGuards = new TypeGuards();

        private RoundTripSummary Summarize(IMethodSymbol called, int budget, Trace trace, CancellationToken cancellationToken)
        {
            var target = ResolveTarget(called);
            if (target is null)
            {
                return RoundTripSummary.None;
            }

            var summary = SummarizeBody(target, budget, trace, cancellationToken);
            if (!summary.PerformsRoundTrip && (target.IsVirtual || target.IsOverride) && !target.IsSealed)
            {
                // A virtual method with exactly one override: its override may run instead.
                var overrides = _implementations.Value.Get(target);
                if (overrides.Length == 1)
                {
                    summary = SummarizeBody(overrides[0], budget, trace, cancellationToken);
                }
            }

            return summary.PerformsRoundTrip && summary.Depth <= budget ? summary : RoundTripSummary.None;
        }

        /// <summary>
        /// The shortest chain from this method's body to a round trip, within <paramref name="budget"/> further calls. The answer
        /// is a function of the method and the budget alone, whatever was asked before (issue 14: an answer cached for a method
        /// while a caller was being summarized, or with a caller's smaller budget, was returned when the method itself was
        /// asked, so a rule's findings depended on which rule asked first). A call of a method to itself is not followed; a
        /// cycle through other methods ends when the budget does. An answer is cached for the budgets it holds for: every
        /// budget from the depth its walk reached when no call was left unfollowed at budget 0, else its own budget only.
        /// </summary>
        private RoundTripSummary SummarizeBody(IMethodSymbol method, int budget, Trace trace, CancellationToken cancellationToken)
        {
            if (trace.Owner is { } caller && SymbolEqualityComparer.Default.Equals(caller, method))
            {
                return RoundTripSummary.None;
            }

            if (!method.Locations.Any(l => l.IsInSource))
            {
                return RoundTripSummary.None;
            }

            var answers = _cache.GetOrAdd(method, _ => new Answer?[MaxFurtherCalls + 1]);
            if (Volatile.Read(ref answers[budget]) is { } known)
            {
                trace.Reached(budget - known.Height, known.Cut);
                return known.Summary;
            }

            if (Readable(method, cancellationToken) is not null && MayReachWithin(method, budget, cancellationToken) is (false, var complete))
            {
                if (complete)
                {
                    // Whatever the budget: neither the body nor any method it names has anything a chain could start from.
                    var none = new Answer(RoundTripSummary.None, 0, cut: false);
                    for (var b = 0; b <= MaxFurtherCalls; b++)
                    {
                        Volatile.Write(ref answers[b], none);
                    }
                }
                else
                {
                    // Not within this budget: as for calls left unfollowed at budget 0, the answer holds for this budget only.
                    Volatile.Write(ref answers[budget], new Answer(RoundTripSummary.None, 0, cut: true));
                    trace.Reached(0, cut: true);
                }

                return RoundTripSummary.None;
            }

            var own = new Trace(method, budget);
            var result = Compute(method, budget, own, cancellationToken);
            var answer = new Answer(result, budget - own.Lowest, own.Cut);
            for (var b = answer.Cut ? budget : answer.Height; b <= (answer.Cut ? budget : MaxFurtherCalls); b++)
            {
                Volatile.Write(ref answers[b], answer);
            }

            trace.Reached(own.Lowest, own.Cut);
            return result;
        }

        /// <summary>A method's summary for a budget, with what it was computed from (<see cref="Trace"/>).</summary>
        private sealed class Answer
        {
            public Answer(RoundTripSummary summary, int height, bool cut)
            {
                Summary = summary;
                Height = height;
                Cut = cut;
            }

            public RoundTripSummary Summary { get; }

            /// <summary>How many levels of calls below the method the walk went.</summary>
            public int Height { get; }

            /// <summary>A body at budget 0 had calls left unfollowed: the answer holds for its own budget only.</summary>
            public bool Cut { get; }
        }

        /// <summary>
        /// The walk behind one method's summary: the method whose body is walked (its calls to itself are not followed), the
        /// lowest budget any body under it was walked with, and whether a body at budget 0 had calls left unfollowed.
        /// </summary>
        private sealed class Trace
        {
            public Trace(IMethodSymbol? owner, int budget)
            {
                Owner = owner;
                Lowest = budget;
            }

            public IMethodSymbol? Owner { get; }

            public int Lowest { get; private set; }

            public bool Cut { get; private set; }

            public void Reached(int budget, bool cut)
            {
                Lowest = Math.Min(Lowest, budget);
                Cut |= cut;
            }
        }

        /// <summary>
        /// Whether the body of <paramref name="method"/> can lead to a round trip within <see cref="MaxFurtherCalls"/> further
        /// calls, read from syntax before any body is bound (issue 14: a helper called in a loop, a log writer, a cache-key
        /// formatter, was bound only to find no round trip in it; then a mapper that calls only such helpers). True when the
        /// declaration has a name, outside a type, that a round trip has (<see cref="EfCompilation.MayBeRoundTrip"/>) or that a
        /// dispatch has (<see cref="RequestDispatch.IsDispatchName(string)"/>), a <c>foreach</c> (over a query), a constructor
        /// initializer (<c>: base(..)</c>, a call without a name) or a query expression; or when it names a method declared in
        /// source (a call, or a method group given to a delegate local) that can within one call less, by the same test. A call
        /// the syntax does not name counts as its name: a collection initializer's <c>Add</c>, an interpolated string handler's
        /// <c>Append*</c>. A delegate local runs the lambdas and method groups its own body assigns to it, whose names are in
        /// the declaration too. A declaration it cannot read (several or none, another kind) answers true, and the body is
        /// bound as before (it has no body to summarize: as a callee, it reaches nothing).
        /// </summary>
        internal bool MayReachRoundTrip(IMethodSymbol method, CancellationToken cancellationToken)
            => Readable(method, cancellationToken) is null || MayReachWithin(method, MaxFurtherCalls, cancellationToken).Reaches;

        /// <summary>
        /// Whether a chain from <paramref name="method"/>'s body can reach a round trip within <paramref name="budget"/> further
        /// calls, by the names its syntax shows (<see cref="Shows"/>): its own syntax starts one, or it names a source method
        /// that can within one call less. Complete when the answer holds for any budget (no name was left unfollowed).
        /// </summary>
        private (bool Reaches, bool Complete) MayReachWithin(IMethodSymbol method, int budget, CancellationToken cancellationToken)
        {
            var key = (method, budget);
            if (_mayReach.TryGetValue(key, out var known))
            {
                return known;
            }

            var shows = _shows.GetOrAdd(method, m => Shows(m, cancellationToken));
            (bool, bool) answer;
            if (shows.Starts)
            {
                answer = (true, true);
            }
            else if (shows.Callees.Count == 0)
            {
                answer = (false, true);
            }
            else if (budget == 0)
            {
                answer = (false, false);
            }
            else
            {
                answer = (false, true);
                foreach (var name in shows.Callees)
                {
                    foreach (var callee in MethodsNamed(name))
                    {
                        var (reaches, complete) = MayReachWithin(callee, budget - 1, cancellationToken);
                        if (reaches)
                        {
                            answer = (true, true);
                            goto Done;
                        }

                        answer = (false, answer.Item2 && complete);
                    }
                }
            }

            Done:
            _mayReach.TryAdd(key, answer);
            return answer;
        }

        private readonly ConcurrentDictionary<(IMethodSymbol Method, int Budget), (bool Reaches, bool Complete)> _mayReach =
            new ConcurrentDictionary<(IMethodSymbol Method, int Budget), (bool Reaches, bool Complete)>(new MethodAndBudgetComparer());

        private readonly ConcurrentDictionary<IMethodSymbol, SyntaxShows> _shows = new ConcurrentDictionary<IMethodSymbol, SyntaxShows>(SymbolEqualityComparer.Default);

        private sealed class MethodAndBudgetComparer : IEqualityComparer<(IMethodSymbol Method, int Budget)>
        {
            public bool Equals((IMethodSymbol Method, int Budget) x, (IMethodSymbol Method, int Budget) y)
                => x.Budget == y.Budget && SymbolEqualityComparer.Default.Equals(x.Method, y.Method);

            public int GetHashCode((IMethodSymbol Method, int Budget) obj)
                => SymbolEqualityComparer.Default.GetHashCode(obj.Method) * 31 + obj.Budget;
        }

        /// <summary>The declaration whose body <see cref="SourceBodies.GetBody"/> would bind, or null (then no body is summarized).</summary>
        private static SyntaxNode? Readable(IMethodSymbol method, CancellationToken cancellationToken)
        {
            if (method.DeclaringSyntaxReferences.Length != 1)
            {
                return null;
            }

            var declaration = method.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken);
            return declaration is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or LocalFunctionStatementSyntax or ArrowExpressionClauseSyntax
                ? declaration
                : null;
        }

        /// <summary>The names a call of <paramref name="method"/> has: its own, and an explicit interface implementation's member name.</summary>
        private static IEnumerable<string> OwnNames(IMethodSymbol method)
        {
            yield return method.Name;
            var dot = method.Name.LastIndexOf('.');
            if (dot >= 0)
            {
                yield return method.Name.Substring(dot + 1);
            }
        }

        /// <summary>What a method's syntax shows: a chain can start in it, or the names of the source methods it may call.</summary>
        private sealed class SyntaxShows
        {
            public static readonly SyntaxShows Start = new SyntaxShows(true, new HashSet<string>());
            public static readonly SyntaxShows Nothing = new SyntaxShows(false, new HashSet<string>());

            public SyntaxShows(bool starts, HashSet<string> callees)
            {
                Starts = starts;
                Callees = callees;
            }

            public bool Starts { get; }

            public HashSet<string> Callees { get; }
        }

        /// <summary>
        /// What the declaration of <paramref name="method"/> shows: a chain starts in it (a name a round trip or a dispatch
        /// has, a <c>foreach</c>, a constructor initializer, a query expression), or the names of the source methods it may
        /// call (a collection initializer calls <c>Add</c>, an interpolated string handler <c>Append*</c>). A declaration
        /// that is not read has no body to summarize: nothing.
        /// </summary>
        private SyntaxShows Shows(IMethodSymbol method, CancellationToken cancellationToken)
        {
            if (Readable(method, cancellationToken) is not { } declaration || method.IsAbstract)
            {
                return SyntaxShows.Nothing;
            }

            var sourceNames = _methodsByName.Value;
            var callees = new HashSet<string>(StringComparer.Ordinal);
            foreach (var node in declaration.DescendantNodes())
            {
                switch (node)
                {
                    case SimpleNameSyntax name when !SyntaxFacts.IsInTypeOnlyContext(name):
                        var text = name.Identifier.ValueText;
                        if (EfCompilation.MayBeRoundTrip(text) || RequestDispatch.IsDispatchName(text))
                        {
                            return SyntaxShows.Start;
                        }

                        if (sourceNames.ContainsKey(text))
                        {
                            callees.Add(text);
                        }

                        break;
                    case CommonForEachStatementSyntax:
                    case ConstructorInitializerSyntax:
                    case QueryExpressionSyntax:
                        return SyntaxShows.Start;
                    case InitializerExpressionSyntax initializer when initializer.IsKind(SyntaxKind.CollectionInitializerExpression) && sourceNames.ContainsKey("Add"):
                        callees.Add("Add");
                        break;
                    case InterpolatedStringExpressionSyntax:
                        foreach (var append in new[] { "AppendLiteral", "AppendFormatted" })
                        {
                            if (sourceNames.ContainsKey(append))
                            {
                                callees.Add(append);
                            }
                        }

                        break;
                }
            }

            return callees.Count == 0 ? SyntaxShows.Nothing : new SyntaxShows(false, callees);
        }

        /// <summary>The source methods a call of this name may run (<see cref="SourceBodies.DeclaredMethods"/>, by <see cref="OwnNames"/>).</summary>
        private IReadOnlyList<IMethodSymbol> MethodsNamed(string name)
            => _methodsByName.Value.TryGetValue(name, out var methods) ? methods : Array.Empty<IMethodSymbol>();

        /// <summary>
        /// The methods declared in source types by the names a call of them has (an explicit interface implementation also
        /// under its interface member's name): a call whose name is none of these cannot run a source body.
        /// </summary>
        private static Dictionary<string, List<IMethodSymbol>> SourceMethodsByName(Compilation compilation)
        {
            var byName = new Dictionary<string, List<IMethodSymbol>>(StringComparer.Ordinal);
            foreach (var method in SourceBodies.DeclaredMethods(compilation))
            {
                foreach (var name in OwnNames(method))
                {
                    if (!byName.TryGetValue(name, out var list))
                    {
                        byName[name] = list = new List<IMethodSymbol>();
                    }

                    list.Add((IMethodSymbol)method.OriginalDefinition);
                }
            }

            return byName;
        }

        private RoundTripSummary Compute(IMethodSymbol method, int budget, Trace trace, CancellationToken cancellationToken)
        {
            var body = SourceBodies.GetBody(_compilation, method, cancellationToken);
            if (body is null)
            {
                return RoundTripSummary.None;
            }

            return ComputeBody(body, null, budget, trace, cancellationToken, method);
        }

        /// <summary>
        /// The shortest chain from <paramref name="body"/> to a round trip; <paramref name="boundary"/> is the lambda whose body
        /// this is, if any; <paramref name="owner"/> the method whose body this is, if any (its bool parameters can guard the round trips).
        /// </summary>
        private RoundTripSummary ComputeBody(IOperation body, IOperation? boundary, int budget, Trace trace, CancellationToken cancellationToken, IMethodSymbol? owner = null)
        {
            // A round trip that always runs wins over one that runs only on a cache miss; among equals, the shortest chain.
            // Guards (owner's bool parameters every round trip needs true) are intersected over all round trips (for an
            // unexempt result, over the unexempt ones), so a direct round trip ends the walk only once no guard is left.
            RoundTripSummary? direct = null;
            RoundTripSummary? best = null;
            RoundTripSummary? exempt = null;
            RoundTripSummary? job = null;

            // Where the jobs' loops run (AddJobBranch): a job whose loop runs on every path wins over any chain; jobs whose
            // loops all run on one branch only win only over the unexempt round trips on their branches.
            var jobOnEveryPath = false;
            var jobBranches = new List<TextSpan>();
            var unexempt = new List<(IOperation At, RoundTripSummary Summary)>();
            var guards = owner is null ? null : new GuardFinder(owner, body, _typeGuards);
            HashSet<int>? common = guards is null ? new HashSet<int>() : null;

            // The same over the round trips no exemption covers: a guarded query next to a cached look-up (Smartstore's
            // GetLocalizedValue: FindById only for a language id, the localized value from a cache segment) is guarded, since
            // a call that passes a Language object reaches only the cache.
            HashSet<int>? commonUnexempt = guards is null ? new HashSet<int>() : null;
            var calls = new List<(IInvocationOperation Call, bool OnMiss)>();

            // Identity-map look-ups (IdentityLookups): the owner's parameters the keys of every unexempt round trip come from,
            // or null once one is not such a look-up.
            var identityKeys = new HashSet<int>();

            // Explicit loads of navigations of entities the caller passes (ExplicitLoads), or null once a round trip is not one.
            List<LoadedNavigation>? loads = new List<LoadedNavigation>();
            trace.Reached(budget, cut: false);
            foreach (var op in body.DescendantsAndSelf())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (op is not IInvocationOperation && op is not IForEachLoopOperation)
                {
                    continue;
                }

                var runs = RunsWhenCalled(op, boundary);
                if (runs == Runs.Never)
                {
                    continue;
                }

                var isOnMiss = runs == Runs.OnCacheMiss || CacheAside.IsOnMiss(op, body);
                if (_ef.TryGetRoundTrip(op, out var roundTrip, cancellationToken))
                {
                    if (!LoopExemptions.IsBatchQuery(roundTrip.Query))
                    {
                        var inOwnLoop = !isOnMiss && IsReportedInOwnLoop(op, body, null, cancellationToken);
                        var found = new RoundTripSummary(ImmutableArray.Create(roundTrip.OperationName), roundTrip, isOnMiss, inOwnLoop: inOwnLoop);
                        common = Intersect(common, guards, op);
                        if (found.InOwnLoop)
                        {
                            job ??= found;
                            AddJobBranch(op, body, null, ref jobOnEveryPath, jobBranches, cancellationToken);
                        }

                        if (!found.IsExempt)
                        {
                            direct ??= found;
                            unexempt.Add((op, found));
                            commonUnexempt = Intersect(commonUnexempt, guards, op);
                            identityKeys = UnionKeys(identityKeys, IdentityLookups.KeysOf(_ef, op, roundTrip, body) is { IsDefault: false } keys
                                ? IdentityLookups.ParametersOf(_ef.Symbols, keys, owner, body)
                                : null);
                            loads = UnionLoads(loads, loads is null ? null : ExplicitLoads.OfRoundTrip(_ef, roundTrip, body, owner));
                        }
                        else
                        {
                            exempt ??= found;
                        }
                    }

                    continue;
                }

                // A log call is logging, whatever its sink does (a logger that writes a log table reaches SaveChanges through
                // every call): a method is not a data method because it logs (LoggingCalls; EFP104 reason LoggingCall).
                if (op is IInvocationOperation logging && LoggingCalls.IsLoggingCall(logging.TargetMethod))
                {
                    continue;
                }

                if (op is IInvocationOperation invocation && invocation.TargetMethod.Locations.Any(l => l.IsInSource)
                    || op is IInvocationOperation { TargetMethod.ContainingType.TypeKind: TypeKind.Interface } or IInvocationOperation { TargetMethod.IsAbstract: true }
                    || op is IInvocationOperation dispatch && MayDispatch(dispatch.TargetMethod)
                    || op is IInvocationOperation { TargetMethod.MethodKind: MethodKind.DelegateInvoke })
                {
                    calls.Add(((IInvocationOperation)op, isOnMiss));
                }
            }

            if (budget > 0)
            {
                foreach (var (call, callOnMiss) in calls)
                {
                    if (job is not null && jobOnEveryPath && (common is null || common.Count == 0 || common.IsSubsetOf(guards!.Of(call))))
                    {
                        // The method is a job already, with its loop on every path (it wins over any chain); this call could
                        // only narrow guards that are already settled. Without such a job, every call is summarized: one of them
                        // may be the job's loop, or a round trip on a path without the loops of the jobs found so far.
                        continue;
                    }

                    var inner = Summarize(call, budget - 1, trace, cancellationToken, out var ran);
                    if (!inner.PerformsRoundTrip)
                    {
                        continue;
                    }

                    common = Intersect(common, guards, call);
                    var label = call.TargetMethod.MethodKind == MethodKind.DelegateInvoke && DelegateTargets.TryResolve(call, out _, out var local)
                        ? local
                        : DisplayName(ran ?? call.TargetMethod);
                    var onMiss = inner.OnCacheMiss || callOnMiss;
                    var ownScope = inner.OwnScope || (!onMiss && UnitOfWork.RunsInOwnScope(_ef, call, body));
                    var inLoop = inner.InOwnLoop || (!onMiss && !ownScope && IsReportedInOwnLoop(call, body, inner, cancellationToken));
                    var candidate = new RoundTripSummary(inner.Chain.Insert(0, label), inner.RoundTrip, onMiss, ownScope: ownScope, inOwnLoop: inLoop);
                    if (!candidate.IsExempt)
                    {
                        unexempt.Add((call, candidate));
                        commonUnexempt = Intersect(commonUnexempt, guards, call);
                        identityKeys = UnionKeys(identityKeys, inner.IdentityKeys.IsDefault ? null : IdentityLookups.ParametersOf(_ef.Symbols, call, inner.IdentityKeys, owner, body));
                        loads = UnionLoads(loads, loads is null || inner.ExplicitLoads.IsDefault ? null : ExplicitLoads.ThroughCall(_ef, call, inner.ExplicitLoads, body, owner));
                    }

                    if (candidate.InOwnLoop)
                    {
                        AddJobBranch(call, body, inner, ref jobOnEveryPath, jobBranches, cancellationToken);
                        if (job is null || candidate.Depth < job.Depth)
                        {
                            job = candidate;
                        }
                    }

                    if (direct is not null)
                    {
                        continue;
                    }

                    if (candidate.IsExempt)
                    {
                        if (exempt is null || candidate.Depth < exempt.Depth)
                        {
                            exempt = candidate;
                        }
                    }
                    else if (best is null || candidate.Depth < best.Depth)
                    {
                        best = candidate;
                    }
                }
            }
            else if (calls.Count > 0)
            {
                // Calls left unfollowed: with a larger budget, one of them may lead to a round trip.
                trace.Reached(0, cut: true);
            }

            // A job (round trips per item of its own loop over external items, reported there) is a job whatever it also
            // runs once per call (a preload, a cleanup): those few are not what makes a caller's loop over jobs cost. Unless
            // its loop runs on one branch only: a round trip on a path without the loop (the other arm, or before an 'if'
            // the loop is in) runs per call, as in a method with no loop (Smartstore's AdjustInventoryAsync(orderItem):
            // a loop over a bundle's items, and a product update per call for every other product).
            var result = job is not null && !jobOnEveryPath
                ? OffTheJobsPaths(unexempt, jobBranches) ?? job.OnBranch()
                : job ?? direct ?? best ?? exempt ?? RoundTripSummary.None;
            if (result.PerformsRoundTrip && !result.IsExempt && identityKeys is not null)
            {
                result = result.WithIdentityKeys(identityKeys.OrderBy(o => o).ToImmutableArray());
            }

            if (result.PerformsRoundTrip && !result.IsExempt && loads is { Count: > 0 })
            {
                result = result.WithExplicitLoads(loads.ToImmutableArray());
            }

            var settled = result.IsExempt ? common : commonUnexempt;
            return result.PerformsRoundTrip && settled is { Count: > 0 }
                ? result.WithChain(result.Chain, settled.OrderBy(o => o).ToImmutableArray())
                : result;
        }

        /// <summary>
        /// The shortest of the <paramref name="unexempt"/> round trips (a direct one first) that runs on none of the jobs'
        /// branches, or null when each runs on a path through some job's loop.
        /// </summary>
        private static RoundTripSummary? OffTheJobsPaths(List<(IOperation At, RoundTripSummary Summary)> unexempt, List<TextSpan> jobBranches)
        {
            RoundTripSummary? shortest = null;
            foreach (var (at, summary) in unexempt)
            {
                if ((shortest is null || summary.Depth < shortest.Depth) && !jobBranches.Any(branch => Branches.Contains(branch, at)))
                {
                    shortest = summary;
                }
            }

            return shortest;
        }

        /// <summary>
        /// Where the job found at <paramref name="at"/> (a round trip, or a call summarized as <paramref name="through"/>) has
        /// its loop: on every path through <paramref name="body"/> (<paramref name="onEveryPath"/>), or on one branch
        /// (<see cref="Branches.Innermost"/> of the outermost loop of the body around it; for a call into a job whose own loop is
        /// on a branch, only the call itself). Conditions that only test what the loop iterates, or test for null, do not
        /// choose a path: <c>if (items.Count == 0) return;</c>, <c>if (blog == null) return;</c>.
        /// </summary>
        private void AddJobBranch(IOperation at, IOperation body, RoundTripSummary? through, ref bool onEveryPath, List<TextSpan> branches, CancellationToken cancellationToken)
        {
            if (onEveryPath)
            {
                return;
            }

            if (through is { OwnLoopOnBranch: true })
            {
                branches.Add(at.Syntax.Span);
                return;
            }

            // The outermost loop of the body around it: a condition inside that loop is about one item, not about the call.
            var anchor = at;
            EnclosingLoop? outermost = null;
            while (_ef.Loops.FindEnclosingLoop(anchor) is { } placement && placement.Loop.Loop.IsDescendantOf(body))
            {
                cancellationToken.ThrowIfCancellationRequested();
                outermost = placement.Loop;
                anchor = outermost.Loop;
            }

            // A loop whose collection does not bind is no EnclosingLoop (InUnboundLoopOverExternalItems): its statement.
            for (var current = anchor.Parent; current is not null && current != body; current = current.Parent)
            {
                if (current is IForEachLoopOperation unbound && unbound.Collection.IsUnbound())
                {
                    anchor = unbound;
                }
            }

            // What the loop iterates (for a call into a job, what the call is given): a condition that reads only that is
            // about whether there is anything to iterate (items.Count > 0, Directory.Exists(path) before GetFiles(path)).
            // Members of a collection or argument that is itself a local, parameter, field or property count (items.Count);
            // of a value a collection is computed from only that value (not blog.IsArchived before BundleOf(blog)).
            var whole = new List<ImmutableArray<ISymbol>>();
            var exact = new List<ImmutableArray<ISymbol>>();
            var given = anchor is IForEachLoopOperation forEach ? new[] { forEach.Collection }
                : outermost?.Source is { } source ? new[] { source }
                : outermost is null && at is IInvocationOperation call ? call.Arguments.Select(a => a.Value).Append(call.Instance).OfType<IOperation>()
                : Enumerable.Empty<IOperation>();
            foreach (var value in given)
            {
                exact.AddRange(AccessPaths(value));
                if (PathOf(value) is { IsDefault: false } path)
                {
                    whole.Add(path);
                }
            }

            // A local the loop reads stands for what it was declared with (var files = folder.Files.ToList(); then
            // if (folder.Files.Any()) tests the same collection), one level deep.
            var index = BodyIndex.Of(body);
            foreach (var read in exact.ToArray())
            {
                if (read[0] is ILocalSymbol local && index.Writes(local) is { Count: 1 } writes
                    && writes[0] is IVariableDeclaratorOperation { Initializer.Value: { } initial })
                {
                    exact.AddRange(AccessPaths(initial));
                    if (PathOf(initial) is { IsDefault: false } path)
                    {
                        whole.Add(path);
                    }
                }
            }

            bool incidental(IOperation condition)
                => IsNullTest(condition) || AccessPaths(condition).All(read => whole.Any(path => StartsWith(read, path)) || exact.Any(path => read.SequenceEqual(path, SymbolEqualityComparer.Default)));

            if (Branches.Innermost(anchor, body, incidental) is { } branch)
            {
                branches.Add(branch);
            }
            else
            {
                onEveryPath = true;
            }
        }

        /// <summary>The access path (<see cref="AccessPaths"/>) an expression is, when it is nothing but one (<c>items</c>, <c>library.Paths</c>).</summary>
        private static ImmutableArray<ISymbol> PathOf(IOperation value)
        {
            var reference = value.WalkDownConversions();
            return reference is ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation or IPropertyReferenceOperation
                   && AccessPaths(reference) is { Count: 1 } paths
                ? paths[0]
                : default;
        }

        /// <summary>
        /// What an expression reads, as access paths: a local, parameter, field or property (of this instance, or static) or a
        /// method called on this instance, then the fields and properties read from it (<c>blog.Author.Name</c>: blog, Author, Name).
        /// </summary>
        private static List<ImmutableArray<ISymbol>> AccessPaths(IOperation operation)
        {
            var paths = new List<ImmutableArray<ISymbol>>();
            foreach (var op in operation.DescendantsAndSelf())
            {
                ISymbol? root = op switch
                {
                    ILocalReferenceOperation local => local.Local,
                    IParameterReferenceOperation parameter => parameter.Parameter,
                    IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field => field.Field,
                    IPropertyReferenceOperation { Instance: null or IInstanceReferenceOperation } property => property.Property,
                    IInvocationOperation { Instance: IInstanceReferenceOperation } call => call.TargetMethod,
                    _ => null,
                };
                if (root is null)
                {
                    continue;
                }

                var path = ImmutableArray.CreateBuilder<ISymbol>();
                path.Add(root);
                for (var current = op; current != operation && current.Parent is { } parent; current = parent)
                {
                    if (parent is IConversionOperation)
                    {
                        continue;
                    }

                    if (parent is IMemberReferenceOperation member and (IFieldReferenceOperation or IPropertyReferenceOperation) && member.Instance == current)
                    {
                        path.Add(member.Member);
                        continue;
                    }

                    break;
                }

                paths.Add(path.ToImmutable());
            }

            return paths;
        }

        private static bool StartsWith(ImmutableArray<ISymbol> path, ImmutableArray<ISymbol> prefix)
        {
            if (prefix.Length > path.Length)
            {
                return false;
            }

            for (var i = 0; i < prefix.Length; i++)
            {
                if (!SymbolEqualityComparer.Default.Equals(path[i], prefix[i]))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary><c>x == null</c>, <c>x is not null</c>, <c>!(..)</c>, and <c>&amp;&amp;</c>/<c>||</c> of such tests: "is there anything to work on".</summary>
        private static bool IsNullTest(IOperation condition)
        {
            switch (condition.WalkDownConversions())
            {
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                    return IsNullTest(not.Operand);
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr } both:
                    return IsNullTest(both.LeftOperand) && IsNullTest(both.RightOperand);
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } comparison:
                    return comparison.LeftOperand.IsNullConstant() || comparison.RightOperand.IsNullConstant();
                case IIsPatternOperation { Pattern: var pattern }:
                    return IsNullPattern(pattern);
                default:
                    return false;
            }

            static bool IsNullPattern(IPatternOperation pattern) => pattern switch
            {
                IConstantPatternOperation constant => constant.Value.IsNullConstant(),
                INegatedPatternOperation negated => IsNullPattern(negated.Pattern),
                _ => false,
            };
        }

        private static List<LoadedNavigation>? UnionLoads(List<LoadedNavigation>? known, ImmutableArray<LoadedNavigation>? more)
        {
            if (known is null || more is null)
            {
                return null;
            }

            known.AddRange(more.Value);
            return known;
        }

        private static HashSet<int>? UnionKeys(HashSet<int>? known, HashSet<int>? more)
        {
            if (known is null || more is null)
            {
                return null;
            }

            known.UnionWith(more);
            return known;
        }

        /// <summary>
        /// The operation (a round trip, or a call summarized as <paramref name="through"/>) runs per iteration of a loop inside
        /// <paramref name="body"/> over items that cannot be entities of the model (<see cref="EfModel.MayHoldEntities"/>)
        /// and is reported there (no loop exemption applies): the summarized method is a job over its own collection of external
        /// items, whose N+1 is reported in that loop (or which that loop batches) rather than at every caller's loop.
        /// </summary>
        private bool IsReportedInOwnLoop(IOperation operation, IOperation body, RoundTripSummary? through, CancellationToken cancellationToken)
        {
            var placement = _ef.Loops.FindEnclosingLoop(operation);
            if (placement is null)
            {
                return InUnboundLoopOverExternalItems(operation, body, cancellationToken);
            }

            if (!placement.RunsPerIteration || !placement.Loop.Loop.IsDescendantOf(body))
            {
                return false;
            }

            // Only a job over external items (API results, files, messages): when the inner loop iterates entities (a request's
            // child rows), the caller's loop is the level to batch at, and it stays reported.
            // Elements typed object, a common base or an interface of entities may be entities too (model parts, a params array).
            if (placement.Loop.Loop is IForEachLoopOperation { LoopControlVariable: IVariableDeclaratorOperation { Symbol.Type: var element } }
                && (_ef.GetModel(cancellationToken).MayHoldEntities(element) || element.TypeKind == TypeKind.Error))
            {
                return false;
            }

            if (placement.Loop.Kind == LoopKind.PerElementLambda && placement.Loop.Lambda?.Symbol.Parameters.FirstOrDefault()?.Type is { } lambdaElement
                && _ef.GetModel(cancellationToken).MayHoldEntities(lambdaElement))
            {
                return false;
            }

            // Reported in that loop, or batched there (a page saved per pass, a periodic flush): either way the loop is the job's own.
            return LoopExemptions.Why(_ef, operation, placement, default, through, cancellationToken)
                is LoopExemption.None or LoopExemption.BatchLoop or LoopExemption.AccumulatedBatch or LoopExemption.PeriodicBatch;
        }

        /// <summary>
        /// The operation runs in the body of a <c>foreach</c> of <paramref name="body"/> whose collection does not bind (a
        /// library the code uses is not referenced, or the code is half-typed) but whose loop variable is declared with a
        /// type that binds and is not an entity type (<c>foreach (string folder in dirs.Filter(..))</c>). No rule reports in
        /// such a loop (<see cref="LoopAnalysis.FindEnclosingLoop"/> does not judge what it cannot see), but the round trip
        /// still repeats per item there: it is not one the method runs once per call.
        /// </summary>
        private bool InUnboundLoopOverExternalItems(IOperation operation, IOperation body, CancellationToken cancellationToken)
        {
            IOperation child = operation;
            for (var current = operation.Parent; current is not null && current != body; child = current, current = current.Parent)
            {
                switch (current)
                {
                    case IForEachLoopOperation loop when loop.Body == child:
                        return loop.Collection.IsUnbound()
                               && loop.LoopControlVariable is IVariableDeclaratorOperation { Symbol.Type: { TypeKind: not TypeKind.Error } element }
                               && loop.Syntax is ForEachStatementSyntax { Type.IsVar: false }
                               && !_ef.GetModel(cancellationToken).IsDeclaredEntityType(element);
                    case ILoopOperation:
                    case IAnonymousFunctionOperation:
                    case ILocalFunctionOperation:
                        return false;
                }
            }

            return false;
        }

        private static HashSet<int> Intersect(HashSet<int>? common, GuardFinder? guards, IOperation roundTrip)
        {
            if (guards is null)
            {
                return common ?? new HashSet<int>();
            }

            var these = guards.Of(roundTrip);
            if (common is null)
            {
                return these;
            }

            common.IntersectWith(these);
            return common;
        }

        /// <summary>
        /// The operation runs when the method runs normally: not in catch/finally, not in a lambda that is not a
        /// per-element callback (stored delegates, Task.Run, event handlers), not in an expression tree.
        /// </summary>
        private Runs RunsWhenCalled(IOperation operation, IOperation? boundary)
        {
            var result = Runs.Always;
            IOperation child = operation;
            for (var current = operation.Parent; current is not null && current != boundary; child = current, current = current.Parent)
            {
                switch (current)
                {
                    case ICatchClauseOperation:
                        return Runs.Never;
                    case ITryOperation tryOperation when tryOperation.Finally == child:
                        return Runs.Never;
                    case IAnonymousFunctionOperation lambda:
                        if (OperationExtensions.IsExpressionTreeLambda(lambda))
                        {
                            return Runs.Never;
                        }

                        if (_ef.Loops.GetPerElementInvocation(lambda) is null)
                        {
                            // A GetOrCreate/GetOrAdd factory runs on a cache miss; other callbacks at an unknown time.
                            if (!CacheAside.IsOnMiss(child, lambda))
                            {
                                return Runs.Never;
                            }

                            result = Runs.OnCacheMiss;
                        }

                        break;
                    case ILocalFunctionOperation localFunction when IsOnlyCacheFactory(localFunction):
                        // Load(..) passed as the factory of cache.GetAsync(key, Load): it runs on a miss, as the lambda would.
                        result = Runs.OnCacheMiss;
                        break;
                }
            }

            return result;
        }

        /// <summary>
        /// The local function is never called directly, and every method-group reference to it is a cache factory
        /// (looked up by name in the body's <see cref="BodyIndex"/>, not by a walk of the body).
        /// </summary>
        private static bool IsOnlyCacheFactory(ILocalFunctionOperation localFunction)
        {
            var index = BodyIndex.Of(localFunction);
            var name = localFunction.Symbol.Name;
            if (index.Invocations(name).Any(call => SymbolEqualityComparer.Default.Equals(call.TargetMethod.OriginalDefinition, localFunction.Symbol)))
            {
                return false;
            }

            var references = 0;
            foreach (var member in index.MemberReferences(name))
            {
                if (member is not IMethodReferenceOperation reference
                    || !SymbolEqualityComparer.Default.Equals(reference.Method.OriginalDefinition, localFunction.Symbol))
                {
                    continue;
                }

                if (reference.Parent is not IDelegateCreationOperation creation || !CacheAside.IsCacheFactory(creation))
                {
                    return false;
                }

                references++;
            }

            return references > 0;
        }

        private enum Runs
        {
            Never,
            Always,
            OnCacheMiss,
        }

        /// <summary>
        /// Which of a method's own <c>bool</c> parameters must be true for an operation of its body to run: the operation is in
        /// the true branch of <c>if (p)</c> / <c>p ? .. : ..</c> (conditions combined with <c>&amp;&amp;</c>, <c>||</c>, <c>!</c>),
        /// the right operand of <c>p &amp;&amp; ..</c>, or after <c>if (!p) return/throw ..;</c> in an enclosing block. Parameters
        /// the body assigns (or passes by <c>ref</c>/<c>out</c>) never guard. Stops at a local function (it may be called from anywhere).
        /// </summary>
        private sealed class GuardFinder
        {
            private readonly IMethodSymbol _owner;
            private readonly IOperation _body;
            private readonly TypeGuards _typeGuards;
            private HashSet<IParameterSymbol>? _written;

            public GuardFinder(IMethodSymbol owner, IOperation body, TypeGuards typeGuards)
            {
                _owner = owner;
                _body = body;
                _typeGuards = typeGuards;
            }

            public HashSet<int> Of(IOperation operation)
            {
                var result = new HashSet<int>();
                if (!_owner.Parameters.Any(p => p.Type.SpecialType == SpecialType.System_Boolean || p.Type.IsReferenceType))
                {
                    return result;
                }

                IOperation child = operation;
                for (var current = operation.Parent; current is not null; child = current, current = current.Parent)
                {
                    switch (current)
                    {
                        case ILocalFunctionOperation:
                            return result;
                        case IConditionalOperation conditional when conditional.WhenTrue == child:
                            result.UnionWith(Required(conditional.Condition, true));
                            break;
                        case IConditionalOperation conditional when conditional.WhenFalse is not null && conditional.WhenFalse == child:
                            result.UnionWith(Required(conditional.Condition, false));
                            break;
                        case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } both when both.RightOperand == child:
                            result.UnionWith(Required(both.LeftOperand, true));
                            break;
                        case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr } either when either.RightOperand == child:
                            result.UnionWith(Required(either.LeftOperand, false));
                            break;
                        case IBlockOperation block:
                            foreach (var statement in block.Operations)
                            {
                                if (statement == child)
                                {
                                    break;
                                }

                                if (statement is IConditionalOperation { WhenFalse: null } exit && Exits(exit.WhenTrue))
                                {
                                    result.UnionWith(Required(exit.Condition, false));
                                }
                            }

                            break;
                    }

                    if (current == _body)
                    {
                        break;
                    }
                }

                return result;
            }

            /// <summary>The guard parameters that are true whenever <paramref name="condition"/> evaluates to <paramref name="value"/>.</summary>
            private HashSet<int> Required(IOperation condition, bool value)
            {
                switch (condition)
                {
                    case IParameterReferenceOperation reference when value && IsGuard(reference.Parameter):
                        return new HashSet<int> { reference.Parameter.Ordinal };
                    case IIsPatternOperation { Value: var tested } test
                        when value && MatchedType(test.Pattern) is { } declared
                             && tested.WalkDownConversions() is IParameterReferenceOperation reference && IsTypeGuard(reference.Parameter):
                        return new HashSet<int> { _typeGuards.Encode(reference.Parameter.Ordinal, declared) };
                    case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } negation:
                        return Required(negation.Operand, !value);
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } both:
                        return value
                            ? Union(Required(both.LeftOperand, true), Required(both.RightOperand, true))
                            : Intersection(Required(both.LeftOperand, false), Union(Required(both.LeftOperand, true), Required(both.RightOperand, false)));
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr } either:
                        return value
                            ? Intersection(Required(either.LeftOperand, true), Union(Required(either.LeftOperand, false), Required(either.RightOperand, true)))
                            : Union(Required(either.LeftOperand, false), Required(either.RightOperand, false));
                    default:
                        return new HashSet<int>();
                }
            }

            private bool IsGuard(IParameterSymbol parameter)
                => parameter.Type.SpecialType == SpecialType.System_Boolean && IsUnwritten(parameter);

            /// <summary>The type an <c>is</c> pattern tests for (<c>p is string s</c>, <c>p is string</c>), else null.</summary>
            private static ITypeSymbol? MatchedType(IPatternOperation pattern) => pattern switch
            {
                IDeclarationPatternOperation declaration => declaration.MatchedType,
                ITypePatternOperation type => type.MatchedType,
                _ => null,
            };

            /// <summary>A reference-type parameter (<c>object currencyCodeOrObj</c>) the method never assigns: its type tests guard.</summary>
            private bool IsTypeGuard(IParameterSymbol parameter)
                => parameter.Type.IsReferenceType && parameter.Ordinal < TypeGuards.Base && IsUnwritten(parameter);

            private bool IsUnwritten(IParameterSymbol parameter)
            {
                if (parameter.RefKind != RefKind.None || !SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, _owner))
                {
                    return false;
                }

                if (_written is null)
                {
                    _written = new HashSet<IParameterSymbol>(SymbolEqualityComparer.Default);
                    foreach (var reference in _body.DescendantsAndSelf().OfType<IParameterReferenceOperation>())
                    {
                        var written = reference.Parent switch
                        {
                            IAssignmentOperation assignment => assignment.Target == reference,
                            IArgumentOperation argument => argument.Parameter is null || argument.Parameter.RefKind is RefKind.Ref or RefKind.Out,
                            ITupleOperation => true,
                            _ => false,
                        };
                        if (written)
                        {
                            _written.Add(reference.Parameter);
                        }
                    }
                }

                return !_written.Contains(parameter);
            }

            private static bool Exits(IOperation operation) => operation switch
            {
                IReturnOperation or IThrowOperation => true,
                IExpressionStatementOperation { Operation: IThrowOperation } => true,
                IBlockOperation { Operations.Length: > 0 } block => Exits(block.Operations[block.Operations.Length - 1]),
                _ => false,
            };

            private static HashSet<int> Union(HashSet<int> a, HashSet<int> b)
            {
                a.UnionWith(b);
                return a;
            }

            private static HashSet<int> Intersection(HashSet<int> a, HashSet<int> b)
            {
                a.IntersectWith(b);
                return a;
            }
        }

        /// <summary>
        /// Interface method -> implementations, and virtual/abstract method -> overrides, over the source types. The source types
        /// and the overrides are read once; an interface method's implementations are looked up when it is first asked for, in
        /// the types that implement its interface (issue 14: asking every source type for the implementation of every member of
        /// every interface it implements, the framework's included, cost half a second on a Blazor app).
        /// </summary>
        private sealed class ImplementationMap
        {
            private readonly Dictionary<IMethodSymbol, List<IMethodSymbol>> _map = new Dictionary<IMethodSymbol, List<IMethodSymbol>>(SymbolEqualityComparer.Default);
            private readonly List<INamedTypeSymbol> _implementingTypes = new List<INamedTypeSymbol>();
            private readonly ConcurrentDictionary<IMethodSymbol, ImmutableArray<IMethodSymbol>> _interfaceMethods =
                new ConcurrentDictionary<IMethodSymbol, ImmutableArray<IMethodSymbol>>(SymbolEqualityComparer.Default);

            public ImmutableArray<IMethodSymbol> Get(IMethodSymbol method)
            {
                method = method.OriginalDefinition;
                if (method.ContainingType?.TypeKind == TypeKind.Interface)
                {
                    return _interfaceMethods.GetOrAdd(method, Implementations);
                }

                return _map.TryGetValue(method, out var list) ? list.ToImmutableArray() : ImmutableArray<IMethodSymbol>.Empty;
            }

            public static ImplementationMap Build(Compilation compilation)
            {
                var map = new ImplementationMap();
                var stack = new Stack<INamespaceOrTypeSymbol>();
                stack.Push(compilation.SourceModule.GlobalNamespace);
                while (stack.Count > 0)
                {
                    var current = stack.Pop();
                    foreach (var member in current.GetMembers())
                    {
                        if (member is INamespaceSymbol ns)
                        {
                            stack.Push(ns);
                        }
                        else if (member is INamedTypeSymbol type && type.Locations.Any(l => l.IsInSource))
                        {
                            stack.Push(type);
                            map.AddType(type);
                        }
                    }
                }

                return map;
            }

            private void AddType(INamedTypeSymbol type)
            {
                if (type.TypeKind != TypeKind.Class && type.TypeKind != TypeKind.Struct)
                {
                    return;
                }

                foreach (var method in type.GetMembers().OfType<IMethodSymbol>())
                {
                    if (method.OverriddenMethod is { } overridden)
                    {
                        Add(overridden, method);
                    }
                }

                if (!type.IsAbstract && !type.AllInterfaces.IsEmpty)
                {
                    _implementingTypes.Add(type);
                }
            }

            /// <summary>The source implementations of an interface method (its original definition), in the order of the source types.</summary>
            private ImmutableArray<IMethodSymbol> Implementations(IMethodSymbol interfaceMethod)
            {
                var result = new List<IMethodSymbol>();
                var declaringInterface = interfaceMethod.ContainingType.OriginalDefinition;
                foreach (var type in _implementingTypes)
                {
                    foreach (var @interface in type.AllInterfaces)
                    {
                        if (!SymbolEqualityComparer.Default.Equals(@interface.OriginalDefinition, declaringInterface))
                        {
                            continue;
                        }

                        foreach (var member in @interface.GetMembers(interfaceMethod.Name))
                        {
                            if (member is IMethodSymbol constructed && SymbolEqualityComparer.Default.Equals(constructed.OriginalDefinition, interfaceMethod)
                                && type.FindImplementationForInterfaceMember(constructed) is IMethodSymbol implementation
                                && implementation.Locations.Any(l => l.IsInSource)
                                && !result.Contains(implementation.OriginalDefinition, SymbolEqualityComparer.Default))
                            {
                                result.Add((IMethodSymbol)implementation.OriginalDefinition);
                            }
                        }
                    }
                }

                return result.ToImmutableArray();
            }

            private void Add(IMethodSymbol key, IMethodSymbol implementation)
            {
                key = key.OriginalDefinition;
                implementation = implementation.OriginalDefinition;
                if (!_map.TryGetValue(key, out var list))
                {
                    _map[key] = list = new List<IMethodSymbol>();
                }

                if (!list.Contains(implementation, SymbolEqualityComparer.Default))
                {
                    list.Add(implementation);
                }
            }
        }
    }
}
