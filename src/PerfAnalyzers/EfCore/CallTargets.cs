namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// The concrete classes and structs declared in this compilation, indexed by every base type and interface they have:
    /// "which source types can a receiver of static type X be?". Built once per compilation (one walk over the source
    /// declarations), on first use.
    /// </summary>
    internal sealed class SourceTypeIndex
    {
        private readonly Dictionary<INamedTypeSymbol, List<INamedTypeSymbol>> _concrete = new Dictionary<INamedTypeSymbol, List<INamedTypeSymbol>>(SymbolEqualityComparer.Default);

        private readonly List<INamedTypeSymbol> _all = new List<INamedTypeSymbol>();

        private SourceTypeIndex()
        {
        }

        /// <summary>Every concrete class and struct declared in the compilation.</summary>
        public IReadOnlyList<INamedTypeSymbol> AllConcreteTypes => _all;

        /// <summary>Request handlers by request type (<see cref="RequestDispatch"/>), built on first use.</summary>
        internal RequestDispatch Dispatch => System.Threading.LazyInitializer.EnsureInitialized(ref _dispatch, () => RequestDispatch.Build(this))!;

        private RequestDispatch? _dispatch;

        /// <summary>
        /// The concrete source types whose instances have static type <paramref name="type"/> (the type itself when concrete,
        /// its source subclasses, the source implementations of an interface). For a constructed type
        /// (<c>IRepository&lt;Order, Guid&gt;</c>) only the types with that exact construction; for a generic definition or a
        /// type over type parameters, every construction.
        /// </summary>
        public ImmutableArray<INamedTypeSymbol> ConcreteTypesOf(INamedTypeSymbol type)
            => _concreteOf.GetOrAdd(type, ComputeConcreteTypesOf); // once per type (issue 14: asked for every call a summary follows)

        private readonly System.Collections.Concurrent.ConcurrentDictionary<INamedTypeSymbol, ImmutableArray<INamedTypeSymbol>> _concreteOf =
            new System.Collections.Concurrent.ConcurrentDictionary<INamedTypeSymbol, ImmutableArray<INamedTypeSymbol>>(SymbolEqualityComparer.Default);

        private ImmutableArray<INamedTypeSymbol> ComputeConcreteTypesOf(INamedTypeSymbol type)
        {
            if (!_concrete.TryGetValue(type.OriginalDefinition, out var list))
            {
                return ImmutableArray<INamedTypeSymbol>.Empty;
            }

            if (!IsClosedConstruction(type))
            {
                return list.ToImmutableArray();
            }

            var result = ImmutableArray.CreateBuilder<INamedTypeSymbol>();
            foreach (var candidate in list)
            {
                // A generic candidate (CachedRepository<T, TId> : IRepository<T, TId>) can be constructed to match: keep it.
                if (SelfBasesAndInterfaces(candidate).Any(t => SymbolEqualityComparer.Default.Equals(t, type)
                        || (SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, type.OriginalDefinition) && !IsClosedConstruction(t))))
                {
                    result.Add(candidate);
                }
            }

            return result.ToImmutable();
        }

        /// <summary>The base types and interfaces of <paramref name="type"/> (itself included).</summary>
        public static IEnumerable<INamedTypeSymbol> SelfBasesAndInterfaces(INamedTypeSymbol type)
        {
            for (var t = type; t is not null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
            {
                yield return t;
            }

            foreach (var i in type.AllInterfaces)
            {
                yield return i;
            }
        }

        private static bool IsClosedConstruction(INamedTypeSymbol type)
        {
            if (!type.IsGenericType)
            {
                return true;
            }

            if (SymbolEqualityComparer.Default.Equals(type, type.OriginalDefinition))
            {
                return false;
            }

            return !type.TypeArguments.Any(a => a.TypeKind == TypeKind.TypeParameter);
        }

        public static SourceTypeIndex Build(Compilation compilation)
        {
            var index = new SourceTypeIndex();
            var stack = new Stack<INamespaceOrTypeSymbol>();
            stack.Push(compilation.SourceModule.GlobalNamespace);
            while (stack.Count > 0)
            {
                var current = stack.Pop();
                foreach (var member in current.GetTypeMembers())
                {
                    if (member.Locations.Any(l => l.IsInSource))
                    {
                        stack.Push(member);
                        index.Add(member);
                    }
                }

                if (current is INamespaceSymbol ns)
                {
                    foreach (var child in ns.GetNamespaceMembers())
                    {
                        stack.Push(child);
                    }
                }
            }

            return index;
        }

        private void Add(INamedTypeSymbol type)
        {
            if (type.IsAbstract || (type.TypeKind != TypeKind.Class && type.TypeKind != TypeKind.Struct))
            {
                return;
            }

            _all.Add(type);
            foreach (var key in SelfBasesAndInterfaces(type))
            {
                var definition = key.OriginalDefinition;
                if (!_concrete.TryGetValue(definition, out var list))
                {
                    _concrete[definition] = list = new List<INamedTypeSymbol>();
                }

                if (!list.Contains(type, SymbolEqualityComparer.Default))
                {
                    list.Add(type);
                }
            }
        }
    }

    /// <summary>
    /// "Which method body runs for this call?", through the receiver's static type: an interface method or a
    /// virtual/abstract method resolves to the one implementation that every concrete source type the receiver can be
    /// would run, generic substitutions included (<c>IOrderRepository.GetByIdAsync</c> -> the inherited
    /// <c>Repository&lt;Order, Guid&gt;.GetByIdAsync</c>). Null when the receiver's possible types run different bodies
    /// or none is in the compilation.
    /// </summary>
    internal static class CallTargets
    {
        /// <summary>
        /// The method (as a member of the constructed type that runs it, for display; its <c>OriginalDefinition</c> has the
        /// body) that runs when <paramref name="invocation"/> dispatches through its receiver, or null when the receiver
        /// does not decide it (a non-virtual call, no receiver, no or several implementations).
        /// </summary>
        public static IMethodSymbol? ResolveThroughReceiver(IInvocationOperation invocation, SourceTypeIndex index)
        {
            var method = invocation.TargetMethod;
            var isInterfaceMember = method.ContainingType?.TypeKind == TypeKind.Interface;
            if (!isInterfaceMember && !method.IsVirtual && !method.IsAbstract && !method.IsOverride)
            {
                return null;
            }

            if (method.IsStatic || invocation.Instance is not { } instance)
            {
                return null;
            }

            var receiverType = instance.WalkDownConversions().Type as INamedTypeSymbol;
            if (receiverType is null || receiverType.TypeKind == TypeKind.Error)
            {
                return null;
            }

            var defaultMember = EnclosingDefaultMember(invocation, instance, receiverType);
            IMethodSymbol? found = null;
            foreach (var candidate in index.ConcreteTypesOf(receiverType))
            {
                if (defaultMember is not null && !InheritsMember(candidate, defaultMember))
                {
                    continue; // it implements the default member itself: its instances never run the body this call is in
                }

                foreach (var implementation in Implementations(candidate, method))
                {
                    if (found is null)
                    {
                        found = implementation;
                    }
                    else if (!SymbolEqualityComparer.Default.Equals(found.OriginalDefinition, implementation.OriginalDefinition))
                    {
                        return null;
                    }
                }
            }

            return found;
        }

        /// <summary>
        /// A call on <c>this</c> in a default interface member runs only for the source implementations that inherit that
        /// member: one that implements the member itself runs its own body, never the default. True when no implementation in
        /// the compilation inherits it, so that nothing here runs the call from this body (elsa-core: <c>IAIAuditSink.RecordManyAsync</c>
        /// loops over <c>RecordAsync</c> by default; its one implementation writes the batch at once, and its <c>RecordAsync</c>
        /// calls its own <c>RecordManyAsync</c>).
        /// </summary>
        public static bool RunsForNoImplementation(IInvocationOperation invocation, SourceTypeIndex index)
        {
            if (invocation.TargetMethod.IsStatic || invocation.Instance is not { } instance
                || instance.WalkDownConversions().Type is not INamedTypeSymbol receiverType
                || EnclosingDefaultMember(invocation, instance, receiverType) is not { } defaultMember)
            {
                return false;
            }

            return !index.ConcreteTypesOf(receiverType).Any(candidate => InheritsMember(candidate, defaultMember));
        }

        /// <summary>The default interface member (a non-abstract instance member of the receiver's interface) whose body calls through <c>this</c>, or null.</summary>
        private static IMethodSymbol? EnclosingDefaultMember(IInvocationOperation invocation, IOperation instance, INamedTypeSymbol receiverType)
        {
            if (receiverType.TypeKind != TypeKind.Interface
                || instance.WalkDownConversions() is not IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance }
                || invocation.SemanticModel is not { } model)
            {
                return null;
            }

            // A lambda or local function in the member captures the same this.
            var symbol = model.GetEnclosingSymbol(invocation.Syntax.SpanStart);
            while (symbol is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction })
            {
                symbol = symbol.ContainingSymbol;
            }

            return symbol is IMethodSymbol { IsStatic: false, IsAbstract: false } member
                   && SymbolEqualityComparer.Default.Equals(member.ContainingType?.OriginalDefinition, receiverType.OriginalDefinition)
                ? member
                : null;
        }

        /// <summary>Whether instances of <paramref name="type"/> run the interface's own body of <paramref name="member"/> (they do not implement it, nor does a more specific interface).</summary>
        private static bool InheritsMember(INamedTypeSymbol type, IMethodSymbol member)
        {
            var declaring = member.ContainingType.OriginalDefinition;
            foreach (var construction in SourceTypeIndex.SelfBasesAndInterfaces(type))
            {
                if (!SymbolEqualityComparer.Default.Equals(construction.OriginalDefinition, declaring))
                {
                    continue;
                }

                var seen = construction.GetMembers(member.Name).OfType<IMethodSymbol>()
                    .FirstOrDefault(m => SymbolEqualityComparer.Default.Equals(m.OriginalDefinition, member.OriginalDefinition));
                if (seen is not null && type.FindImplementationForInterfaceMember(seen) is IMethodSymbol implementation
                    && SymbolEqualityComparer.Default.Equals(implementation.OriginalDefinition, member.OriginalDefinition))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The method(s) of <paramref name="type"/> that run for <paramref name="method"/>, one per construction of its declaring type.</summary>
        private static IEnumerable<IMethodSymbol> Implementations(INamedTypeSymbol type, IMethodSymbol method)
        {
            var declaring = method.ContainingType;
            if (declaring is null)
            {
                yield break;
            }

            foreach (var construction in SourceTypeIndex.SelfBasesAndInterfaces(type))
            {
                if (!SymbolEqualityComparer.Default.Equals(construction.OriginalDefinition, declaring.OriginalDefinition))
                {
                    continue;
                }

                // The member as seen through this construction (IRepository<Order, Guid>.GetByIdAsync).
                var member = construction.GetMembers(method.Name).OfType<IMethodSymbol>()
                    .FirstOrDefault(m => SymbolEqualityComparer.Default.Equals(m.OriginalDefinition, method.OriginalDefinition));
                if (member is null)
                {
                    continue;
                }

                var implementation = declaring.TypeKind == TypeKind.Interface
                    ? type.FindImplementationForInterfaceMember(member) as IMethodSymbol
                    : MostDerivedOverride(type, member);
                if (implementation is not null && !implementation.IsAbstract)
                {
                    yield return implementation;
                }
            }
        }

        /// <summary>The override of <paramref name="method"/> that an instance of <paramref name="type"/> runs (the method itself when none).</summary>
        private static IMethodSymbol? MostDerivedOverride(INamedTypeSymbol type, IMethodSymbol method)
        {
            var target = method.OriginalDefinition;
            for (var t = type; t is not null; t = t.BaseType)
            {
                foreach (var member in t.GetMembers(method.Name))
                {
                    if (member is not IMethodSymbol candidate)
                    {
                        continue;
                    }

                    for (var m = candidate; m is not null; m = m.IsOverride ? m.OverriddenMethod : null)
                    {
                        if (SymbolEqualityComparer.Default.Equals(m.OriginalDefinition, target))
                        {
                            return candidate;
                        }
                    }
                }
            }

            return null;
        }
    }
}
