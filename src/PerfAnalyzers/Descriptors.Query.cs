using Microsoft.CodeAnalysis;

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
    }
}
