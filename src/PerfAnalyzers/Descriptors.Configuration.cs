namespace PerfAnalyzers
{
    internal static partial class Descriptors
    {
        internal static readonly DiagnosticDescriptor EFP501_DbContextPooling = new DiagnosticDescriptor(
            RuleIds.DbContextPooling,
            title: "DbContext can be pooled",
            messageFormat: "'{0}' is pool-compatible: register it with AddDbContextPool to reuse context instances instead of building one per scope",
            category: Performance,
            defaultSeverity: DiagnosticSeverity.Info,
            isEnabledByDefault: true,
            description: "AddDbContext builds a new DbContext (and its internal services) for every request scope. When the context only takes DbContextOptions in its single constructor and keeps no state of its own, AddDbContextPool hands out reset instances from a pool instead, which EF Core's documentation measures at roughly twice the requests per second for a trivial request.",
            helpLinkUri: RuleIds.HelpUri(RuleIds.DbContextPooling));
    }
}
