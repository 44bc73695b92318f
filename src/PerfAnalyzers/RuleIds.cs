namespace PerfAnalyzers
{
    /// <summary>Every rule ID, and where its documentation lives.</summary>
    public static class RuleIds
    {
        public const string HelpBaseUri = "https://github.com/perfanalyzers/PerfAnalyzers/blob/main/docs/rules/";

        // N+1 and loading
        public const string QueryInLoop = "EFP101";
        public const string LazyLoadingNPlusOne = "EFP102";
        public const string NavigationNotLoaded = "EFP103";
        public const string NPlusOneThroughCall = "EFP104";
        public const string CartesianExplosion = "EFP105";
        public const string UnusedInclude = "EFP106";
        public const string ForeignKeyThroughNavigation = "EFP107";

        // Writes
        public const string SaveChangesInLoop = "EFP201";
        public const string AddInLoop = "EFP202";
        public const string UpdateLoop = "EFP203";
        public const string DeleteLoop = "EFP204";
        public const string BulkOperationWithoutFilter = "EFP205";
        public const string ReadModifyWrite = "EFP206";

        // Query shape and tracking
        public const string UnboundedQuery = "EFP301";
        public const string ReadOnlyTrackingQuery = "EFP302";
        public const string PrematureMaterialization = "EFP303";
        public const string CountInsteadOfAny = "EFP304";
        public const string WholeEntityProjection = "EFP305";
        public const string PagingWithoutOrderBy = "EFP306";
        public const string FuncPredicateOnQuery = "EFP307";
        public const string NonSargableStringComparison = "EFP308";
        public const string SameQueryRunsTwice = "EFP310";
        public const string ContainsOverLoadedList = "EFP311";
        public const string PagingOrderNotUnique = "EFP312";
        public const string BufferedSingleIteration = "EFP313";
        public const string UnindexedFilter = "EFP314";
        public const string UntranslatableCall = "EFP315";

        // Async
        public const string SyncCallInAsyncCode = "EFP401";
        public const string ConcurrentContextOperations = "EFP402";
        public const string ContextCapturedBeyondScope = "EFP403";

        // Configuration
        public const string DbContextPooling = "EFP501";

        // Suppressions (DiagnosticSuppressor IDs: EFPSnnn)
        public const string AddAsyncAdviceCA1849 = "EFPS001";
        public const string AddAsyncAdviceMA0042 = "EFPS002";
        public const string AddAsyncAdviceS6966 = "EFPS003";
        public const string AddAsyncAdviceVSTHRD103 = "EFPS004";
        public const string AddAsyncAdviceSS033 = "EFPS005";
        public const string CountAdviceCA1827 = "EFPS006";
        public const string Baseline = "EFPS007";

        public static string HelpUri(string id) => HelpBaseUri + id + ".md";
    }
}
