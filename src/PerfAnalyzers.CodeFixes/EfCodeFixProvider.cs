namespace PerfAnalyzers.CodeFixes
{
    /// <summary>
    /// What a fixer with one kind of action does around its rewrite: the IDs it fixes, one equivalence key, Fix All in any
    /// order of diagnostics (<see cref="BatchFixAll"/>), and registration: for each diagnostic, the title the fixer gives it
    /// (none: no fix for that one) and the rewrite. A fixer says only when it applies (<see cref="TitleFor"/>) and what it
    /// writes (<see cref="FixAsync"/>); both work from the diagnostic's location and properties, never from a re-analysis.
    /// </summary>
    public abstract class EfCodeFixProvider : CodeFixProvider
    {
        private readonly string _equivalenceKey;
        private readonly BatchFixAll _fixAll;

        protected EfCodeFixProvider(string equivalenceKey, params string[] ruleIds)
        {
            _equivalenceKey = equivalenceKey;
            _fixAll = new BatchFixAll(equivalenceKey);
            FixableDiagnosticIds = ImmutableArray.Create(ruleIds);
        }

        public sealed override ImmutableArray<string> FixableDiagnosticIds { get; }

        public sealed override FixAllProvider GetFixAllProvider() => _fixAll;

        public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics)
            {
                if (TitleFor(root, diagnostic) is { } title)
                {
                    var document = context.Document;
                    context.RegisterCodeFix(CodeAction.Create(title, ct => FixAsync(document, diagnostic, ct), _equivalenceKey), diagnostic);
                }
            }
        }

        /// <summary>The fix's title for <paramref name="diagnostic"/>, or null when this one has no fix.</summary>
        protected abstract string? TitleFor(SyntaxNode root, Diagnostic diagnostic);

        /// <summary>The document with <paramref name="diagnostic"/> fixed (unchanged when the code no longer matches).</summary>
        protected abstract Task<Document> FixAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken);
    }
}
