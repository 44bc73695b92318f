using Microsoft.CodeAnalysis;

namespace PerfAnalyzers
{
    /// <summary>
    /// Every <see cref="DiagnosticDescriptor"/> of the package, in one type: this file holds the factory, and one
    /// partial file per rule family (Descriptors.Writes.cs, ...) holds that family's descriptors.
    /// </summary>
    internal static partial class Descriptors
    {
        internal const string Performance = "Performance";

        internal static DiagnosticDescriptor Create(
            string id, string title, string message, DiagnosticSeverity severity, string description, bool enabledByDefault = true)
            => new DiagnosticDescriptor(
                id,
                title,
                message,
                Performance,
                severity,
                isEnabledByDefault: enabledByDefault,
                description: description,
                helpLinkUri: RuleIds.HelpUri(id));
    }
}
