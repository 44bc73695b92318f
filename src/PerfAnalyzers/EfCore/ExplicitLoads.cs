namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// One explicit load a method makes of a navigation of an entity its caller passes: the entity is parameter
    /// <see cref="Entity"/> of the method (or a navigation path from it, the first names of <see cref="Path"/>), the loaded
    /// navigation the last name of <see cref="Path"/> or, for a wrapper such as Smartstore's <c>LoadReferenceAsync(entity, x =&gt;
    /// x.Nav)</c>, the navigation lambda its caller passes as parameter <see cref="NavigationParameter"/>.
    /// </summary>
    internal sealed class LoadedNavigation(int entity, ImmutableArray<string> path, int navigationParameter, bool needsTracking, ImmutableArray<int> forceParameters)
    {
        /// <summary>The ordinal of the parameter that holds the entity (or the start of the path to it).</summary>
        public int Entity { get; } = entity;

        /// <summary>The navigation names from the entity parameter to the loaded navigation (without the passed one, if any).</summary>
        public ImmutableArray<string> Path { get; } = path;

        /// <summary>The ordinal of the parameter that passes the navigation as a lambda (<c>x =&gt; x.Nav</c>), or -1.</summary>
        public int NavigationParameter { get; } = navigationParameter;

        /// <summary>
        /// EF Core's own <c>Load</c>/<c>LoadAsync</c> skips a navigation whose <c>IsLoaded</c> is set, which only a tracking query's
        /// Include sets; a load guarded by the code's own test of <c>IsLoaded</c> or <c>CurrentValue</c> also skips a navigation a
        /// no-tracking query filled.
        /// </summary>
        public bool NeedsTracking { get; } = needsTracking;

        /// <summary>The method's <c>bool</c> parameters that force a reload (<c>if (force) entry.IsLoaded = false;</c>): a call must pass false.</summary>
        public ImmutableArray<int> ForceParameters { get; } = forceParameters;
    }

    /// <summary>
    /// "Is this round trip an explicit load that does nothing when the navigation is already loaded, and was it loaded by the
    /// query the entity came from?" EF Core's explicit loading (<c>Entry(e).Reference(..).Load()</c>, <c>Collection(..).LoadAsync()</c>)
    /// returns at once when the navigation's <c>IsLoaded</c> is set, and a tracking query's <c>Include</c> sets it; wrappers such as
    /// Smartstore's <c>LoadReferenceAsync</c> test <c>IsLoaded</c> or <c>CurrentValue</c> themselves before they load (also through
    /// <c>Query()</c>). A loop over the results of a query that already includes that navigation makes no round trip there (EFP101
    /// for a load in the loop body, EFP104 through <see cref="RoundTripSummary.ExplicitLoads"/> for a load in a called method).
    /// </summary>
    internal static class ExplicitLoads
    {
        /// <summary>
        /// The load <paramref name="roundTrip"/> makes in <paramref name="body"/>, with the entity expression it loads for and the
        /// navigation (names; or the parameter of <paramref name="owner"/> that passes it), or null when it is no such load.
        /// </summary>
        private static (IOperation Entity, ImmutableArray<string> Names, IParameterSymbol? NavigationParameter, bool NeedsTracking, ImmutableArray<IParameterSymbol> Force)? Load(EfCompilation ef, RoundTrip roundTrip, IOperation body)
        {
            IOperation? entryExpression;
            bool guardedQuery;
            if (roundTrip.Kind == RoundTripKind.Load && roundTrip.Operation is IInvocationOperation { Instance: { } instance })
            {
                entryExpression = instance;
                guardedQuery = false;
            }
            else if (roundTrip.Kind == RoundTripKind.Query && NavigationQueryOf(ef, roundTrip.Query, body) is { Instance: { } queried })
            {
                entryExpression = queried;
                guardedQuery = true;
            }
            else
            {
                return null;
            }

            var index = BodyIndex.Of(body);
            var entryLocal = entryExpression.WalkDownConversions() is ILocalReferenceOperation l ? l.Local : null;
            var navigationEntry = Resolve(entryExpression, index);
            if (navigationEntry is not IInvocationOperation { TargetMethod.Name: "Reference" or "Collection" or "Navigation", Instance: { } entityEntry, Arguments.Length: 1 } navigationCall
                || ef.Symbols.EntityEntry is not { } entryType || !EfSymbols.InheritsFrom(navigationCall.TargetMethod.ContainingType, entryType)
                || Resolve(entityEntry, index) is not IInvocationOperation { TargetMethod.Name: "Entry" } entryCall
                || !ef.Symbols.IsDbContextOrInterface(entryCall.TargetMethod.ContainingType)
                || entryCall.Arguments.Length < 1)
            {
                return null;
            }

            var entity = entryCall.Arguments[0].Value;
            var navigation = navigationCall.Arguments[0].Value.WalkDownConversions();
            ImmutableArray<string> names;
            IParameterSymbol? navigationParameter = null;
            if (NavigationAccess.EntryNavigationPath(ef.Symbols, navigationCall) is { Length: 1 } path)
            {
                names = path;
            }
            else if (navigation is IParameterReferenceOperation passed)
            {
                names = ImmutableArray<string>.Empty;
                navigationParameter = passed.Parameter;
            }
            else
            {
                return null;
            }

            // The entry's own test of IsLoaded/CurrentValue guards the load (a wrapper); a query through Query() runs whatever
            // is loaded unless so guarded. A reload forced by 'entry.IsLoaded = false' counts only under a bool parameter.
            var tests = false;
            var force = ImmutableArray.CreateBuilder<IParameterSymbol>();
            if (entryLocal is not null)
            {
                foreach (var reference in index.References(entryLocal))
                {
                    if (reference.Parent is IPropertyReferenceOperation { Property.Name: "IsLoaded" or "CurrentValue" } member && member.Instance == reference)
                    {
                        if (member.Parent is ISimpleAssignmentOperation assignment && assignment.Target == member)
                        {
                            if (member.Property.Name == "IsLoaded" && assignment.Value.ConstantValue is { HasValue: true, Value: false })
                            {
                                if (ForcedBy(assignment, body) is not { } parameter)
                                {
                                    return null;
                                }

                                force.Add(parameter);
                            }

                            continue;
                        }

                        tests = true;
                    }
                }
            }

            if (guardedQuery && !tests)
            {
                return null;
            }

            return (entity, names, navigationParameter, !tests, force.ToImmutable());
        }

        /// <summary>
        /// The navigation's <c>Query()</c> the query starts from: its root, or the argument of a delegate that shapes it
        /// (Smartstore's <c>queryModifier(reference.Query())</c>), also through a local.
        /// </summary>
        private static IInvocationOperation? NavigationQueryOf(EfCompilation ef, QueryChain query, IOperation body)
        {
            if (query.RootKind == QueryRootKind.NavigationQuery)
            {
                return query.Root as IInvocationOperation;
            }

            if (query.Root is null)
            {
                return null;
            }

            var root = Resolve(query.Root, BodyIndex.Of(body));
            if (root is IInvocationOperation { TargetMethod.MethodKind: MethodKind.DelegateInvoke } shaped)
            {
                foreach (var argument in shaped.Arguments)
                {
                    if (argument.Value.WalkDownConversions() is IInvocationOperation { TargetMethod.Name: "Query" } navigationQuery
                        && ef.Symbols.IsNavigationEntryMember(navigationQuery.TargetMethod))
                    {
                        return navigationQuery;
                    }
                }
            }

            return null;
        }

        /// <summary>The bool parameter whose <c>if</c> encloses the assignment (<c>if (force) { entry.IsLoaded = false; }</c>), or null.</summary>
        private static IParameterSymbol? ForcedBy(IOperation assignment, IOperation body)
        {
            for (var current = assignment.Parent; current is not null && current != body; current = current.Parent)
            {
                if (current is IConditionalOperation { Condition: var condition } && condition.WalkDownConversions() is IParameterReferenceOperation { Parameter.Type.SpecialType: SpecialType.System_Boolean } flag)
                {
                    return flag.Parameter;
                }
            }

            return null;
        }

        /// <summary>A local's one initializer (the body writes it nowhere else), once; anything else as it is.</summary>
        private static IOperation Resolve(IOperation value, BodyIndex index)
        {
            value = value.WalkDownConversions();
            if (value is ILocalReferenceOperation local && index.Writes(local.Local) is { Count: 1 } writes
                && writes[0] is IVariableDeclaratorOperation { Initializer.Value: { } initial })
            {
                return initial.WalkDownConversions();
            }

            return value;
        }

        /// <summary>
        /// The loads of a round trip in the body of <paramref name="owner"/> in terms of its parameters, or null when it is not an
        /// explicit load of (a navigation path from) a parameter that skips a loaded navigation.
        /// </summary>
        public static ImmutableArray<LoadedNavigation>? OfRoundTrip(EfCompilation ef, RoundTrip roundTrip, IOperation body, IMethodSymbol? owner)
        {
            if (owner is null || Load(ef, roundTrip, body) is not { } load || ParameterPath(load.Entity, owner, BodyIndex.Of(body)) is not { } from)
            {
                return null;
            }

            var navigationParameter = -1;
            if (load.NavigationParameter is { } passed)
            {
                if (!SymbolEqualityComparer.Default.Equals(passed.ContainingSymbol, owner))
                {
                    return null;
                }

                navigationParameter = passed.Ordinal;
            }

            var force = load.Force.All(p => SymbolEqualityComparer.Default.Equals(p.ContainingSymbol, owner)) ? load.Force.Select(p => p.Ordinal).ToImmutableArray() : default;
            return force.IsDefault
                ? null
                : ImmutableArray.Create(new LoadedNavigation(from.Ordinal, from.Names.AddRange(load.Names), navigationParameter, load.NeedsTracking, force));
        }

        /// <summary>
        /// The loads a call in the body of <paramref name="owner"/> makes (<paramref name="inner"/>, in the called method's
        /// parameters), in <paramref name="owner"/>'s parameters; null when an argument is not a parameter (or a path from one), a
        /// navigation is not passed as a lambda or a parameter, or a call passes something other than false to force a reload.
        /// </summary>
        public static ImmutableArray<LoadedNavigation>? ThroughCall(EfCompilation ef, IInvocationOperation call, ImmutableArray<LoadedNavigation> inner, IOperation body, IMethodSymbol? owner)
        {
            if (owner is null)
            {
                return null;
            }

            var index = BodyIndex.Of(body);
            var result = ImmutableArray.CreateBuilder<LoadedNavigation>();
            foreach (var load in inner)
            {
                if (!PassesFalse(call, load.ForceParameters) || Argument(call, load.Entity) is not { } entityArgument
                    || ParameterPath(entityArgument, owner, index) is not { } from)
                {
                    return null;
                }

                var names = from.Names.AddRange(load.Path);
                var navigationParameter = -1;
                if (load.NavigationParameter >= 0)
                {
                    var navigation = Argument(call, load.NavigationParameter)?.WalkDownConversions();
                    if (NavigationAccess.LambdaPath(navigation?.AsLambda()) is { Length: 1 } path)
                    {
                        names = names.AddRange(path);
                    }
                    else if (navigation is IParameterReferenceOperation passed && SymbolEqualityComparer.Default.Equals(passed.Parameter.ContainingSymbol, owner))
                    {
                        navigationParameter = passed.Parameter.Ordinal;
                    }
                    else
                    {
                        return null;
                    }
                }

                result.Add(new LoadedNavigation(from.Ordinal, names, navigationParameter, load.NeedsTracking, ImmutableArray<int>.Empty));
            }

            return result.ToImmutable();
        }

        /// <summary>The call passes false (written, or an omitted optional parameter's default) for each of these parameters.</summary>
        private static bool PassesFalse(IInvocationOperation call, ImmutableArray<int> ordinals)
            => ordinals.All(o => Argument(call, o)?.ConstantValue is { HasValue: true, Value: false });

        private static IOperation? Argument(IInvocationOperation call, int ordinal)
            => call.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == ordinal)?.Value;

        /// <summary><c>p</c>, <c>p.Nav.Nav</c> (also through a local with one initializer): which parameter, and the names after it.</summary>
        private static (int Ordinal, ImmutableArray<string> Names)? ParameterPath(IOperation value, IMethodSymbol owner, BodyIndex index)
        {
            var names = new List<string>();
            var current = Resolve(value, index);
            for (var depth = 0; depth < 8; depth++)
            {
                switch (current)
                {
                    case IParameterReferenceOperation parameter when SymbolEqualityComparer.Default.Equals(parameter.Parameter.ContainingSymbol, owner)
                                                                    && index.Writes(parameter.Parameter).Count == 0:
                        names.Reverse();
                        return (parameter.Parameter.Ordinal, names.ToImmutableArray());
                    case IPropertyReferenceOperation { Instance: { } instance, Property.Parameters.IsEmpty: true } property:
                        names.Add(property.Property.Name);
                        current = Resolve(instance, index);
                        continue;
                    default:
                        return null;
                }
            }

            return null;
        }

        /// <summary>
        /// Every load of <paramref name="loads"/> (in the called method's parameters) is of a navigation the caller's query already
        /// loaded: the argument is an entity traced to a query (<see cref="NavigationAccess.TraceEntity"/>) whose Include paths
        /// (or AutoInclude) cover the path, tracked when the load relies on EF Core's <c>IsLoaded</c>.
        /// </summary>
        public static bool LoadedByCallerQuery(EfCompilation ef, IInvocationOperation call, ImmutableArray<LoadedNavigation> loads, CancellationToken cancellationToken)
        {
            if (loads.IsDefaultOrEmpty)
            {
                return false;
            }

            foreach (var load in loads)
            {
                if (load.NavigationParameter >= 0 || !PassesFalse(call, load.ForceParameters) || Argument(call, load.Entity) is not { } argument
                    || !LoadedBy(ef, argument, load.Path, load.NeedsTracking, cancellationToken))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>A load in the loop body itself (EFP101): its entity came from a query that already loaded the navigation.</summary>
        public static bool LoadedByQuery(EfCompilation ef, RoundTrip roundTrip, IOperation body, CancellationToken cancellationToken)
            => Load(ef, roundTrip, body) is { NavigationParameter: null, Force.IsEmpty: true } load
               && LoadedBy(ef, load.Entity, load.Names, load.NeedsTracking, cancellationToken);

        private static bool LoadedBy(EfCompilation ef, IOperation entity, ImmutableArray<string> path, bool needsTracking, CancellationToken cancellationToken)
        {
            var access = ef.GetNavigationAccess(cancellationToken);
            if (path.IsEmpty || access.TraceEntity(entity, cancellationToken) is not { } origin
                || !NavigationAccess.TryGetIncludePaths(origin.Query, out var includes))
            {
                return false;
            }

            if (needsTracking && (origin.Query.Has("AsNoTracking") || origin.Query.Has("AsNoTrackingWithIdentityResolution")
                                  || (!origin.Query.Has("AsTracking") && ef.Model.UsesNoTrackingByDefault(origin.Query.Context?.Type))))
            {
                return false;
            }

            var names = origin.Path.Select(n => n.Name).Concat(path).ToList();
            return NavigationAccess.Covers(includes, names);
        }
    }
}
