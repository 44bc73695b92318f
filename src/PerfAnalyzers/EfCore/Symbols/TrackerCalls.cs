namespace PerfAnalyzers.EfCore
{
    /// <summary>What a change-tracker call does to the entities it is given.</summary>
    internal enum TrackerKind
    {
        /// <summary>Add, AddAsync, AddRange, AddRangeAsync: inserted at the next save.</summary>
        Add,

        /// <summary>Attach, AttachRange: tracked as unchanged.</summary>
        Attach,

        /// <summary>Update, UpdateRange: every column written at the next save.</summary>
        Update,

        /// <summary>Remove, RemoveRange: deleted at the next save.</summary>
        Remove,
    }

    /// <summary>
    /// A call of the change tracker's entity methods (Add, Attach, Update, Remove and their Range and Async forms) on a
    /// <c>DbSet&lt;T&gt;</c>, a <c>DbContext</c> or an interface that stands for one (<see cref="EfSymbols.IsDbContextOrInterface"/>):
    /// the one answer to "does this call add, attach, update or remove entities, and of which type?" (EFP201's read-back
    /// exemption, EFP202, EFP204, EFP310's runs, the delete drains, the EFP401 suppressor, <see cref="EntityChanges"/>).
    /// The method is known by its name on a receiver whose type is checked by symbol, as <see cref="EfSymbols.IsSaveChanges"/>
    /// is: a context interface declares its own Add and Remove, whose symbols nothing can know beforehand.
    /// </summary>
    internal readonly struct TrackerCall(TrackerKind kind, bool isRange, bool isAsync, ITypeSymbol? entity)
    {
        public TrackerKind Kind { get; } = kind;

        /// <summary>AddRange, AttachRange, UpdateRange, RemoveRange (and AddRangeAsync): given a sequence (or a params array).</summary>
        public bool IsRange { get; } = isRange;

        /// <summary>AddAsync, AddRangeAsync.</summary>
        public bool IsAsync { get; } = isAsync;

        /// <summary>
        /// The entity type acted on: a DbSet's type argument; for a context's method, the argument's type (a sequence's or an
        /// array's element type for a Range call). Null when no argument says.
        /// </summary>
        public ITypeSymbol? Entity { get; } = entity;

        /// <summary>The names a tracker call can have, for a syntax prefilter (<see cref="MayBe"/>).</summary>
        public static bool MayBe(string name) => Parse(name, out _, out _, out _);

        /// <summary>The names a Range tracker call can have, for a syntax prefilter.</summary>
        public static bool MayBeRange(string name) => Parse(name, out _, out var isRange, out _) && isRange;

        /// <summary>
        /// Whether <paramref name="method"/> is a change-tracker entity method: EF Core's own (a DbSet's or a context's, also
        /// through an override), or one of a context interface's.
        /// </summary>
        public static bool Is(EfSymbols symbols, IMethodSymbol method, out TrackerKind kind, out bool isRange)
        {
            if (!Parse(method.Name, out kind, out isRange, out _) || method.IsStatic
                || !(symbols.IsDbSet(method.ContainingType) || symbols.IsDbContextOrInterface(method.ContainingType)))
            {
                return false;
            }

            var declared = method.OriginalDefinition;
            while (declared.OverriddenMethod is { } overridden)
            {
                declared = overridden.OriginalDefinition;
            }

            return declared.ContainingType.TypeKind == TypeKind.Interface || EfSymbols.IsInEfNamespace(declared.ContainingType);
        }

        /// <summary>The tracker call <paramref name="invocation"/> is, or null.</summary>
        public static TrackerCall? Of(EfSymbols symbols, IInvocationOperation invocation)
        {
            var method = invocation.TargetMethod;
            if (!Is(symbols, method, out var kind, out var isRange))
            {
                return null;
            }

            return new TrackerCall(kind, isRange, method.Name.EndsWith("Async", StringComparison.Ordinal), EntityOf(symbols, invocation));
        }

        private static ITypeSymbol? EntityOf(EfSymbols symbols, IInvocationOperation invocation)
        {
            var method = invocation.TargetMethod;
            if (symbols.IsDbSet(method.ContainingType) && method.ContainingType is { TypeArguments.Length: 1 } set)
            {
                return set.TypeArguments[0];
            }

            var element = invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value.WalkDownConversions().Type : null;
            if (element is INamedTypeSymbol { IsGenericType: true } sequence && IsCollection(sequence))
            {
                element = sequence.TypeArguments[0];
            }

            return element is IArrayTypeSymbol array ? array.ElementType : element;
        }

        /// <summary>A collection of entities given to a context's Range method (or one given where an entity is expected).</summary>
        private static bool IsCollection(INamedTypeSymbol type)
            => type.SpecialType != SpecialType.System_String
               && (type.Name is "IEnumerable" or "ICollection" or "IList" or "List" or "HashSet" or "ISet" or "IReadOnlyCollection" or "IReadOnlyList" or "Collection"
                   || type.AllInterfaces.Any(i => i.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T));

        private static bool Parse(string name, out TrackerKind kind, out bool isRange, out bool isAsync)
        {
            isAsync = false;
            isRange = false;
            switch (name)
            {
                case "Add":
                case "AddAsync":
                case "AddRange":
                case "AddRangeAsync":
                    kind = TrackerKind.Add;
                    isAsync = name.EndsWith("Async", StringComparison.Ordinal);
                    isRange = name.StartsWith("AddRange", StringComparison.Ordinal);
                    return true;
                case "Attach":
                case "AttachRange":
                    kind = TrackerKind.Attach;
                    break;
                case "Update":
                case "UpdateRange":
                    kind = TrackerKind.Update;
                    break;
                case "Remove":
                case "RemoveRange":
                    kind = TrackerKind.Remove;
                    break;
                default:
                    kind = default;
                    return false;
            }

            isRange = name.EndsWith("Range", StringComparison.Ordinal);
            return true;
        }
    }
}
