namespace PerfAnalyzers.EfCore
{
    /// <summary>Where a query starts.</summary>
    internal enum QueryRootKind
    {
        /// <summary>Not an EF query: an in-memory sequence, or nothing we can tell.</summary>
        None,

        /// <summary>A DbSet&lt;T&gt; property or field (<c>db.Posts</c>).</summary>
        DbSet,

        /// <summary><c>db.Set&lt;T&gt;()</c>.</summary>
        SetMethod,

        /// <summary><c>FromSql</c>/<c>FromSqlRaw</c>/<c>FromSqlInterpolated</c> or <c>Database.SqlQuery</c>.</summary>
        RawSql,

        /// <summary><c>db.Entry(x).Collection(..).Query()</c>.</summary>
        NavigationQuery,

        /// <summary>
        /// An IQueryable of unknown origin (a parameter, an external API): in an EF Core project almost always an EF
        /// query, but rules that rewrite code should want a known root.
        /// </summary>
        UnknownQueryable,
    }

    /// <summary>One operator applied to a query, in application order.</summary>
    internal readonly struct QueryOperator(string name, IInvocationOperation invocation, bool isClientSide, bool isConditional, OperatorKind kind)
    {
        /// <summary>The method name (Where, Include, AsNoTracking, Take...).</summary>
        public string Name { get; } = name;

        public IInvocationOperation Invocation { get; } = invocation;

        /// <summary>Applied after the query switched to LINQ to Objects (AsEnumerable, a Func predicate).</summary>
        public bool IsClientSide { get; } = isClientSide;

        /// <summary>Applied only on some paths (<c>if (f) q = q.Where(...)</c>).</summary>
        public bool IsConditional { get; } = isConditional;

        /// <summary>Which LINQ/EF operator this is (<see cref="QueryOperators"/>), from its symbol; None for an EF-namespace extension outside the vocabulary.</summary>
        public OperatorKind Kind { get; } = kind;

        /// <summary>What the operator means (<see cref="QueryOperators"/>).</summary>
        public OperatorMeaning Meaning => QueryOperators.MeaningOf(Kind);

        /// <summary>True when the operator has any of the meanings in <paramref name="meaning"/>.</summary>
        public bool Is(OperatorMeaning meaning) => (Meaning & meaning) != 0;

        public override string ToString() => Name;
    }

    /// <summary>
    /// The query behind an expression: its root (DbSet, Set&lt;T&gt;(), FromSql...), its entity type, the DbContext
    /// expression, and the operators applied in order. Built by following the expression back through LINQ calls,
    /// IQueryable locals (including conditional reassignment), and properties/methods returning IQueryable, always
    /// within a fixed step budget.
    /// </summary>
    internal sealed class QueryChain(
        QueryRootKind rootKind,
        IOperation? root,
        ITypeSymbol? entityType,
        IOperation? context,
        ImmutableArray<QueryOperator> operators,
        IInvocationOperation? materializedBy,
        QueryOrder order = QueryOrder.Unordered)
    {
        internal static readonly QueryChain None = new QueryChain(QueryRootKind.None, null, null, null, ImmutableArray<QueryOperator>.Empty, null);

        public QueryRootKind RootKind { get; } = rootKind;

        /// <summary>The root operation (the DbSet reference, the Set&lt;T&gt;() call...), when it is in the analysed code.</summary>
        public IOperation? Root { get; } = root;

        /// <summary>The entity type of the root.</summary>
        public ITypeSymbol? EntityType { get; } = entityType;

        /// <summary>The DbContext expression of the root (<c>db</c> in <c>db.Posts</c>), when visible.</summary>
        public IOperation? Context { get; } = context;

        /// <summary>Operators in application order (root first).</summary>
        public ImmutableArray<QueryOperator> Operators { get; } = operators;

        /// <summary>
        /// When the expression is not a query itself but an in-memory sequence made by materializing one
        /// (<c>db.Posts.ToList()</c>): that materializing call. Used by the premature-materialization rule.
        /// </summary>
        public IInvocationOperation? MaterializedBy { get; } = materializedBy;

        /// <summary>
        /// Whether the rows come back in a defined order: an ordering operator (on every path or some), an
        /// <c>IOrderedQueryable</c>, a source helper that orders on every return path, or a call the layer cannot see into
        /// (<see cref="QueryOrdering"/>).
        /// </summary>
        public QueryOrder Order { get; } = order;

        /// <summary>An EF query (known root, or an IQueryable of unknown origin).</summary>
        public bool IsEfQuery => RootKind != QueryRootKind.None;

        /// <summary>An EF query whose root is visible (DbSet, Set&lt;T&gt;(), FromSql, Entry(..).Query()).</summary>
        public bool HasKnownRoot => RootKind != QueryRootKind.None && RootKind != QueryRootKind.UnknownQueryable;

        public bool Has(string operatorName) => Operators.Any(o => o.Name == operatorName);

        public bool HasAny(params string[] operatorNames) => Operators.Any(o => operatorNames.Contains(o.Name));

        public override string ToString()
            => $"{RootKind}<{EntityType?.Name}>" + string.Concat(Operators.Select(o => "." + o.Name));
    }
}
