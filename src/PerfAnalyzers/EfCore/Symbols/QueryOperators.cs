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

        /// <summary>Take, TakeLast, TakeWhile: a cap on the rows.</summary>
        Limit = 1 << 7,

        /// <summary>Skip, SkipLast, SkipWhile: rows left out from one end.</summary>
        Offset = 1 << 14,

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

        /// <summary>Skip, Take, SkipLast, TakeLast, SkipWhile, TakeWhile.</summary>
        Paging = Limit | Offset,

        /// <summary>Every row into a collection (ToList, ToArray, ToHashSet, ToDictionary, ToLookup).</summary>
        Materializing = ToCollection | ToKeyedCollection,

        /// <summary>At most one row or a scalar: bounds the rows a query transfers.</summary>
        SingleResult = SingleRow | Scalar,

        /// <summary>Executes the query and returns its rows, a row or a scalar (or drains it).</summary>
        Executing = Materializing | SingleRow | Scalar | Drain,

        /// <summary>The results are elements of the source, unchanged (filtered, ordered, paged, with query options).</summary>
        ElementPreserving = Filter | Ordering | Limit | Offset | Tracking | Include | QueryOption | SameElements,
    }

    /// <summary>
    /// Which operator a call is, by symbol (<see cref="QueryOperators.Kind"/>): one value per LINQ/EF operator name, sync
    /// and Async alike (ToListAsync is <see cref="ToList"/>). Rules ask a meaning (<see cref="OperatorMeaning"/>) where
    /// one fits their question, and a kind where they need one operator in particular.
    /// </summary>
    internal enum OperatorKind
    {
        None,
        ToList, ToArray, ToHashSet, ToDictionary, ToLookup,
        First, FirstOrDefault, Single, SingleOrDefault, Last, LastOrDefault, ElementAt, ElementAtOrDefault, MinBy, MaxBy,
        Count, LongCount, Any, All, Sum, Min, Max, Average, Contains, Aggregate, SequenceEqual,
        Load, ForEach,
        Where,
        OrderBy, OrderByDescending, ThenBy, ThenByDescending, Order, OrderDescending,
        Take, TakeLast, TakeWhile, Skip, SkipLast, SkipWhile,
        AsNoTracking, AsNoTrackingWithIdentityResolution, AsTracking,
        Include, ThenInclude,
        AsSplitQuery, AsSingleQuery, TagWith, TagWithCallSite, IgnoreQueryFilters, IgnoreAutoIncludes,
        Distinct, DistinctBy, Reverse, OfType, AsQueryable,
        Select, SelectMany, GroupBy, Join, GroupJoin, LeftJoin, RightJoin, Zip, Cast, Concat, Union, UnionBy, Intersect,
        IntersectBy, Except, ExceptBy, CountBy, AggregateBy, DefaultIfEmpty, Append, Prepend, Chunk, Index,
        AsEnumerable, AsAsyncEnumerable,
    }

    /// <summary>
    /// The LINQ/EF Core operator vocabulary, one answer per question: which method is which operator
    /// (<see cref="OperatorKind"/>), and what it means (<see cref="OperatorMeaning"/>). Methods are compared by symbol
    /// identity (the unreduced original definition, or the method it overrides) against the members of
    /// <c>System.Linq.Queryable</c>, <c>System.Linq.Enumerable</c>, <c>System.Linq.AsyncEnumerable</c> (.NET 10),
    /// <c>EntityFrameworkQueryableExtensions</c>, <c>RelationalQueryableExtensions</c> (where referenced), the operators
    /// declared on <c>DbSet&lt;T&gt;</c> itself (AsAsyncEnumerable, AsQueryable) and <c>NavigationEntry.Load</c>, resolved
    /// once per compilation on the first question (<see cref="EfSymbols.Operators"/>, shared through
    /// <see cref="EfCompilation"/>). An application's own method of the same name is not an operator. The name table is
    /// checked first, so asking about any other call costs one dictionary lookup and binds nothing.
    /// </summary>
    internal sealed class QueryOperators
    {
        /// <summary>Every operator name (the sync name; EF's and AsyncEnumerable's "Async" counterparts are the same operator).</summary>
        private static readonly Dictionary<string, OperatorKind> Names = BuildNames();

        /// <summary>The meaning of each <see cref="OperatorKind"/>, indexed by its value.</summary>
        private static readonly OperatorMeaning[] Meanings = BuildMeanings();

        private static readonly string[] VocabularyTypes =
        {
            "System.Linq.Queryable",
            "System.Linq.Enumerable",
            "System.Linq.AsyncEnumerable",
            "Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions",
            "Microsoft.EntityFrameworkCore.RelationalQueryableExtensions",
            "Microsoft.EntityFrameworkCore.DbSet`1",
            "Microsoft.EntityFrameworkCore.ChangeTracking.NavigationEntry", // Entry(x).Collection(..).Load() and its overrides
        };

        private readonly Compilation _compilation;
        private readonly INamedTypeSymbol? _efExtensions;
        private Dictionary<IMethodSymbol, OperatorKind>? _methods;

        public QueryOperators(Compilation compilation)
        {
            _compilation = compilation;
            _efExtensions = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions");
        }

        /// <summary>Which LINQ/EF operator <paramref name="method"/> is; None for any other method (an application's own method of the same name).</summary>
        public OperatorKind Kind(IMethodSymbol? method)
        {
            if (method is null)
            {
                return OperatorKind.None;
            }

            var byName = KindOfName(method.Name);
            if (byName == OperatorKind.None)
            {
                return OperatorKind.None;
            }

            var definition = (method.ReducedFrom ?? method).OriginalDefinition;
            for (var m = definition; m is not null; m = m.OverriddenMethod?.OriginalDefinition)
            {
                if (Methods.TryGetValue(m, out var kind))
                {
                    return kind;
                }
            }

            // By name, on purpose: another package's static extension class in the EF Core namespace
            // (Microsoft.EntityFrameworkCore.DynamicLinq's ToListAsync/FirstAsync...) is taken for EF operators, as the
            // layer has always done (EfSymbols.IsEfExtensionMethod); its symbols are not in the vocabulary.
            return !SymbolEqualityComparer.Default.Equals(definition.ContainingType, _efExtensions) && EfSymbols.IsEfExtensionMethod(definition)
                ? byName
                : OperatorKind.None;
        }

        /// <summary>What <paramref name="method"/> means as a query operator; None when it is not a LINQ/EF operator.</summary>
        public OperatorMeaning Meaning(IMethodSymbol? method) => MeaningOf(Kind(method));

        /// <summary>True when <paramref name="method"/> is a LINQ/EF operator with any of the meanings in <paramref name="meaning"/>.</summary>
        public bool Is(IMethodSymbol? method, OperatorMeaning meaning) => (Meaning(method) & meaning) != 0;

        public static OperatorMeaning MeaningOf(OperatorKind kind) => Meanings[(int)kind];

        /// <summary>
        /// The operator an operator NAME (sync or Async) would be, without binding. Two uses only: a cheap prefilter before
        /// any symbol is looked at (<see cref="EfCompilation"/>'s round-trip name check), and the EF Core namespace
        /// extension classes of other packages inside <see cref="Kind"/>. Rules ask <see cref="Kind"/>, <see cref="Meaning"/>
        /// or <see cref="Is"/>.
        /// </summary>
        public static OperatorKind KindOfName(string name)
            => Names.TryGetValue(name, out var kind) || (name.EndsWith("Async", System.StringComparison.Ordinal) && Names.TryGetValue(EfSymbols.SyncName(name), out kind))
                ? kind
                : OperatorKind.None;

        /// <summary>The meaning of an operator NAME, without binding (see <see cref="KindOfName"/>).</summary>
        public static OperatorMeaning MeaningOfName(string name) => MeaningOf(KindOfName(name));

        // ---- questions several rules ask of one operator (one answer each) ----

        /// <summary>
        /// Operators a set-based statement (ExecuteUpdate/ExecuteDelete) over the same rows reproduces exactly: a filter, and
        /// options that change neither the rows nor the values (anything else, an ordering, a Take, an Include, means no
        /// mechanical rewrite). Asked by <c>LoadedEntities</c> (EFP203/EFP204) and <see cref="SingleRowLoad"/> (EFP206).
        /// </summary>
        public static bool IsReproducibleInBulk(OperatorKind kind)
            => kind is OperatorKind.Where or OperatorKind.AsTracking or OperatorKind.TagWith or OperatorKind.TagWithCallSite or OperatorKind.IgnoreQueryFilters;

        /// <summary>
        /// Operators after which a query's rows are not tracked entities of its root set (not tracked, projected, joined,
        /// combined, or run on the client). OfType keeps them: its rows are tracked entities, of the root type or a derived
        /// one (the callers compare the element type with the root's). Asked by <c>LoadedEntities</c> and <see cref="SingleRowLoad"/>.
        /// </summary>
        public static bool EndsTrackedEntities(OperatorKind kind)
            => kind is OperatorKind.AsNoTracking or OperatorKind.AsNoTrackingWithIdentityResolution or OperatorKind.Select or OperatorKind.SelectMany
                or OperatorKind.GroupBy or OperatorKind.Join or OperatorKind.GroupJoin or OperatorKind.Union or OperatorKind.Concat or OperatorKind.Zip
                or OperatorKind.Cast or OperatorKind.AsEnumerable or OperatorKind.Distinct or OperatorKind.DefaultIfEmpty;

        /// <summary>
        /// Operators after which a query's rows are still its root's rows, as many as a Where lets through: a filter, an
        /// ordering by a key (OrderBy/ThenBy, not Order), Include, tracking and query options. Asked by
        /// <see cref="LoopKeyFilters"/> (batching), EFP314 (plus AsQueryable) and EFP312 (plus the operators a page keeps).
        /// </summary>
        public static bool KeepsRootRows(OperatorKind kind)
            => (MeaningOf(kind) & (OperatorMeaning.Filter | OperatorMeaning.Include | OperatorMeaning.Tracking | OperatorMeaning.QueryOption)) != 0
               || kind is OperatorKind.OrderBy or OperatorKind.OrderByDescending or OperatorKind.ThenBy or OperatorKind.ThenByDescending;

        /// <summary>
        /// The LINQ to Objects operators an <see cref="EntityFlow"/> walk over in-memory entities follows (their lambdas'
        /// element parameter and their result): those whose results are the source's elements (filtered, ordered, paged,
        /// copied, one of them), a scalar, or a new shape the walk judges by its type (Select, SelectMany, GroupBy,
        /// ToDictionary, ToLookup, OfType). A question may decline some (<see cref="EntityMemberUsage"/>: Distinct, which
        /// compares the entities by reference and a projection by value, and OfType, which names the entity type).
        /// </summary>
        public static bool IsFollowedInMemory(OperatorKind kind)
            => kind is OperatorKind.Where or OperatorKind.OrderBy or OperatorKind.OrderByDescending or OperatorKind.ThenBy
                or OperatorKind.ThenByDescending or OperatorKind.Take or OperatorKind.Skip or OperatorKind.TakeWhile or OperatorKind.SkipWhile
                or OperatorKind.Reverse or OperatorKind.Distinct or OperatorKind.OfType or OperatorKind.ToList or OperatorKind.ToArray
                or OperatorKind.AsEnumerable or OperatorKind.First or OperatorKind.FirstOrDefault or OperatorKind.Single or OperatorKind.SingleOrDefault
                or OperatorKind.Last or OperatorKind.LastOrDefault or OperatorKind.ElementAt or OperatorKind.ElementAtOrDefault
                or OperatorKind.MinBy or OperatorKind.MaxBy or OperatorKind.Count or OperatorKind.LongCount or OperatorKind.Any
                or OperatorKind.All or OperatorKind.Contains or OperatorKind.Sum or OperatorKind.Min or OperatorKind.Max or OperatorKind.Average
                or OperatorKind.Select or OperatorKind.SelectMany or OperatorKind.GroupBy or OperatorKind.ToDictionary or OperatorKind.ToLookup;

        /// <summary>
        /// The materializers whose entities EFP302 and EFP305 follow: a list (ToList, ToArray), sync or Async.
        /// </summary>
        public static bool IsEntityListTerminal(OperatorKind kind) => kind is OperatorKind.ToList or OperatorKind.ToArray;

        /// <summary>
        /// The terminals returning one entity that EFP302 and EFP305 follow: First, Single, Last (and OrDefault), sync or Async.
        /// </summary>
        public static bool IsEntityRowTerminal(OperatorKind kind)
            => kind is OperatorKind.First or OperatorKind.FirstOrDefault or OperatorKind.Single or OperatorKind.SingleOrDefault
                or OperatorKind.Last or OperatorKind.LastOrDefault;

        /// <summary>
        /// By name, on purpose: the expression rewriters of third-party libraries (LinqKit's AsExpandable, NeinLinq's
        /// ToInjectable, DelegateDecompiler's Decompile, EntityFrameworkCore.Projectables, linq2db's ToLinqToDB), which make
        /// EF Core translate what it otherwise could not. Their packages are seldom referenced where the analyzer runs
        /// (the one-compilation mode binds none of them), so there is no symbol to compare with. Asked by EFP315.
        /// </summary>
        public static bool IsThirdPartyRewriter(string name)
            => name is "AsExpandable" or "AsExpandableEFCore" or "ToInjectable" or "ToEntityInjectable" or "Decompile" or "DecompileAsync"
                or "ExpandProjectables" or "ToLinqToDB";

        private Dictionary<IMethodSymbol, OperatorKind> Methods
            => System.Threading.Volatile.Read(ref _methods) ?? System.Threading.LazyInitializer.EnsureInitialized(ref _methods, Resolve)!;

        private Dictionary<IMethodSymbol, OperatorKind> Resolve()
        {
            var methods = new Dictionary<IMethodSymbol, OperatorKind>(SymbolEqualityComparer.Default);
            foreach (var typeName in VocabularyTypes)
            {
                if (_compilation.GetTypeByMetadataName(typeName) is not { } type)
                {
                    continue;
                }

                // "Async" counterparts only where the type declares them (EF, AsyncEnumerable): Enumerable has none.
                foreach (var member in type.GetMembers())
                {
                    if (member is IMethodSymbol { MethodKind: MethodKind.Ordinary, DeclaredAccessibility: Accessibility.Public } method
                        && KindOfName(method.Name) is var kind && kind != OperatorKind.None)
                    {
                        methods[method.OriginalDefinition] = kind;
                    }
                }
            }

            return methods;
        }

        private static Dictionary<string, OperatorKind> BuildNames()
        {
            // A plain dictionary, read-only once built: the lookup runs for every invocation a rule looks at.
            var names = new Dictionary<string, OperatorKind>(System.StringComparer.Ordinal);
            foreach (OperatorKind kind in System.Enum.GetValues(typeof(OperatorKind)))
            {
                if (kind != OperatorKind.None)
                {
                    names[kind.ToString()] = kind;
                }
            }

            return names;
        }

        private static OperatorMeaning[] BuildMeanings()
        {
            var meanings = new OperatorMeaning[System.Enum.GetValues(typeof(OperatorKind)).Length];
            void Add(OperatorMeaning meaning, params OperatorKind[] kinds)
            {
                foreach (var kind in kinds)
                {
                    meanings[(int)kind] |= meaning;
                }
            }

            Add(OperatorMeaning.ToCollection, OperatorKind.ToList, OperatorKind.ToArray, OperatorKind.ToHashSet);
            Add(OperatorMeaning.ToKeyedCollection, OperatorKind.ToDictionary, OperatorKind.ToLookup);
            Add(OperatorMeaning.SingleRow, OperatorKind.First, OperatorKind.FirstOrDefault, OperatorKind.Single, OperatorKind.SingleOrDefault,
                OperatorKind.Last, OperatorKind.LastOrDefault, OperatorKind.ElementAt, OperatorKind.ElementAtOrDefault, OperatorKind.MinBy, OperatorKind.MaxBy);
            Add(OperatorMeaning.Scalar, OperatorKind.Count, OperatorKind.LongCount, OperatorKind.Any, OperatorKind.All, OperatorKind.Sum,
                OperatorKind.Min, OperatorKind.Max, OperatorKind.Average, OperatorKind.Contains, OperatorKind.Aggregate, OperatorKind.SequenceEqual);
            Add(OperatorMeaning.Drain, OperatorKind.Load, OperatorKind.ForEach);
            Add(OperatorMeaning.Filter, OperatorKind.Where);
            Add(OperatorMeaning.Ordering, OperatorKind.OrderBy, OperatorKind.OrderByDescending, OperatorKind.ThenBy, OperatorKind.ThenByDescending,
                OperatorKind.Order, OperatorKind.OrderDescending);
            Add(OperatorMeaning.Limit, OperatorKind.Take, OperatorKind.TakeLast, OperatorKind.TakeWhile);
            Add(OperatorMeaning.Offset, OperatorKind.Skip, OperatorKind.SkipLast, OperatorKind.SkipWhile);
            Add(OperatorMeaning.Tracking, OperatorKind.AsNoTracking, OperatorKind.AsNoTrackingWithIdentityResolution, OperatorKind.AsTracking);
            Add(OperatorMeaning.Include, OperatorKind.Include, OperatorKind.ThenInclude);
            Add(OperatorMeaning.QueryOption, OperatorKind.AsSplitQuery, OperatorKind.AsSingleQuery, OperatorKind.TagWith, OperatorKind.TagWithCallSite,
                OperatorKind.IgnoreQueryFilters, OperatorKind.IgnoreAutoIncludes);
            Add(OperatorMeaning.SameElements, OperatorKind.Distinct, OperatorKind.DistinctBy, OperatorKind.Reverse, OperatorKind.OfType, OperatorKind.AsQueryable);
            Add(OperatorMeaning.ShapeChanging, OperatorKind.Select, OperatorKind.SelectMany, OperatorKind.GroupBy, OperatorKind.Join, OperatorKind.GroupJoin,
                OperatorKind.LeftJoin, OperatorKind.RightJoin, OperatorKind.Zip, OperatorKind.Cast, OperatorKind.Concat, OperatorKind.Union, OperatorKind.UnionBy,
                OperatorKind.Intersect, OperatorKind.IntersectBy, OperatorKind.Except, OperatorKind.ExceptBy, OperatorKind.CountBy, OperatorKind.AggregateBy,
                OperatorKind.DefaultIfEmpty, OperatorKind.Append, OperatorKind.Prepend, OperatorKind.Chunk, OperatorKind.Index);
            Add(OperatorMeaning.Streaming, OperatorKind.AsEnumerable, OperatorKind.AsAsyncEnumerable);
            return meanings;
        }
    }

    /// <summary>
    /// The methods of <c>List&lt;T&gt;</c>, arrays (<c>System.Array</c>) and <c>Parallel</c> that take each element. By NAME, on
    /// purpose: they are not query operators, the callers match the declaring type by symbol first (<see cref="EfSymbols.IsList"/>,
    /// <see cref="EfSymbols.Array"/>, <see cref="EfSymbols.Parallel"/>), and <see cref="LoopAnalysis"/> also takes an
    /// application's own <c>ForEach</c> helper over a sequence, whose symbol nothing can know beforehand.
    /// </summary>
    internal static class CollectionMethods
    {
        /// <summary>Their delegate runs once per element (<see cref="LoopAnalysis"/>).</summary>
        public static bool TakesEachElement(string name)
            => name is "ForEach" or "ForEachAsync" or "ConvertAll" or "TrueForAll" or "Exists" or "Find" or "FindAll" or "RemoveAll";

        /// <summary>
        /// An instance method of a collection (a type implementing <c>System.Collections.IEnumerable</c>, by symbol) that puts
        /// elements into it: <c>Add</c>, <c>AddRange</c>, <c>Insert</c>, <c>InsertRange</c> (lists, sets, navigation
        /// collections), <c>TryAdd</c>, <c>AddOrUpdate</c>, <c>GetOrAdd</c> (dictionaries), <c>Enqueue</c>, <c>Push</c>,
        /// <c>Append</c>. By name: an application's own collection types add with the same names.
        /// </summary>
        public static bool AddsElements(IMethodSymbol method, ITypeSymbol? receiverType)
            => !method.IsStatic && method.MethodKind == MethodKind.Ordinary
               && method.Name is "Add" or "AddRange" or "Insert" or "InsertRange" or "TryAdd" or "AddOrUpdate" or "GetOrAdd" or "Enqueue" or "Push" or "Append"
               && receiverType is not null
               && (receiverType.SpecialType == SpecialType.System_Collections_IEnumerable
                   || receiverType.AllInterfaces.Any(i => i.SpecialType == SpecialType.System_Collections_IEnumerable));

        /// <summary>
        /// They read the list and the elements given to their predicates and change no element; their results are the list's
        /// elements or a scalar (<see cref="EntityFlow"/> follows them).
        /// </summary>
        public static bool ReadsElements(string name)
            => name is "Find" or "FindAll" or "FindLast" or "FindIndex" or "FindLastIndex" or "Exists" or "TrueForAll" or "Contains"
                or "IndexOf" or "ForEach" or "ToArray" or "Reverse";
    }
}
