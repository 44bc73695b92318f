namespace PerfAnalyzers
{
    internal static partial class Descriptors
    {
        internal static readonly DiagnosticDescriptor EFP303_PrematureMaterialization = new DiagnosticDescriptor(
            RuleIds.PrematureMaterialization,
            title: "Query is materialized before it is filtered, sorted or counted",
            messageFormat: "'{0}' loads every row of the query into memory, then '{1}' runs on the client; apply '{1}' to the query before '{0}' so the database does it",
            category: Performance,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "ToList/ToArray/AsEnumerable (or ToListAsync) executes the query. LINQ operators chained after it run in memory over every row the query returned: a Where after ToList transfers, materializes and tracks the rows it then throws away, a Count after ToList loads a whole table to count it, a Take after ToList loads everything to keep ten. Applied before the materialization, the same operators become SQL (WHERE, ORDER BY, LIMIT, COUNT) and only the rows needed cross the wire.",
            helpLinkUri: RuleIds.HelpUri(RuleIds.PrematureMaterialization));

        internal static readonly DiagnosticDescriptor EFP304_CountInsteadOfAny = new DiagnosticDescriptor(
            RuleIds.CountInsteadOfAny,
            title: "Count() compared with 0 instead of Any()",
            messageFormat: "'{0}' counts every matching row only to compare the count with 0; use '{1}', which stops at the first row",
            category: Performance,
            defaultSeverity: DiagnosticSeverity.Info,
            isEnabledByDefault: true,
            description: "SELECT COUNT(*) must visit every matching row (or index entry); EXISTS stops at the first one. When only 'is there any?' matters, Any()/AnyAsync() is never slower and usually much faster on large tables.",
            helpLinkUri: RuleIds.HelpUri(RuleIds.CountInsteadOfAny));
    

        internal static readonly DiagnosticDescriptor EFP306_PagingWithoutOrderBy = new DiagnosticDescriptor(
            RuleIds.PagingWithoutOrderBy,
            title: "Paging without OrderBy",
            messageFormat: "'{0}' on a query without OrderBy{1} picks rows in an undefined order: the result can change from one run to the next; order the query first{2}",
            category: Performance,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "Without ORDER BY a relational database returns rows in whatever order its plan produces, which changes with data, indexes, parallelism and provider. Skip/Take/ElementAt then page over an undefined order (rows repeat or go missing between pages), and First() without a filter returns an arbitrary row; EF Core itself logs RowLimitingOperationWithoutOrderByWarning and FirstWithoutOrderByAndFilterWarning at run time.",
            helpLinkUri: RuleIds.HelpUri(RuleIds.PagingWithoutOrderBy));
    

        internal static readonly DiagnosticDescriptor EFP307_FuncPredicateOnQuery = new DiagnosticDescriptor(
            RuleIds.FuncPredicateOnQuery,
            title: "Func predicate on an EF query",
            messageFormat: "'{0}' is a delegate, not an expression: this '{1}' binds to Enumerable.{1}, so every row of the query is loaded and filtered in memory; pass an Expression<Func<...>> instead",
            category: Performance,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "Queryable.Where and its siblings take Expression<Func<T, bool>>, which EF Core translates to SQL. A Func<T, bool> variable, parameter, field or method group does not convert to an expression, so C# silently picks Enumerable.Where: the query runs without the filter and every row is materialized (and tracked) before the predicate runs on the client.",
            helpLinkUri: RuleIds.HelpUri(RuleIds.FuncPredicateOnQuery));
    

        internal static readonly DiagnosticDescriptor EFP308_NonSargableStringComparison = new DiagnosticDescriptor(
            RuleIds.NonSargableStringComparison,
            title: "Non-sargable or untranslatable string comparison",
            messageFormat: "'{0}' on the column '{1}' in '{2}' is computed for every row, so an index on '{1}' cannot be used (a full scan); compare the column as stored (a case-insensitive collation, EF.Functions.Collate, or a normalized column)",
            category: Performance,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "ToLower(), ToUpper() and Trim() applied to a column in a filter, an ordering or a join key become LOWER(col)/UPPER(col)/TRIM(col) in SQL: the database computes them for every row and cannot seek an index on the column, so an equality or prefix lookup that would read a few index pages scans the table. On SQL Server and MySQL the default collation is already case-insensitive; elsewhere use a case-insensitive collation on the column (or EF.Functions.Collate, ILike on PostgreSQL), or store a normalized copy of the value with its own index. Contains/EndsWith searches are not reported: they scan anyway.",
            helpLinkUri: RuleIds.HelpUri(RuleIds.NonSargableStringComparison));

        /// <summary>EFP308, second shape: a string comparison overload EF Core does not translate (same ID and title).</summary>
        internal static readonly DiagnosticDescriptor EFP308_UntranslatedStringComparison = new DiagnosticDescriptor(
            RuleIds.NonSargableStringComparison,
            title: "Non-sargable or untranslatable string comparison",
            messageFormat: "'{0}' on a column in '{1}' is not translated to SQL: EF Core throws 'could not be translated' when the query runs; use the overload without a StringComparison/culture argument and let the column's collation decide the case (or EF.Functions.Collate)",
            category: Performance,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "EF Core translates string ==, Equals(string), Compare(string, string), Contains, StartsWith and EndsWith, but none of the overloads taking a StringComparison, a CultureInfo or an ignore-case flag, nor CompareOrdinal, ToLowerInvariant or ToUpperInvariant: a query applying them to a column throws InvalidOperationException ('The LINQ expression ... could not be translated') at run time, since EF Core 3.0. Case-insensitivity belongs to the column's collation (or EF.Functions.Collate, ILike on PostgreSQL).",
            helpLinkUri: RuleIds.HelpUri(RuleIds.NonSargableStringComparison));

        internal static readonly DiagnosticDescriptor EFP310_SameQueryRunsTwice = new DiagnosticDescriptor(
            RuleIds.SameQueryRunsTwice,
            title: "The same query runs twice",
            messageFormat: "'{0}' runs the same query as the '{1}' on line {2} again, with nothing written in between: a second round trip for the same rows; run it once and reuse the result",
            category: Performance,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "An EF Core query is deferred: every ToList, foreach, Count or Any over the same IQueryable (or over an IEnumerable that holds one) sends it to the database again, and an identical chain written twice in one method runs twice. With nothing written in between, the second run returns the rows the first one already had: one more round trip, the same rows transferred and materialized again, and for an IEnumerable local, Count() or Any() themselves load the rows on the client. Materialize once into a list and reuse it. Not reported for different terminals by design (a CountAsync for the total and a ToListAsync for the page, Any then First), exclusive branches, a write, save, transaction or other await in between, changed arguments, loops (EFP101) and test code.",
            helpLinkUri: RuleIds.HelpUri(RuleIds.SameQueryRunsTwice));

        internal static readonly DiagnosticDescriptor EFP311_ContainsOverLoadedList = new DiagnosticDescriptor(
            RuleIds.ContainsOverLoadedList,
            title: "Contains over a list a query just loaded",
            messageFormat: "'{0}' loads '{1}' only to send it back to the database in the Contains of the next query ('{2}'); keep '{1}' a query and EF Core runs one statement with a subquery",
            category: Performance,
            defaultSeverity: DiagnosticSeverity.Info,
            isEnabledByDefault: true,
            description: "Loading keys with ToList and filtering a second query with list.Contains(x.Key) costs two round trips, transfers every key to the application and sends every key back as parameters (one per value, or a JSON array, depending on the EF Core version and provider). When the list is used for nothing else, the same query without ToList stays an IQueryable, and EF Core translates list.Contains(x.Key) to IN (SELECT ...): one round trip, and no keys cross the wire. In this repository's proof with 9,893 keys: 2 round trips -> 1 on SQLite and PostgreSQL.",
            helpLinkUri: RuleIds.HelpUri(RuleIds.ContainsOverLoadedList));

        internal static readonly DiagnosticDescriptor EFP312_PagingOrderNotUnique = new DiagnosticDescriptor(
            RuleIds.PagingOrderNotUnique,
            title: "Paging order is not unique",
            messageFormat: "Pages ordered by {0} alone are not in a unique order: rows with equal values can come back in a different order for each page, so some repeat and others are never shown; order by the key ({1}) last",
            category: Performance,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "Skip/Take pages are only stable when the ORDER BY identifies one row: the columns of OrderBy and its ThenBy calls must include the primary key, an alternate key or a unique index. With ties (a status, a rating, a date), SQL leaves the order of equal rows to the plan, and a plan may order them differently for each OFFSET/LIMIT (PostgreSQL's top-N heapsort does, parallel plans and SQL Server's sorts can): a row appears on two pages and another on none. A ThenBy on the key makes the order total at almost no cost. In this repository's proof on PostgreSQL, 50 pages of 20 blogs ordered by author name showed 54 blogs twice and 54 never; with ThenBy(Id) each blog appeared exactly once.",
            helpLinkUri: RuleIds.HelpUri(RuleIds.PagingOrderNotUnique));

        internal static readonly DiagnosticDescriptor EFP313_BufferedSingleIteration = new DiagnosticDescriptor(
            RuleIds.BufferedSingleIteration,
            title: "Large result buffered to be iterated once",
            messageFormat: "'{0}' holds every '{1}' row in memory at once only for one loop to visit each; stream the rows ({2})",
            category: Performance,
            defaultSeverity: DiagnosticSeverity.Info,
            isEnabledByDefault: true,
            description: "A foreach over ToList/ToListAsync (or over a list read by nothing but that loop) of a query with no filter and no row limit, over a table that grows with use, keeps every row in memory until the loop ends, though each row is visited once. When the rows are not tracked (AsNoTracking, or a projection to a DTO or scalars), streaming them with await foreach over AsAsyncEnumerable() (or foreach over AsEnumerable()) holds one row at a time. Reported only when the loop body does no database work on the context (a second command while the data reader is open fails without MARS), awaits nothing (the connection would stay open meanwhile) and does not leave the loop early. In this repository's proof on SQLite (word counts over the text of 10,000 posts): peak managed heap 24.1 MB -> 15.7 MB, peak kept after a garbage collection 8.3 MB -> 32 KB, same query and result.",
            helpLinkUri: RuleIds.HelpUri(RuleIds.BufferedSingleIteration));
        internal static readonly DiagnosticDescriptor EFP314_UnindexedFilter = new DiagnosticDescriptor(
            RuleIds.UnindexedFilter,
            title: "Filter on a column no index covers",
            messageFormat: "'{0}' looks up '{1}' by '{2}', which no key, foreign key or index starts with, and the table grows with use ({3}): the database reads every row; add an index (HasIndex(x => x.{2}) and a migration)",
            category: Performance,
            defaultSeverity: DiagnosticSeverity.Info,
            isEnabledByDefault: true,
            description: "A lookup (First, Single or Any by an equality) can only seek when an index starts with the filtered column: the primary key, an alternate key, a foreign key (EF Core indexes every foreign key) or a HasIndex/[Index]. Without one, every execution reads the whole table, and the cost grows with the table. Reported when the table grows with use, no other condition of the query uses an indexed column, and the source shows the model's indexes (the migrations' snapshot, or OnModelCreating). Add HasIndex(x => x.Column) and a migration. In this repository's proof, 100 lookups in a table of 100,000 rows took 2,449 ms without an index and 401 ms with one on SQLite, building the index included.",
            helpLinkUri: RuleIds.HelpUri(RuleIds.UnindexedFilter));

        internal static readonly DiagnosticDescriptor EFP315_UntranslatableCall = new DiagnosticDescriptor(
            RuleIds.UntranslatableCall,
            title: "Query calls a method EF Core cannot translate",
            messageFormat: "'{0}' in this {1} cannot be translated to SQL ({2}); EF Core throws 'could not be translated' each time the query runs",
            category: Performance,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "EF Core translates a query's Where, OrderBy, GroupBy, Join keys and aggregates to SQL. A method of the application, a property EF Core does not map (computed in C#, [NotMapped], ignored) or a .NET method the provider has no SQL for, applied to the row's data, cannot be translated: since EF Core 3.0 the query throws InvalidOperationException 'could not be translated' at run time instead of loading the whole table to filter it in memory. Values that do not depend on the row (a captured variable, a call on constants) are evaluated once and sent as parameters, and a final Select may call anything: neither is reported. Rewrite the condition over mapped columns, map the method ([DbFunction], HasDbFunction), or switch to client evaluation explicitly (AsEnumerable) where the rows are few.",
            helpLinkUri: RuleIds.HelpUri(RuleIds.UntranslatableCall));

        internal static readonly DiagnosticDescriptor EFP302_ReadOnlyTrackingQuery = new DiagnosticDescriptor(
            RuleIds.ReadOnlyTrackingQuery,
            title: "Tracking query whose entities are only read",
            messageFormat: "'{0}' tracks the '{1}' entities it loads, but this method only reads them; add AsNoTracking()",
            category: Performance,
            defaultSeverity: DiagnosticSeverity.Info,
            isEnabledByDefault: true,
            description: "A tracking query registers every entity it materializes with the change tracker: an identity-map lookup, an entry and a snapshot of the original values per row, kept until the context is disposed. When the method only reads the entities (never modifies, saves, returns or passes them on), AsNoTracking() skips all of that: in this repository's proof on SQLite, reading 10,000 posts with their blogs took 449 ms and 26.9 MB tracked, 189 ms and 20.2 MB with AsNoTracking().",
            helpLinkUri: RuleIds.HelpUri(RuleIds.ReadOnlyTrackingQuery));


        internal static readonly DiagnosticDescriptor EFP301_UnboundedQuery = new DiagnosticDescriptor(
            RuleIds.UnboundedQuery,
            title: "Unbounded query",
            messageFormat: "'{0}' loads every {1}row of '{2}' on a request path with no row limit, and the table grows with use ({3}): page the query (Take, keyset pagination) or filter it",
            category: Performance,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "A query that materializes a whole table has a cost proportional to the table: fine with 50 rows in development, a timeout or an out-of-memory with 5 million in production. Page it (Take/Skip with an OrderBy, or keyset pagination) or filter it. Reported only for tables that grow with use (a parent or owner, and a creation timestamp or rows added by the application), on a request path, when the rows are not cached; lookup tables (HasData, enum keys, excluded_entities), setup and test code are exempt.",
            helpLinkUri: RuleIds.HelpUri(RuleIds.UnboundedQuery));

        internal static readonly DiagnosticDescriptor EFP305_WholeEntityProjection = new DiagnosticDescriptor(
            RuleIds.WholeEntityProjection,
            title: "Whole entities are loaded where a projection suffices",
            messageFormat: "'{0}' loads whole '{1}' entities but this method only reads {2}; select just those members",
            category: Performance,
            defaultSeverity: DiagnosticSeverity.Info,
            isEnabledByDefault: true,
            description: "Materializing entities reads every mapped column (including large text), builds change-tracking snapshots and allocates full objects. When the method only reads a few scalar members and never passes the entities on, a Select of those members reads fewer values and allocates less.",
            helpLinkUri: RuleIds.HelpUri(RuleIds.WholeEntityProjection));
    }
}
