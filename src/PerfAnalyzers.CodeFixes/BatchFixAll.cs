namespace PerfAnalyzers.CodeFixes
{
    /// <summary>
    /// Roslyn's batch Fix All (every diagnostic's own fix, merged), made independent of the order of the diagnostics.
    /// <c>dotnet format</c> takes the Fix All equivalence key from the first action offered for the first diagnostic; when
    /// that diagnostic has no fix the key is null, and the batch fixer keeps only actions whose key is null: none, so
    /// nothing is fixed ("didn't return a Fix All action"). A fixer with one kind of action means that one when the key is
    /// missing.
    /// </summary>
    internal sealed class BatchFixAll : FixAllProvider
    {
        private readonly string _equivalenceKey;

        public BatchFixAll(string equivalenceKey) => _equivalenceKey = equivalenceKey;

        public override IEnumerable<FixAllScope> GetSupportedFixAllScopes() => WellKnownFixAllProviders.BatchFixer.GetSupportedFixAllScopes();

        public override Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
            => WellKnownFixAllProviders.BatchFixer.GetFixAsync(WithKey(fixAllContext, _equivalenceKey));

        /// <summary>The same Fix All context with <paramref name="equivalenceKey"/> when it has none.</summary>
        internal static FixAllContext WithKey(FixAllContext context, string equivalenceKey)
        {
            if (context.CodeActionEquivalenceKey is not null)
            {
                return context;
            }

            var provider = new SameDiagnostics(context);
            return context.Document is { } document
                ? new FixAllContext(document, context.CodeFixProvider, context.Scope, equivalenceKey, context.DiagnosticIds, provider, context.CancellationToken)
                : new FixAllContext(context.Project, context.CodeFixProvider, context.Scope, equivalenceKey, context.DiagnosticIds, provider, context.CancellationToken);
        }

        /// <summary>The diagnostics of the original context (which filters them by its diagnostic IDs).</summary>
        private sealed class SameDiagnostics : FixAllContext.DiagnosticProvider
        {
            private readonly FixAllContext _context;

            public SameDiagnostics(FixAllContext context) => _context = context;

            public override async Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken)
                => await _context.GetDocumentDiagnosticsAsync(document).ConfigureAwait(false);

            public override async Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken)
                => await _context.GetProjectDiagnosticsAsync(project).ConfigureAwait(false);

            public override async Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken)
                => await _context.GetAllDiagnosticsAsync(project).ConfigureAwait(false);
        }
    }
}
