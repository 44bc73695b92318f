namespace PerfAnalyzers
{
    /// <summary>
    /// Every <see cref="DiagnosticDescriptor"/> of the package, in one type: this file holds what they share, and one
    /// partial file per rule family (Descriptors.Writes.cs, ...) holds that family's descriptors.
    /// </summary>
    internal static partial class Descriptors
    {
        internal const string Performance = "Performance";

        // Descriptors are created with 'new DiagnosticDescriptor(...)' and constant arguments (not through a helper)
        // so that the release-tracking analyzer (RS2000-RS2008) sees every ID, category and severity.
    }
}
