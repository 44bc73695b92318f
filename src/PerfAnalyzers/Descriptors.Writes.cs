using Microsoft.CodeAnalysis;

namespace PerfAnalyzers
{
    internal static partial class Descriptors
    {
        internal static readonly DiagnosticDescriptor EFP201_SaveChangesInLoop = Create(
            RuleIds.SaveChangesInLoop,
            "SaveChanges is called inside a loop",
            "'{0}' runs once per iteration of this '{1}' loop: each call is a database round trip and its own transaction; call it once after the loop",
            DiagnosticSeverity.Warning,
            "Calling SaveChanges or SaveChangesAsync on every iteration sends one batch, one transaction and one round trip per row. Let the change tracker collect the changes and save them once after the loop.");
    }
}
