namespace PerfAnalyzers.Options
{
    /// <summary>
    /// Whether a rule is switched off for a file: <c>dotnet_diagnostic.&lt;id&gt;.severity = none</c> in .editorconfig or a
    /// global config (presets included), else the compilation's options (<c>NoWarn</c>, rule sets). Asked where one
    /// rule steps aside for another (EFP302 beside EFP305, EFPS006 beside EFP304): when the other rule is off, the
    /// first one must speak.
    /// </summary>
    internal static class RuleSeverity
    {
        public static bool IsOff(Compilation compilation, SyntaxTree tree, string id, CancellationToken cancellationToken)
        {
            var options = compilation.Options;
            if (options.SyntaxTreeOptionsProvider is { } provider
                && (provider.TryGetDiagnosticValue(tree, id, cancellationToken, out var value)
                    || provider.TryGetGlobalDiagnosticValue(id, cancellationToken, out value)))
            {
                return value == ReportDiagnostic.Suppress;
            }

            return options.SpecificDiagnosticOptions.TryGetValue(id, out var specific) && specific == ReportDiagnostic.Suppress;
        }
    }
}
