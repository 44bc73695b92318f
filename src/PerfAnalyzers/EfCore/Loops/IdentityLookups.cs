namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// "Is this round trip a look-up in the context's identity map, which the first call fills?" EF Core's
    /// <c>DbSet.Find</c>/<c>FindAsync</c> (and <c>DbContext.Find</c>) return an entity the context already tracks without a
    /// round trip, and track what they load; applications write the same with their own helpers
    /// (Smartstore's <c>FindById</c>: <c>set.Local.FindEntry(id)?.Entity ?? set.SingleOrDefault(x =&gt; x.Id == id)</c>, or a
    /// query that runs only when <c>set.Local.FirstOrDefault(..)</c> or <c>ChangeTracker.Entries&lt;T&gt;()..</c> found
    /// nothing, and tracks its result). Such a look-up with the same key on every iteration of a loop costs one round trip for
    /// the whole loop, not one per iteration: <c>foreach (var c in categories) c.GetLocalized(x =&gt; x.Name, languageId)</c>
    /// finds the language in the context from the second iteration on. With a key that changes per iteration it is an N+1 like
    /// any other (an import that finds each row's entity by its id).
    /// <para>The keys are what the look-up is given: <c>Find</c>'s arguments (a cancellation token aside), the tracked-entity
    /// probe's expression. For a called method, <see cref="RoundTripSummary.IdentityKeys"/> says which of its parameters they
    /// come from (<see cref="ParametersOf"/>), so a loop judges the arguments it passes there (<see cref="IsRepeatedLookup"/>).</para>
    /// </summary>
    internal static class IdentityLookups
    {
        /// <summary>
        /// The key expressions when the round trip <paramref name="operation"/> is an identity-map look-up: <c>Find</c>'s
        /// arguments, or the probe of the tracked entities that the query runs only after missing (judged up to
        /// <paramref name="boundary"/>), for a query that tracks what it loads. Default when it is not one.
        /// </summary>
        public static ImmutableArray<IOperation> KeysOf(EfCompilation ef, IOperation operation, RoundTrip roundTrip, IOperation boundary)
        {
            if (roundTrip.Kind == RoundTripKind.Find && operation is IInvocationOperation find)
            {
                // The key values, the elements of Find(params object[]) one by one; none (half-typed code): not judged.
                var values = ImmutableArray.CreateBuilder<IOperation>();
                foreach (var argument in find.Arguments)
                {
                    if (argument.ArgumentKind == ArgumentKind.DefaultValue || IsCancellationToken(argument.Value.Type))
                    {
                        continue;
                    }

                    if (argument.Value.WalkDownConversions() is IArrayCreationOperation { Initializer: { } elements })
                    {
                        values.AddRange(elements.ElementValues);
                    }
                    else
                    {
                        values.Add(argument.Value);
                    }
                }

                return values.Count == 0 || find.Syntax.ContainsDiagnostics ? default : values.ToImmutable();
            }

            if (roundTrip.Kind is not (RoundTripKind.Query or RoundTripKind.Enumeration) || !MayTrack(roundTrip.Query) || !MayProbe(boundary))
            {
                return default;
            }

            return ProbeMissed(ef, operation, boundary) is { } probe ? ImmutableArray.Create(probe) : default;
        }

        /// <summary>
        /// The ordinals of <paramref name="owner"/>'s parameters the <paramref name="keys"/> are computed from (through members,
        /// conversions, pattern variables and locals initialized from them; fields and constants are the same on every call), or
        /// null when some part of a key comes from elsewhere (a local computed in the body, a call's result, a parameter the body
        /// assigns): then a caller cannot tell whether it passes the same key twice.
        /// </summary>
        public static HashSet<int>? ParametersOf(EfSymbols symbols, IEnumerable<IOperation> keys, IMethodSymbol? owner, IOperation body)
        {
            var ordinals = new HashSet<int>();
            foreach (var key in keys)
            {
                if (!AddSources(symbols, key, owner, body, ordinals, depth: 0))
                {
                    return null;
                }
            }

            return ordinals;
        }

        /// <summary>
        /// The key ordinals a called method's summary gives (<see cref="RoundTripSummary.IdentityKeys"/>), as the ordinals of
        /// <paramref name="owner"/>'s parameters the call passes there; null when an argument comes from elsewhere.
        /// </summary>
        public static HashSet<int>? ParametersOf(EfSymbols symbols, IInvocationOperation call, ImmutableArray<int> calleeKeys, IMethodSymbol? owner, IOperation body)
        {
            var ordinals = new HashSet<int>();
            foreach (var ordinal in calleeKeys)
            {
                var argument = ArgumentFor(call, ordinal);
                if (argument is null)
                {
                    return null;
                }

                if (argument.ArgumentKind != ArgumentKind.DefaultValue && !AddSources(symbols, argument.Value, owner, body, ordinals, depth: 0))
                {
                    return null;
                }
            }

            return ordinals;
        }

        /// <summary>
        /// Whether the round trip (or the call summarized as <paramref name="through"/>) in <paramref name="loop"/> is an
        /// identity-map look-up with the same key on every iteration: the first iteration loads and tracks the entity, the
        /// others find it in the context. Not when the loop clears the change tracker.
        /// </summary>
        public static bool IsRepeatedLookup(EfCompilation ef, IOperation operation, RoundTripSummary? through, EnclosingLoop loop, CancellationToken cancellationToken)
        {
            ImmutableArray<IOperation> keys;
            if (through is not null)
            {
                if (through.IdentityKeys.IsDefault || operation is not IInvocationOperation call)
                {
                    return false;
                }

                var values = ImmutableArray.CreateBuilder<IOperation>();
                foreach (var ordinal in through.IdentityKeys)
                {
                    var argument = ArgumentFor(call, ordinal);
                    if (argument is null)
                    {
                        return false;
                    }

                    if (argument.ArgumentKind != ArgumentKind.DefaultValue)
                    {
                        values.Add(argument.Value);
                    }
                }

                keys = values.ToImmutable();
            }
            else
            {
                if (!ef.TryGetRoundTrip(operation, out var roundTrip, cancellationToken))
                {
                    return false;
                }

                keys = KeysOf(ef, operation, roundTrip, loop.Body);
                if (keys.IsDefault)
                {
                    return false;
                }
            }

            return keys.All(k => LoopInvariance.IsInvariant(k, loop)) && !ClearsTracker(ef, loop);
        }

        /// <summary>
        /// The body reads <c>.Local</c> or calls <c>Entries</c> somewhere (its index, built once per body): without either it has
        /// no probe of the tracked entities, and no round trip of it needs the walk up to find one (issue 14: one walk per round
        /// trip over the statements before it).
        /// </summary>
        private static bool MayProbe(IOperation boundary)
        {
            var index = BodyIndex.Of(boundary);
            return index.MemberReferences("Local").Count > 0 || index.Invocations("Entries").Count > 0;
        }

        /// <summary>
        /// The query can track what it loads: no <c>AsNoTracking</c>, or only on some paths, or next to an <c>AsTracking</c>
        /// (a helper that picks one by a flag, Smartstore's <c>ApplyTracking(tracked)</c>, tracking by default).
        /// </summary>
        private static bool MayTrack(QueryChain query)
        {
            var untracked = false;
            foreach (var op in query.Operators)
            {
                if (op.Name == "AsTracking")
                {
                    return true;
                }

                untracked |= op.Name is "AsNoTracking" or "AsNoTrackingWithIdentityResolution" && !op.IsConditional;
            }

            return !untracked;
        }

        private static IArgumentOperation? ArgumentFor(IInvocationOperation call, int ordinal)
        {
            foreach (var argument in call.Arguments)
            {
                if (argument.Parameter is { } parameter && parameter.Ordinal == ordinal)
                {
                    return argument.ArgumentKind == ArgumentKind.ParamArray ? null : argument;
                }
            }

            return null;
        }

        private static bool IsCancellationToken(ITypeSymbol? type)
            => type is { Name: "CancellationToken", ContainingNamespace: { Name: "Threading", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } };

        /// <summary>
        /// The probe of the tracked entities that <paramref name="operation"/> runs only after missing: <c>probe ?? query</c>,
        /// <c>x != null ? x : query</c>, <c>if (x == null) { query }</c> or <c>if (x != null) return x;</c> before it, where
        /// <c>x</c> is the probe or a local it initializes.
        /// </summary>
        private static IOperation? ProbeMissed(EfCompilation ef, IOperation operation, IOperation boundary)
        {
            IOperation child = operation;
            for (var current = operation.Parent; current is not null; child = current, current = current.Parent)
            {
                switch (current)
                {
                    case ICoalesceOperation coalesce when coalesce.WhenNull == child:
                        if (Probe(ef, coalesce.Value, boundary) is { } coalesced)
                        {
                            return coalesced;
                        }

                        break;
                    case IConditionalOperation conditional when conditional.Condition != child:
                        if (Tested(ef, conditional.Condition, boundary, whenHit: conditional.WhenFalse == child) is { } tested)
                        {
                            return tested;
                        }

                        break;
                    case IAnonymousFunctionOperation or ILocalFunctionOperation:
                        return null;
                }

                if (current.Parent is IBlockOperation block)
                {
                    var index = block.Operations.IndexOf(current);
                    for (var i = 0; i < index; i++)
                    {
                        if (block.Operations[i] is IConditionalOperation { WhenFalse: null } exit && EndsWithReturn(exit.WhenTrue)
                            && Tested(ef, exit.Condition, boundary, whenHit: true) is { } early)
                        {
                            return early;
                        }
                    }
                }

                if (current == boundary)
                {
                    break;
                }
            }

            return null;
        }

        private static bool EndsWithReturn(IOperation branch)
            => (branch is IBlockOperation block ? block.Operations.LastOrDefault() : branch) is IReturnOperation;

        /// <summary>The probe a null test checks: true on a hit when <paramref name="whenHit"/> (<c>x != null</c>, <c>x is not null</c>, <c>x is T</c>), else true on a miss.</summary>
        private static IOperation? Tested(EfCompilation ef, IOperation condition, IOperation boundary, bool whenHit)
            => condition.NonNullWhen(whenHit) is { } tested ? Probe(ef, tested, boundary) : null;

        /// <summary><paramref name="value"/> when it reads the tracked entities, or the initializer of the local it is when that does; else null.</summary>
        private static IOperation? Probe(EfCompilation ef, IOperation value, IOperation boundary)
        {
            value = value.WalkDownConversions();
            if (ReadsTrackedEntities(ef, value))
            {
                return value;
            }

            if (value is not ILocalReferenceOperation local)
            {
                return null;
            }

            var writes = BodyIndex.Of(boundary).Writes(local.Local);
            return writes.Count == 1 && writes[0] is IVariableDeclaratorOperation declarator
                   && (declarator.Initializer?.Value ?? (declarator.Parent as IVariableDeclarationOperation)?.Initializer?.Value) is { } initializer
                   && ReadsTrackedEntities(ef, initializer.WalkDownConversions())
                ? initializer
                : null;
        }

        /// <summary>
        /// Reads the entities the context tracks, without a round trip: a call on <c>DbSet.Local</c> (<c>FindEntry</c>, or LINQ
        /// over it), on the <c>ChangeTracker</c> (<c>Entries&lt;T&gt;()</c> and LINQ over it), and members of what they return
        /// (<c>?.Entity</c>).
        /// </summary>
        private static bool ReadsTrackedEntities(EfCompilation ef, IOperation value)
        {
            var symbols = ef.Symbols;
            if (symbols.LocalView is null && symbols.ChangeTracker is null)
            {
                return false;
            }

            IOperation? current = value;
            for (var steps = 0; current is not null && steps < 8; steps++)
            {
                current = current.WalkDownConversions();
                switch (current)
                {
                    case IConditionalAccessOperation conditional:
                        current = conditional.Operation;
                        continue;
                    case IPropertyReferenceOperation { Instance: { } instance }:
                        current = instance;
                        continue;
                    case IInvocationOperation invocation:
                        if (EfSymbols.InheritsFrom(invocation.TargetMethod.ContainingType, symbols.ChangeTracker))
                        {
                            return true;
                        }

                        var receiver = invocation.GetReceiverOrThisArgument()?.WalkDownConversions();
                        if (receiver?.Type is INamedTypeSymbol type && symbols.LocalView is not null
                            && EfSymbols.InheritsFrom(type.OriginalDefinition, symbols.LocalView))
                        {
                            return true;
                        }

                        if (!SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ContainingType, symbols.Enumerable))
                        {
                            return false;
                        }

                        current = receiver;
                        continue;
                    default:
                        return false;
                }
            }

            return false;
        }

        /// <summary>
        /// Adds the ordinals of <paramref name="owner"/>'s parameters <paramref name="value"/> is computed from; false when a
        /// part of it comes from elsewhere.
        /// </summary>
        private static bool AddSources(EfSymbols symbols, IOperation value, IMethodSymbol? owner, IOperation body, HashSet<int> ordinals, int depth)
        {
            if (depth > 3)
            {
                return false;
            }

            var span = value.Syntax.Span;
            foreach (var op in value.DescendantsAndSelf())
            {
                switch (op)
                {
                    case IParameterReferenceOperation reference:
                        if (owner is not null && SymbolEqualityComparer.Default.Equals(reference.Parameter.ContainingSymbol, owner))
                        {
                            if (reference.Parameter.RefKind != RefKind.None || BodyIndex.Of(body).Writes(reference.Parameter).Count > 0)
                            {
                                return false;
                            }

                            ordinals.Add(reference.Parameter.Ordinal);
                        }
                        else if (!DeclaredIn(reference.Parameter, span))
                        {
                            // A parameter of a lambda around the key (the element of a loop the body runs): not the caller's.
                            return false;
                        }

                        break;
                    case ILocalReferenceOperation local when !DeclaredIn(local.Local, span):
                        if (Initializer(local.Local, body) is not { } initializer || !AddSources(symbols, initializer, owner, body, ordinals, depth + 1))
                        {
                            return false;
                        }

                        break;
                    case IInvocationOperation invocation when !IsPartOfProbe(symbols, invocation):
                        return false;
                    case IAwaitOperation or IInvalidOperation or IIncrementOrDecrementOperation or IAssignmentOperation:
                        return false;
                }
            }

            return true;
        }

        /// <summary>LINQ inside a probe, or the probe's own call: it reads what the key selects, and adds no source of its own.</summary>
        private static bool IsPartOfProbe(EfSymbols symbols, IInvocationOperation invocation)
            => invocation.TargetMethod.ContainingType is { } type
               && (SymbolEqualityComparer.Default.Equals(type, symbols.Enumerable)
                   || EfSymbols.InheritsFrom(type.OriginalDefinition, symbols.LocalView)
                   || EfSymbols.InheritsFrom(type, symbols.ChangeTracker));

        /// <summary>
        /// The value a local holds on every read: its one declarator's initializer, or for a pattern variable
        /// (<c>p is int id</c>) the value the pattern tests. Null when it is written again or declared otherwise.
        /// </summary>
        private static IOperation? Initializer(ILocalSymbol local, IOperation body)
        {
            var index = BodyIndex.Of(body);
            var writes = index.Writes(local);
            if (writes.Count == 1 && writes[0] is IVariableDeclaratorOperation declarator)
            {
                return declarator.Initializer?.Value ?? (declarator.Parent as IVariableDeclarationOperation)?.Initializer?.Value;
            }

            if (writes.Count != 0)
            {
                return null;
            }

            foreach (var op in index.Operations)
            {
                if (op is IDeclarationPatternOperation declaration && SymbolEqualityComparer.Default.Equals(declaration.DeclaredSymbol, local)
                    && declaration.Parent is IIsPatternOperation test)
                {
                    return test.Value;
                }
            }

            return null;
        }

        private static bool DeclaredIn(ISymbol symbol, Microsoft.CodeAnalysis.Text.TextSpan span)
            => symbol.DeclaringSyntaxReferences.Length > 0 && symbol.DeclaringSyntaxReferences.All(r => span.Contains(r.Span));

        /// <summary>The loop clears the change tracker (<c>ChangeTracker.Clear()</c>): what an iteration loaded is gone for the next one.</summary>
        private static bool ClearsTracker(EfCompilation ef, EnclosingLoop loop)
            => ef.Symbols.ChangeTracker is { } tracker
               && loop.Body.Descendants().OfType<IInvocationOperation>()
                   .Any(i => i.TargetMethod.Name == "Clear" && EfSymbols.InheritsFrom(i.TargetMethod.ContainingType, tracker));
    }
}
