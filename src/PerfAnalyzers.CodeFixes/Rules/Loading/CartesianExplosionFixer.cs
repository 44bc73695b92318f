namespace PerfAnalyzers.CodeFixes.Rules.Loading
{
    /// <summary>EFP105: appends <c>.AsSplitQuery()</c> right after the last Include/ThenInclude of the query (the diagnostic's call).</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(CartesianExplosionFixer))]
    public sealed class CartesianExplosionFixer() : EfDocumentFixProvider(EquivalenceKey, RuleIds.CartesianExplosion)
    {
        public const string EquivalenceKey = "EFP105_AsSplitQuery";

        protected override string? TitleFor(FixSite site)
            => !site.Diagnostic.Properties.ContainsKey("NoFix") && FindInclude(site.Root, site.Diagnostic) is not null ? "Use AsSplitQuery()" : null;

        protected override string FixAllTitleFor(string? equivalenceKey) => "Use AsSplitQuery() for every query with sibling collection Includes";

        private static InvocationExpressionSyntax? FindInclude(SyntaxNode root, Diagnostic diagnostic)
        {
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            return node.Parent is MemberAccessExpressionSyntax { Parent: InvocationExpressionSyntax invocation } access && access.Name == node
                ? invocation
                : null;
        }

        protected override async Task<Document> FixDocumentAsync(Document document, ImmutableArray<Diagnostic> diagnostics, string? equivalenceKey, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return document;
            }

            var changes = diagnostics
                .Where(d => !d.Properties.ContainsKey("NoFix")) // a query composed in steps: AsSplitQuery on one step may not always apply
                .Select(d => FindInclude(root, d))
                .Where(i => i is not null)
                .Select(i => i!.Span.End)
                .Distinct()
                .Select(end => new TextChange(new TextSpan(end, 0), ChainLayout.CallAt(text, end, ".AsSplitQuery()")));
            return document.WithText(text.WithChanges(changes));
        }
    }
}
