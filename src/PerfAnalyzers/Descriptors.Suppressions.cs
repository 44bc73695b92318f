using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace PerfAnalyzers
{
    internal static partial class Descriptors
    {
        private const string AddAsyncJustification =
            "EF Core's AddAsync/AddRangeAsync exist only for value generators that must reach the database (such as SQL Server's HiLo); for all other cases EF Core's documentation says to use Add/AddRange, which never touch the database.";

        internal static readonly SuppressionDescriptor EFPS001_AddAsyncAdviceCA1849 = new SuppressionDescriptor(
            RuleIds.AddAsyncAdviceCA1849, "CA1849", AddAsyncJustification);

        internal static readonly SuppressionDescriptor EFPS002_AddAsyncAdviceMA0042 = new SuppressionDescriptor(
            RuleIds.AddAsyncAdviceMA0042, "MA0042", AddAsyncJustification);

        internal static readonly SuppressionDescriptor EFPS003_AddAsyncAdviceS6966 = new SuppressionDescriptor(
            RuleIds.AddAsyncAdviceS6966, "S6966", AddAsyncJustification);

        internal static readonly SuppressionDescriptor EFPS004_AddAsyncAdviceVSTHRD103 = new SuppressionDescriptor(
            RuleIds.AddAsyncAdviceVSTHRD103, "VSTHRD103", AddAsyncJustification);

        internal static readonly SuppressionDescriptor EFPS005_AddAsyncAdviceSS033 = new SuppressionDescriptor(
            RuleIds.AddAsyncAdviceSS033, "SS033", AddAsyncJustification);

        internal static readonly SuppressionDescriptor EFPS006_CountAdviceCA1827 = new SuppressionDescriptor(
            RuleIds.CountAdviceCA1827,
            "CA1827",
            "EFP304 reports the same Count() compared with 0 on an EF Core query, with the same advice (Any()) and a fix that also handles CountAsync; one finding is enough.");

        private const string BaselineJustification =
            "The finding is listed in perfanalyzers.baseline.json: it was accepted when the baseline was written, so only new findings fail the build.";

        /// <summary>EFPS007: one descriptor per EFP rule (a suppression descriptor names one suppressed ID), all with the ID EFPS007.</summary>
        internal static readonly ImmutableArray<SuppressionDescriptor> EFPS007_Baseline = ImmutableArray.Create(
            new SuppressionDescriptor(RuleIds.Baseline, RuleIds.QueryInLoop, BaselineJustification),
            new SuppressionDescriptor(RuleIds.Baseline, RuleIds.LazyLoadingNPlusOne, BaselineJustification),
            new SuppressionDescriptor(RuleIds.Baseline, RuleIds.NavigationNotLoaded, BaselineJustification),
            new SuppressionDescriptor(RuleIds.Baseline, RuleIds.NPlusOneThroughCall, BaselineJustification),
            new SuppressionDescriptor(RuleIds.Baseline, RuleIds.CartesianExplosion, BaselineJustification),
            new SuppressionDescriptor(RuleIds.Baseline, RuleIds.UnusedInclude, BaselineJustification),
            new SuppressionDescriptor(RuleIds.Baseline, RuleIds.SaveChangesInLoop, BaselineJustification),
            new SuppressionDescriptor(RuleIds.Baseline, RuleIds.AddInLoop, BaselineJustification),
            new SuppressionDescriptor(RuleIds.Baseline, RuleIds.UpdateLoopToExecuteUpdate, BaselineJustification),
            new SuppressionDescriptor(RuleIds.Baseline, RuleIds.DeleteLoopToExecuteDelete, BaselineJustification),
            new SuppressionDescriptor(RuleIds.Baseline, RuleIds.BulkOperationWithoutFilter, BaselineJustification),
            new SuppressionDescriptor(RuleIds.Baseline, RuleIds.UnboundedQuery, BaselineJustification),
            new SuppressionDescriptor(RuleIds.Baseline, RuleIds.ReadOnlyTrackingQuery, BaselineJustification),
            new SuppressionDescriptor(RuleIds.Baseline, RuleIds.PrematureMaterialization, BaselineJustification),
            new SuppressionDescriptor(RuleIds.Baseline, RuleIds.CountInsteadOfAny, BaselineJustification),
            new SuppressionDescriptor(RuleIds.Baseline, RuleIds.WholeEntityWhereProjectionSuffices, BaselineJustification),
            new SuppressionDescriptor(RuleIds.Baseline, RuleIds.PagingWithoutOrderBy, BaselineJustification),
            new SuppressionDescriptor(RuleIds.Baseline, RuleIds.FuncPredicateOnQuery, BaselineJustification),
            new SuppressionDescriptor(RuleIds.Baseline, RuleIds.SyncCallInAsyncCode, BaselineJustification),
            new SuppressionDescriptor(RuleIds.Baseline, RuleIds.ConcurrentContextOperations, BaselineJustification),
            new SuppressionDescriptor(RuleIds.Baseline, RuleIds.ContextCapturedBeyondScope, BaselineJustification),
            new SuppressionDescriptor(RuleIds.Baseline, RuleIds.DbContextPooling, BaselineJustification));
    }
}
