namespace PerfAnalyzers.CodeFixes
{
    /// <summary>
    /// Fix All for fixers that apply all of a document's diagnostics in one edit (insertions that share a point, a using
    /// directive every fix may add): the fixer's own apply function, called once per document.
    /// </summary>
    internal sealed class DocumentFixAll : DocumentBasedFixAllProvider
    {
        private readonly string _title;
        private readonly Func<Document, ImmutableArray<Diagnostic>, CancellationToken, Task<Document>> _apply;

        public DocumentFixAll(string title, Func<Document, ImmutableArray<Diagnostic>, CancellationToken, Task<Document>> apply)
        {
            _title = title;
            _apply = apply;
        }

        protected override string GetFixAllTitle(FixAllContext fixAllContext) => _title;

        protected override async Task<Document?> FixAllAsync(FixAllContext fixAllContext, Document document, ImmutableArray<Diagnostic> diagnostics)
            => await _apply(document, diagnostics, fixAllContext.CancellationToken).ConfigureAwait(false);
    }
}
