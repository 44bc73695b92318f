using Microsoft.CodeAnalysis;

namespace PerfAnalyzers
{
    internal static partial class Descriptors
    {
        internal static readonly DiagnosticDescriptor EFP201_SaveChangesInLoop = new DiagnosticDescriptor(
            RuleIds.SaveChangesInLoop,
            title: "SaveChanges is called inside a loop",
            messageFormat: "'{0}' runs once per iteration of this '{1}' loop: each call is a database round trip and its own transaction; call it once after the loop",
            category: Performance,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "Calling SaveChanges or SaveChangesAsync on every iteration sends one batch, one transaction and one round trip per row. Let the change tracker collect the changes and save them once after the loop.",
            helpLinkUri: RuleIds.HelpUri(RuleIds.SaveChangesInLoop));
    }
}
