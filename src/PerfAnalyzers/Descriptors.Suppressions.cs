using System.Reflection;

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

        /// <summary>
        /// EFPS007: one descriptor per EFP rule (a suppression descriptor names one suppressed ID), all with the ID EFPS007,
        /// built from every <see cref="DiagnosticDescriptor"/> field of this class, so a new rule is covered without a line
        /// here (a Meta test checks the set against the analyzers' descriptors).
        /// </summary>
        internal static ImmutableArray<SuppressionDescriptor> EFPS007_Baseline()
            => typeof(Descriptors).GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)
                .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
                .Select(f => ((DiagnosticDescriptor?)f.GetValue(null))?.Id)
                .OfType<string>()
                .Where(id => id.StartsWith("EFP", StringComparison.Ordinal) && !id.StartsWith("EFPS", StringComparison.Ordinal))
                .Distinct()
                .OrderBy(id => id, StringComparer.Ordinal)
                .Select(id => new SuppressionDescriptor(RuleIds.Baseline, id, BaselineJustification))
                .ToImmutableArray();
    }
}
