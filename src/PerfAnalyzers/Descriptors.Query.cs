using Microsoft.CodeAnalysis;

namespace PerfAnalyzers
{
    internal static partial class Descriptors
    {
        internal static readonly DiagnosticDescriptor EFP304_CountInsteadOfAny = new DiagnosticDescriptor(
            RuleIds.CountInsteadOfAny,
            title: "Count() compared with 0 instead of Any()",
            messageFormat: "'{0}' counts every matching row only to compare the count with 0; use '{1}', which stops at the first row",
            category: Performance,
            defaultSeverity: DiagnosticSeverity.Info,
            isEnabledByDefault: true,
            description: "SELECT COUNT(*) must visit every matching row (or index entry); EXISTS stops at the first one. When only 'is there any?' matters, Any()/AnyAsync() is never slower and usually much faster on large tables.",
            helpLinkUri: RuleIds.HelpUri(RuleIds.CountInsteadOfAny));
    }
}
