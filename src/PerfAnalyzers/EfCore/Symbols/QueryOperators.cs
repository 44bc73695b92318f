namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// What a LINQ or EF Core query operator means to a rule. An operator can mean several things (Take pages and keeps
    /// the rows as they are), so the values are flags; the composite values name the questions rules ask.
    /// </summary>
    [System.Flags]
    internal enum OperatorMeaning
    {
        None = 0,

        // ---- operators that execute the query ----

        /// <summary>ToList, ToArray, ToHashSet (and Async): every row, in a list-like collection.</summary>
        ToCollection = 1 << 0,

        /// <summary>ToDictionary, ToLookup (and Async): every row, keyed.</summary>
        ToKeyedCollection = 1 << 1,

        /// <summary>First, FirstOrDefault, Single, SingleOrDefault, Last, LastOrDefault, ElementAt(OrDefault), MinBy, MaxBy (and Async): at most one row.</summary>
        SingleRow = 1 << 2,

        /// <summary>Count, LongCount, Any, All, Sum, Min, Max, Average, Contains, Aggregate, SequenceEqual (and Async): a scalar.</summary>
        Scalar = 1 << 3,

        /// <summary>Load (a query's, or a navigation entry's), ForEachAsync: every row, for its effect (tracking, a callback).</summary>
        Drain = 1 << 4,

        // ---- operators that compose the query ----

        /// <summary>Where.</summary>
        Filter = 1 << 5,

        /// <summary>OrderBy, OrderByDescending, ThenBy, ThenByDescending, Order, OrderDescending.</summary>
        Ordering = 1 << 6,

        /// <summary>Skip, Take, SkipLast, TakeLast, SkipWhile, TakeWhile.</summary>
        Paging = 1 << 7,

        /// <summary>AsNoTracking, AsNoTrackingWithIdentityResolution, AsTracking: the operators that decide tracking.</summary>
        Tracking = 1 << 8,

        /// <summary>Include, ThenInclude.</summary>
        Include = 1 << 9,

        /// <summary>AsSplitQuery, AsSingleQuery, TagWith, TagWithCallSite, IgnoreQueryFilters, IgnoreAutoIncludes: how EF runs the query, not which rows.</summary>
        QueryOption = 1 << 10,

        /// <summary>Distinct, DistinctBy, Reverse, OfType, AsQueryable: a subset or reordering of the same elements.</summary>
        SameElements = 1 << 11,

        /// <summary>
        /// Select, SelectMany, GroupBy, Join, GroupJoin, LeftJoin, RightJoin, Zip, Cast, Concat, Union(By), Intersect(By),
        /// Except(By), CountBy, AggregateBy, DefaultIfEmpty, Append, Prepend, Chunk, Index: rows that are not (only) the
        /// source's elements.
        /// </summary>
        ShapeChanging = 1 << 12,

        /// <summary>AsEnumerable, AsAsyncEnumerable: the rows, streamed to the caller (what follows runs on the client).</summary>
        Streaming = 1 << 13,

        // ---- the questions ----

        /// <summary>Every row into a collection (ToList, ToArray, ToHashSet, ToDictionary, ToLookup).</summary>
        Materializing = ToCollection | ToKeyedCollection,

        /// <summary>At most one row or a scalar: bounds the rows a query transfers.</summary>
        SingleResult = SingleRow | Scalar,

        /// <summary>Executes the query and returns its rows, a row or a scalar (or drains it).</summary>
        Executing = Materializing | SingleRow | Scalar | Drain,

        /// <summary>The results are elements of the source, unchanged (filtered, ordered, paged, with query options).</summary>
        ElementPreserving = Filter | Ordering | Paging | Tracking | Include | QueryOption | SameElements,
    }

    /// <summary>
    /// The LINQ/EF Core operator vocabulary, one answer per question: which method is which operator, and what it means.
    /// Methods are compared by symbol identity (the unreduced original definition) against the members of
    /// <c>System.Linq.Queryable</c>, <c>System.Linq.Enumerable</c>, <c>System.Linq.AsyncEnumerable</c> (.NET 10),
    /// <c>EntityFrameworkQueryableExtensions</c>, <c>RelationalQueryableExtensions</c> (where referenced) and the
    /// operators declared on <c>DbSet&lt;T&gt;</c> itself (AsAsyncEnumerable, AsQueryable) and <c>NavigationEntry.Load</c>
    /// (and its overrides), resolved once per compilation
    /// on the first question (<see cref="EfSymbols.Operators"/>). An application's own method of the same name is not an
    /// operator. The name table below is the one list of operator names; the symbol check runs only for a name in it, so
    /// asking about any other call costs one dictionary lookup.
    /// </summary>
    internal sealed class QueryOperators
    {
        /// <summary>Every operator name (the sync name; EF's and AsyncEnumerable's "Async" counterparts mean the same) and its meaning.</summary>
        private static readonly ImmutableDictionary<string, OperatorMeaning> Names = BuildNames();

        private static readonly string[] VocabularyTypes =
        {
            "System.Linq.Queryable",
            "System.Linq.Enumerable",
            "System.Linq.AsyncEnumerable",
            "Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions",
            "Microsoft.EntityFrameworkCore.RelationalQueryableExtensions",
            "Microsoft.EntityFrameworkCore.DbSet`1",
            "Microsoft.EntityFrameworkCore.ChangeTracking.NavigationEntry", // Entry(x).Collection(..).Load(): Drain
        };

        private readonly Compilation _compilation;
        private readonly INamedTypeSymbol? _efExtensions;
        private Dictionary<IMethodSymbol, OperatorMeaning>? _methods;

        public QueryOperators(Compilation compilation)
        {
            _compilation = compilation;
            _efExtensions = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions");
        }

        /// <summary>What <paramref name="method"/> means as a query operator; None when it is not a LINQ/EF operator (an application's own method of the same name).</summary>
        public OperatorMeaning Meaning(IMethodSymbol? method)
        {
            if (method is null)
            {
                return OperatorMeaning.None;
            }

            var definition = (method.ReducedFrom ?? method).OriginalDefinition;
            if (!Names.ContainsKey(definition.Name) && !Names.ContainsKey(EfSymbols.SyncName(definition.Name)))
            {
                return OperatorMeaning.None;
            }

            for (var m = definition; m is not null; m = m.OverriddenMethod?.OriginalDefinition)
            {
                if (Methods.TryGetValue(m, out var meaning))
                {
                    return meaning;
                }
            }

            // By name, on purpose: another package's static extension class in the EF Core namespace
            // (Microsoft.EntityFrameworkCore.DynamicLinq's ToListAsync/FirstAsync...) is taken for EF operators, as the
            // layer has always done (EfSymbols.IsEfExtensionMethod); its symbols are not in the vocabulary.
            return !SymbolEqualityComparer.Default.Equals(definition.ContainingType, _efExtensions) && EfSymbols.IsEfExtensionMethod(definition)
                ? MeaningOfName(definition.Name)
                : OperatorMeaning.None;
        }

        /// <summary>True when <paramref name="method"/> is a LINQ/EF operator with any of the meanings in <paramref name="meaning"/>.</summary>
        public bool Is(IMethodSymbol? method, OperatorMeaning meaning) => (Meaning(method) & meaning) != 0;

        /// <summary>
        /// The meaning of an operator NAME (sync or Async), without binding. Two uses only: a cheap prefilter before any
        /// symbol is looked at (<see cref="EfCompilation"/>'s round-trip name check), and the EF Core namespace extension
        /// classes of other packages inside <see cref="Meaning"/>. Rules ask <see cref="Meaning"/> or <see cref="Is"/>.
        /// </summary>
        public static OperatorMeaning MeaningOfName(string name)
            => Names.TryGetValue(name, out var meaning) || Names.TryGetValue(EfSymbols.SyncName(name), out meaning) ? meaning : OperatorMeaning.None;

        private Dictionary<IMethodSymbol, OperatorMeaning> Methods
            => System.Threading.Volatile.Read(ref _methods) ?? System.Threading.LazyInitializer.EnsureInitialized(ref _methods, Resolve)!;

        private Dictionary<IMethodSymbol, OperatorMeaning> Resolve()
        {
            var methods = new Dictionary<IMethodSymbol, OperatorMeaning>(SymbolEqualityComparer.Default);
            foreach (var typeName in VocabularyTypes)
            {
                if (_compilation.GetTypeByMetadataName(typeName) is not { } type)
                {
                    continue;
                }

                // Async counterparts only where the type declares them (EF, AsyncEnumerable); Enumerable has no XAsync.
                foreach (var member in type.GetMembers())
                {
                    if (member is IMethodSymbol { MethodKind: MethodKind.Ordinary, DeclaredAccessibility: Accessibility.Public } method
                        && (Names.TryGetValue(method.Name, out var meaning) || Names.TryGetValue(EfSymbols.SyncName(method.Name), out meaning)))
                    {
                        methods[method.OriginalDefinition] = meaning;
                    }
                }
            }

            return methods;
        }

        private static ImmutableDictionary<string, OperatorMeaning> BuildNames()
        {
            var names = ImmutableDictionary.CreateBuilder<string, OperatorMeaning>(System.StringComparer.Ordinal);
            void Add(OperatorMeaning meaning, params string[] operators)
            {
                foreach (var name in operators)
                {
                    names[name] = names.TryGetValue(name, out var existing) ? existing | meaning : meaning;
                }
            }

            Add(OperatorMeaning.ToCollection, "ToList", "ToArray", "ToHashSet");
            Add(OperatorMeaning.ToKeyedCollection, "ToDictionary", "ToLookup");
            Add(OperatorMeaning.SingleRow, "First", "FirstOrDefault", "Single", "SingleOrDefault", "Last", "LastOrDefault",
                "ElementAt", "ElementAtOrDefault", "MinBy", "MaxBy");
            Add(OperatorMeaning.Scalar, "Count", "LongCount", "Any", "All", "Sum", "Min", "Max", "Average", "Contains",
                "Aggregate", "SequenceEqual");
            Add(OperatorMeaning.Drain, "Load", "ForEach");
            Add(OperatorMeaning.Filter, "Where");
            Add(OperatorMeaning.Ordering, "OrderBy", "OrderByDescending", "ThenBy", "ThenByDescending", "Order", "OrderDescending");
            Add(OperatorMeaning.Paging, "Skip", "Take", "SkipLast", "TakeLast", "SkipWhile", "TakeWhile");
            Add(OperatorMeaning.Tracking, "AsNoTracking", "AsNoTrackingWithIdentityResolution", "AsTracking");
            Add(OperatorMeaning.Include, "Include", "ThenInclude");
            Add(OperatorMeaning.QueryOption, "AsSplitQuery", "AsSingleQuery", "TagWith", "TagWithCallSite", "IgnoreQueryFilters",
                "IgnoreAutoIncludes");
            Add(OperatorMeaning.SameElements, "Distinct", "DistinctBy", "Reverse", "OfType", "AsQueryable");
            Add(OperatorMeaning.ShapeChanging, "Select", "SelectMany", "GroupBy", "Join", "GroupJoin", "LeftJoin", "RightJoin",
                "Zip", "Cast", "Concat", "Union", "UnionBy", "Intersect", "IntersectBy", "Except", "ExceptBy", "CountBy",
                "AggregateBy", "DefaultIfEmpty", "Append", "Prepend", "Chunk", "Index");
            Add(OperatorMeaning.Streaming, "AsEnumerable", "AsAsyncEnumerable");
            return names.ToImmutable();
        }
    }
}
