namespace PerfAnalyzers
{
    internal static partial class Descriptors
    {
        internal static readonly DiagnosticDescriptor EFP101_QueryInLoop = new DiagnosticDescriptor(
            RuleIds.QueryInLoop,
            title: "Database query inside a loop",
            messageFormat: "'{0}' runs a database {1} on every {2}; load what the loop needs with one query before it",
            category: Performance,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "A query, Find, Load, ExecuteUpdate/ExecuteDelete or ExecuteSql inside a loop (or a lambda run per element of an in-memory sequence) costs one database round trip per element: the N of an N+1. Load the rows for all keys with one query (Contains over the keys, then ToLookup/ToDictionary), or Include the navigation on the query the loop iterates.",
            helpLinkUri: RuleIds.HelpUri(RuleIds.QueryInLoop));

        internal static readonly DiagnosticDescriptor EFP104_NPlusOneThroughCall = new DiagnosticDescriptor(
            RuleIds.NPlusOneThroughCall,
            title: "Database round trip through a call inside a loop",
            messageFormat: "'{0}' performs a database round trip on every {1} ({2}); load what the loop needs before it or give the method a batch overload",
            category: Performance,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "A method of this compilation that queries or saves (directly or through up to three further calls, interface calls with a single implementation included) is called once per element of a loop: an N+1 hidden behind a repository or helper method. Give the method a batch form that takes all keys, or load the data before the loop.",
            helpLinkUri: RuleIds.HelpUri(RuleIds.NPlusOneThroughCall));

        internal static readonly DiagnosticDescriptor EFP102_LazyLoadingNPlusOne = new DiagnosticDescriptor(
            RuleIds.LazyLoadingNPlusOne,
            title: "Navigation is lazy-loaded inside a loop",
            messageFormat: "'{0}' is lazy-loaded with a separate query for each element of this loop; load it with Include in the query that produces the {1} entities",
            category: Performance,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "With lazy loading on, reading a navigation that the query did not load runs one more query per entity: 1 + N round trips for N rows. Include the navigation (Include/ThenInclude) in the query that loads the entities so everything arrives in one or two round trips.",
            helpLinkUri: RuleIds.HelpUri(RuleIds.LazyLoadingNPlusOne));

        internal static readonly DiagnosticDescriptor EFP103_NavigationNotLoaded = new DiagnosticDescriptor(
            RuleIds.NavigationNotLoaded,
            title: "Navigation is read but never loaded",
            messageFormat: "'{0}' is not loaded by the query that produced this {1} and lazy loading is off: it is null or empty here; Include it in that query",
            category: Performance,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "Without lazy loading, EF Core fills a navigation only when the query includes it (Include, AutoInclude), it is loaded explicitly, or the related entities are already tracked. Otherwise the reference is null and the collection is empty: the code silently works on wrong data.",
            helpLinkUri: RuleIds.HelpUri(RuleIds.NavigationNotLoaded));

        internal static readonly DiagnosticDescriptor EFP105_CartesianExplosion = new DiagnosticDescriptor(
            RuleIds.CartesianExplosion,
            title: "Query includes several collections in one SQL query",
            messageFormat: "This query includes the collections {0} and {1} in one SQL query: each row of one is repeated for every row of the other; use AsSplitQuery()",
            category: Performance,
            defaultSeverity: DiagnosticSeverity.Info,
            isEnabledByDefault: true,
            description: "Including two sibling collection navigations in a single query joins them: the database returns the product of their sizes per root row (cartesian explosion). AsSplitQuery() loads each collection with its own query instead.",
            helpLinkUri: RuleIds.HelpUri(RuleIds.CartesianExplosion));

        internal static readonly DiagnosticDescriptor EFP107_ForeignKeyThroughNavigation = new DiagnosticDescriptor(
            RuleIds.ForeignKeyThroughNavigation,
            title: "Foreign key read through its navigation",
            messageFormat: "'{0}' is the value of '{1}', which every row already holds; read '{1}' and the Include of the navigation is no longer needed for it",
            category: Performance,
            defaultSeverity: DiagnosticSeverity.Info,
            isEnabledByDefault: true,
            description: "Reading the key of a reference navigation (post.Blog.Id) needs the navigation loaded: the query includes it (a join, and a materialized, tracked principal per row) or lazy loading fetches it row by row. The dependent's foreign key property (post.BlogId) holds the same value in the row itself. Read the foreign key, and drop the Include if nothing else reads the navigation.",
            helpLinkUri: RuleIds.HelpUri(RuleIds.ForeignKeyThroughNavigation));

        internal static readonly DiagnosticDescriptor EFP106_UnusedInclude = new DiagnosticDescriptor(
            RuleIds.UnusedInclude,
            title: "Included navigation is never used",
            messageFormat: "'{0}' is included but {1}; remove the Include",
            category: Performance,
            defaultSeverity: DiagnosticSeverity.Info,
            isEnabledByDefault: true,
            description: "An Include joins and transfers the related rows. When the results never read that navigation, or the query ends in a projection (EF ignores Include then), the Include only costs time or misleads the reader.",
            helpLinkUri: RuleIds.HelpUri(RuleIds.UnusedInclude));
    }
}
