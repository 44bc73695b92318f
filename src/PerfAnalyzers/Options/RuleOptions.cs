namespace PerfAnalyzers.Options
{
    /// <summary>
    /// Every option the rules read, declared once: its key, the rules that read it, its default and what it does. A rule
    /// reads an option through these objects only (<c>RuleOptions.ReportSeedingCode.Read(options, tree, RuleIds.QueryInLoop)</c>),
    /// so the key, the global fallback and the parsing are the same everywhere. Add a new option here, list the rules
    /// that read it, and document it on each of their pages (a Meta test checks).
    /// </summary>
    internal static class RuleOptions
    {
        public static readonly BoolOption ReportSeedingCode = new(
            "report_seeding_code",
            "Also report setup code (seeding, migrations, installation, provisioning, start-up), which runs once over a handful of rows.",
            PerfAnalyzers.RuleIds.QueryInLoop,
            PerfAnalyzers.RuleIds.NPlusOneThroughCall,
            PerfAnalyzers.RuleIds.SaveChangesInLoop,
            PerfAnalyzers.RuleIds.AddInLoop,
            PerfAnalyzers.RuleIds.ReadModifyWrite,
            PerfAnalyzers.RuleIds.UnboundedQuery,
            PerfAnalyzers.RuleIds.CountInsteadOfAny,
            PerfAnalyzers.RuleIds.SameQueryRunsTwice,
            PerfAnalyzers.RuleIds.UnindexedFilter,
            PerfAnalyzers.RuleIds.SyncCallInAsyncCode,
            PerfAnalyzers.RuleIds.ReadOnlyTrackingQuery,
            PerfAnalyzers.RuleIds.PrematureMaterialization,
            PerfAnalyzers.RuleIds.WholeEntityProjection,
            PerfAnalyzers.RuleIds.PagingWithoutOrderBy,
            PerfAnalyzers.RuleIds.DeleteLoop);

        public static readonly BoolOption ReportConstantCollections = new(
            "report_constant_collections",
            "Also report loops over values written in the code (literals, constant locals or fields, Enum.GetValues, a constant for bound).",
            PerfAnalyzers.RuleIds.QueryInLoop,
            PerfAnalyzers.RuleIds.NPlusOneThroughCall,
            PerfAnalyzers.RuleIds.SaveChangesInLoop);

        public static readonly NameListOption RoundTripTypes = new(
            "round_trip_types",
            "Types (simple, generic without arity, or full names) whose methods are database round trips, for implementations the compilation cannot see.",
            PerfAnalyzers.RuleIds.NPlusOneThroughCall);

        public static readonly BoolOption ReportFiltered = new(
            "report_filtered",
            "Also report filtered queries that have no row limit.",
            PerfAnalyzers.RuleIds.UnboundedQuery);

        public static readonly NameListOption ExcludedEntities = new(
            "excluded_entities",
            "Entities (simple or full names) whose tables are bounded by the domain and are never reported.",
            PerfAnalyzers.RuleIds.UnboundedQuery);

        public static readonly PositiveIntOption MaxMembers = new(
            "max_members",
            3,
            "The most members a query's consumers may read for a projection to be suggested.",
            PerfAnalyzers.RuleIds.WholeEntityProjection);

        public static readonly BoolOption ReportConditionalFilter = new(
            "report_conditional_filter",
            "Also report a bulk statement whose only filter is applied on some paths (if (x) q = q.Where(..)).",
            PerfAnalyzers.RuleIds.BulkOperationWithoutFilter);

        /// <summary>Every declared option, for the guard tests and the docs.</summary>
        public static readonly ImmutableArray<RuleOption> All = ImmutableArray.Create<RuleOption>(
            ReportSeedingCode,
            ReportConstantCollections,
            RoundTripTypes,
            ReportFiltered,
            ExcludedEntities,
            MaxMembers,
            ReportConditionalFilter);
    }
}
