using Microsoft.CodeAnalysis;

namespace PerfAnalyzers
{
    internal static partial class Descriptors
    {
        internal static readonly DiagnosticDescriptor EFP305_WholeEntityProjection = new DiagnosticDescriptor(
            RuleIds.WholeEntityWhereProjectionSuffices,
            title: "Whole entities are loaded where a projection suffices",
            messageFormat: "'{0}' loads whole '{1}' entities but this method only reads {2}; select just those members",
            category: Performance,
            defaultSeverity: DiagnosticSeverity.Info,
            isEnabledByDefault: true,
            description: "Materializing entities reads every mapped column (including large text), builds change-tracking snapshots and allocates full objects. When the method only reads a few scalar members and never passes the entities on, a Select of those members reads fewer values and allocates less.",
            helpLinkUri: RuleIds.HelpUri(RuleIds.WholeEntityWhereProjectionSuffices));
    }
}
