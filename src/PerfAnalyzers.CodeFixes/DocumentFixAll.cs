namespace PerfAnalyzers.CodeFixes
{
    /// <summary>
    /// Fix All for <see cref="EfDocumentFixProvider"/>: all of a document's diagnostics in one edit (insertions that share a
    /// point, a using directive every fix may add), with the kind of fix the host chose.
    /// </summary>
    internal sealed class DocumentFixAll : DocumentBasedFixAllProvider
    {
        private readonly EfDocumentFixProvider _fixer;

        public DocumentFixAll(EfDocumentFixProvider fixer) => _fixer = fixer;

        protected override string GetFixAllTitle(FixAllContext fixAllContext) => _fixer.GetFixAllTitle(fixAllContext.CodeActionEquivalenceKey);

        protected override async Task<Document?> FixAllAsync(FixAllContext fixAllContext, Document document, ImmutableArray<Diagnostic> diagnostics)
            => await _fixer.FixAllInDocumentAsync(document, diagnostics, fixAllContext.CodeActionEquivalenceKey, fixAllContext.CancellationToken).ConfigureAwait(false);
    }
}
