namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// The EF Core (and LINQ) symbols every rule asks about, resolved once per compilation.
    /// <see cref="TryCreate"/> returns null when the compilation does not reference EF Core, so rules register nothing.
    /// </summary>
    internal sealed class EfSymbols
    {
        private const string EfNamespace = "Microsoft.EntityFrameworkCore";

        private EfSymbols(Compilation compilation, INamedTypeSymbol dbContext, INamedTypeSymbol dbSet)
        {
            Compilation = compilation;
            DbContext = dbContext;
            DbSet = dbSet;
            IQueryable = compilation.GetTypeByMetadataName("System.Linq.IQueryable");
            IQueryableOfT = compilation.GetTypeByMetadataName("System.Linq.IQueryable`1");
            IEnumerableOfT = compilation.GetSpecialType(SpecialType.System_Collections_Generic_IEnumerable_T);
            IAsyncEnumerableOfT = compilation.GetTypeByMetadataName("System.Collections.Generic.IAsyncEnumerable`1");
            Queryable = compilation.GetTypeByMetadataName("System.Linq.Queryable");
            Enumerable = compilation.GetTypeByMetadataName("System.Linq.Enumerable");
            AsyncEnumerable = compilation.GetTypeByMetadataName("System.Linq.AsyncEnumerable");
            Expression = compilation.GetTypeByMetadataName("System.Linq.Expressions.Expression`1");
            DatabaseFacade = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.Infrastructure.DatabaseFacade");
            EntityEntry = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry");
            NavigationEntry = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.ChangeTracking.NavigationEntry");
            LocalView = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.ChangeTracking.LocalView`1");
            ChangeTracker = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.ChangeTracking.ChangeTracker");
            ListOfT = compilation.GetTypeByMetadataName("System.Collections.Generic.List`1");
            Parallel = compilation.GetTypeByMetadataName("System.Threading.Tasks.Parallel");
            Array = compilation.GetSpecialType(SpecialType.System_Array);
            Task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
            DbUpdateConcurrencyException = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.DbUpdateConcurrencyException");
            SetTypes = ResolveAll(compilation, "System.Collections.Generic.ISet`1", "System.Collections.Generic.IReadOnlySet`1");
            DictionaryTypes = ResolveAll(compilation, "System.Collections.Generic.IDictionary`2", "System.Collections.Generic.IReadOnlyDictionary`2");
            KeyValuePair = compilation.GetTypeByMetadataName("System.Collections.Generic.KeyValuePair`2");
            Grouping = compilation.GetTypeByMetadataName("System.Linq.IGrouping`2");
            Lookup = compilation.GetTypeByMetadataName("System.Linq.ILookup`2");
        }

        private static ImmutableArray<INamedTypeSymbol> ResolveAll(Compilation compilation, params string[] names)
            => names.Select(compilation.GetTypeByMetadataName).OfType<INamedTypeSymbol>().ToImmutableArray();

        /// <summary><c>ISet&lt;T&gt;</c>, <c>IReadOnlySet&lt;T&gt;</c>: collections that hold each element once.</summary>
        private ImmutableArray<INamedTypeSymbol> SetTypes { get; }

        /// <summary><c>IDictionary&lt;K,V&gt;</c>, <c>IReadOnlyDictionary&lt;K,V&gt;</c>: collections that hold each key once.</summary>
        private ImmutableArray<INamedTypeSymbol> DictionaryTypes { get; }

        public INamedTypeSymbol? KeyValuePair { get; }

        /// <summary><c>IGrouping&lt;K,T&gt;</c>: a group of <c>GroupBy</c> (or of an <c>ILookup</c>), one per key.</summary>
        public INamedTypeSymbol? Grouping { get; }

        public INamedTypeSymbol? Lookup { get; }

        /// <summary>A set (<c>ISet&lt;T&gt;</c>, <c>IReadOnlySet&lt;T&gt;</c> or a type implementing one): each element once.</summary>
        public bool IsSet(ITypeSymbol? type) => type is not null && SetTypes.Any(t => IsOrImplements(type, t));

        /// <summary>A dictionary (<c>IDictionary&lt;K,V&gt;</c>, <c>IReadOnlyDictionary&lt;K,V&gt;</c> or a type implementing one): each key once.</summary>
        public bool IsDictionary(ITypeSymbol? type) => type is not null && DictionaryTypes.Any(t => IsOrImplements(type, t));

        /// <summary>An <c>ILookup&lt;K,T&gt;</c> (or a type implementing it): one group per key.</summary>
        public bool IsLookup(ITypeSymbol? type) => type is not null && Lookup is not null && IsOrImplements(type, Lookup);

        public Compilation Compilation { get; }
        public INamedTypeSymbol DbContext { get; }
        public INamedTypeSymbol DbSet { get; }
        public INamedTypeSymbol? IQueryable { get; }
        public INamedTypeSymbol? IQueryableOfT { get; }
        public INamedTypeSymbol IEnumerableOfT { get; }
        public INamedTypeSymbol? IAsyncEnumerableOfT { get; }
        public INamedTypeSymbol? Queryable { get; }
        public INamedTypeSymbol? Enumerable { get; }

        /// <summary>System.Linq.AsyncEnumerable (.NET 10 BCL): LINQ over IAsyncEnumerable, which DbSet implements.</summary>
        public INamedTypeSymbol? AsyncEnumerable { get; }
        public INamedTypeSymbol? Expression { get; }
        public INamedTypeSymbol? DatabaseFacade { get; }
        public INamedTypeSymbol? EntityEntry { get; }
        public INamedTypeSymbol? NavigationEntry { get; }

        /// <summary><c>DbSet&lt;T&gt;.Local</c>: the entities of that set the context tracks (its identity map), read without a round trip.</summary>
        public INamedTypeSymbol? LocalView { get; }

        /// <summary><c>DbContext.ChangeTracker</c>: <c>Entries&lt;T&gt;()</c> reads the tracked entities without a round trip.</summary>
        public INamedTypeSymbol? ChangeTracker { get; }
        public INamedTypeSymbol? ListOfT { get; }
        public INamedTypeSymbol? Parallel { get; }
        public INamedTypeSymbol Array { get; }
        public INamedTypeSymbol? Task { get; }
        public INamedTypeSymbol? DbUpdateConcurrencyException { get; }

        /// <summary>The major version of the referenced Microsoft.EntityFrameworkCore assembly (0 when unknown).</summary>
        public int EfMajorVersion => DbContext.ContainingAssembly.Identity.Version.Major;

        public static EfSymbols? TryCreate(Compilation compilation)
        {
            var dbContext = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.DbContext");
            var dbSet = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.DbSet`1");
            if (dbContext is null || dbSet is null)
            {
                return null;
            }

            return new EfSymbols(compilation, dbContext, dbSet);
        }

        // ---- types ----

        public bool IsDbContext(ITypeSymbol? type) => InheritsFrom(type, DbContext);

        /// <summary>A DbContext, or an interface that stands for one (<see cref="DbContextInterfaces"/>): the receiver of SaveChanges, Set, Find, Add, Remove...</summary>
        public bool IsDbContextOrInterface(ITypeSymbol? type)
            => IsDbContext(type) || (type?.TypeKind == TypeKind.Interface && ContextInterfaces.IsDbContextInterface(type));

        /// <summary>The LINQ/EF Core operator vocabulary (which method is which operator, and what it means), resolved on first use.</summary>
        public QueryOperators Operators => System.Threading.Volatile.Read(ref _operators) ?? System.Threading.LazyInitializer.EnsureInitialized(ref _operators, () => new QueryOperators(Compilation))!;

        private QueryOperators? _operators;

        /// <summary>The concrete source types by base type and interface, built once on first use.</summary>
        public SourceTypeIndex SourceTypes => System.Threading.LazyInitializer.EnsureInitialized(ref _sourceTypes, () => SourceTypeIndex.Build(Compilation))!;

        private SourceTypeIndex? _sourceTypes;

        private DbContextInterfaces ContextInterfaces => System.Threading.LazyInitializer.EnsureInitialized(ref _contextInterfaces, () => new DbContextInterfaces(this))!;

        private DbContextInterfaces? _contextInterfaces;

        public bool IsDbSet(ITypeSymbol? type)
            => type is INamedTypeSymbol named && InheritsFrom(named, DbSet);

        /// <summary>IQueryable, IQueryable&lt;T&gt; or a type implementing it (DbSet, IOrderedQueryable, IIncludableQueryable...).</summary>
        public bool IsQueryable(ITypeSymbol? type)
        {
            if (type is null || IQueryable is null)
            {
                return false;
            }

            if (SymbolEqualityComparer.Default.Equals(type, IQueryable) || SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, IQueryableOfT))
            {
                return true;
            }

            foreach (var i in type.AllInterfaces)
            {
                if (SymbolEqualityComparer.Default.Equals(i, IQueryable))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// <see cref="IsQueryable"/>, <see cref="IsDbSet"/> or <see cref="IsAsyncEnumerable"/>: a type a query (or an async
        /// stream of one) can have; answered once per type (asked of every operation of a body by
        /// <see cref="NavigationAccess.MayTraceEntityIn"/>).
        /// </summary>
        public bool IsQuerySequenceType(ITypeSymbol type)
            => _querySequenceTypes.TryGetValue(type, out var known)
                ? known
                : _querySequenceTypes.GetOrAdd(type, IsQueryable(type) || IsDbSet(type) || IsAsyncEnumerable(type)); // no closure per call: asked for every operation

        private readonly System.Collections.Concurrent.ConcurrentDictionary<ITypeSymbol, bool> _querySequenceTypes =
            new System.Collections.Concurrent.ConcurrentDictionary<ITypeSymbol, bool>(SymbolEqualityComparer.Default);

        public bool IsAsyncEnumerable(ITypeSymbol? type)
        {
            return type is not null && IAsyncEnumerableOfT is not null && IsOrImplements(type, IAsyncEnumerableOfT);
        }

        /// <summary><paramref name="type"/> is a constructed <paramref name="genericInterface"/>, or implements one.</summary>
        private static bool IsOrImplements(ITypeSymbol type, INamedTypeSymbol genericInterface)
        {
            if (SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, genericInterface))
            {
                return true;
            }

            foreach (var i in type.AllInterfaces)
            {
                if (SymbolEqualityComparer.Default.Equals(i.OriginalDefinition, genericInterface))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The T of IQueryable&lt;T&gt;/DbSet&lt;T&gt;/IEnumerable&lt;T&gt; (the element type of a sequence).</summary>
        public ITypeSymbol? GetElementType(ITypeSymbol? type)
        {
            if (type is null)
            {
                return null;
            }

            if (type is IArrayTypeSymbol array)
            {
                return array.ElementType;
            }

            if (type is INamedTypeSymbol named && named.IsGenericType && named.TypeArguments.Length == 1
                && (SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, IQueryableOfT)
                    || SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, IEnumerableOfT)
                    || SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, IAsyncEnumerableOfT)))
            {
                return named.TypeArguments[0];
            }

            foreach (var i in type.AllInterfaces)
            {
                if (SymbolEqualityComparer.Default.Equals(i.OriginalDefinition, IQueryableOfT))
                {
                    return i.TypeArguments[0];
                }
            }

            foreach (var i in type.AllInterfaces)
            {
                if (SymbolEqualityComparer.Default.Equals(i.OriginalDefinition, IEnumerableOfT))
                {
                    return i.TypeArguments[0];
                }
            }

            return null;
        }

        /// <summary>True for arrays and generic collections (not string): the element of a loop over batches.</summary>
        public bool IsSequenceType(ITypeSymbol? type)
        {
            if (type is null || type.SpecialType == SpecialType.System_String)
            {
                return false;
            }

            return type is IArrayTypeSymbol || IsOrImplements(type, IEnumerableOfT);
        }

        public bool IsExpressionTree(ITypeSymbol? type)
            => type is not null && Expression is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, Expression);

        // ---- methods ----

        public bool IsQueryableMethod(IMethodSymbol method) => SymbolEqualityComparer.Default.Equals(method.ContainingType, Queryable);

        public bool IsEnumerableMethod(IMethodSymbol method) => SymbolEqualityComparer.Default.Equals(method.ContainingType, Enumerable);

        public bool IsAsyncEnumerableMethod(IMethodSymbol method)
            => AsyncEnumerable is not null && SymbolEqualityComparer.Default.Equals(method.ContainingType, AsyncEnumerable);

        /// <summary>A static extension class of EF Core or of an EF Core provider (namespace Microsoft.EntityFrameworkCore).</summary>
        public static bool IsEfExtensionMethod(IMethodSymbol method)
        {
            var type = method.ContainingType;
            return type is not null && type.IsStatic && IsInEfNamespace(type);
        }

        public static bool IsInEfNamespace(ISymbol symbol)
        {
            var ns = symbol.ContainingNamespace?.ToDisplayString();
            return ns is not null && (ns == EfNamespace || ns.StartsWith(EfNamespace + ".", System.StringComparison.Ordinal));
        }

        /// <summary>DbContext.SaveChanges / SaveChangesAsync, including overrides in derived contexts.</summary>
        public bool IsSaveChanges(IMethodSymbol method)
            => (method.Name == "SaveChanges" || method.Name == "SaveChangesAsync") && IsDbContextOrInterface(method.ContainingType);

        /// <summary>DbContext.Set&lt;T&gt;().</summary>
        public bool IsSetMethod(IMethodSymbol method)
            => method.Name == "Set" && method.IsGenericMethod && IsDbContextOrInterface(method.ContainingType) && IsDbSet(method.ReturnType);

        public bool IsFindMethod(IMethodSymbol method)
            => (method.Name == "Find" || method.Name == "FindAsync")
               && (IsDbSet(method.ContainingType) || IsDbContextOrInterface(method.ContainingType));

        /// <summary>EntityEntry.Collection(..)/Reference(..)/Navigation(..).Load(Async), and .Query().</summary>
        public bool IsNavigationEntryMember(IMethodSymbol method)
            => NavigationEntry is not null && InheritsFrom(method.ContainingType, NavigationEntry);

        public bool IsDatabaseFacade(ITypeSymbol? type) => DatabaseFacade is not null && InheritsFrom(type, DatabaseFacade);

        public bool IsList(ITypeSymbol? type)
            => type is not null && ListOfT is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, ListOfT);

        /// <summary>What awaiting a value of <paramref name="type"/> gives: T of <c>System.Threading.Tasks.Task&lt;T&gt;</c>/<c>ValueTask&lt;T&gt;</c>, else the type itself.</summary>
        public static ITypeSymbol? TaskResultType(ITypeSymbol? type)
            => type is INamedTypeSymbol { IsGenericType: true, Name: "Task" or "ValueTask" } task
               && task.ContainingNamespace?.ToDisplayString() == "System.Threading.Tasks"
                ? task.TypeArguments[0]
                : type;

        public static bool InheritsFrom(ITypeSymbol? type, ITypeSymbol? baseType)
        {
            if (baseType is null)
            {
                return false;
            }

            for (var t = type; t is not null; t = t.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, baseType.OriginalDefinition))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Strips a trailing "Async" from an EF async operator name (ToListAsync -> ToList).</summary>
        public static string SyncName(string name)
            => name.EndsWith("Async", System.StringComparison.Ordinal) ? name.Substring(0, name.Length - 5) : name;

        internal static IEnumerable<INamedTypeSymbol> SelfAndBaseTypes(INamedTypeSymbol? type)
        {
            for (var t = type; t is not null; t = t.BaseType)
            {
                yield return t;
            }
        }
    }
}
