namespace PerfAnalyzers.CodeFixes.Rules.Query
{
    /// <summary>
    /// EFP311: <c>var ids = await q.Select(x =&gt; x.Id).ToListAsync(ct);</c> -&gt; <c>var ids = q.Select(x =&gt; x.Id);</c>
    /// (an explicit <c>List&lt;int&gt;</c> becomes <c>var</c>), so the later <c>ids.Contains(..)</c> is a subquery.
    /// The analyzer passes the spans to edit; the fixer renders nothing it did not find in the code.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ContainsOverLoadedListFixer))]
    public sealed class ContainsOverLoadedListFixer() : EfCodeFixProvider(EquivalenceKey, RuleIds.ContainsOverLoadedList)
    {
        public const string EquivalenceKey = "EFP311_KeepQuery";

        protected override string? TitleFor(FixSite site)
            => TryFind(site.Root, site.Diagnostic, out var value, out _, out _) && value.FirstAncestorOrSelf<VariableDeclaratorSyntax>() is { } declarator
                ? $"Keep '{declarator.Identifier.ValueText}' a query (one statement with a subquery)"
                : null;

        protected override Task<Document> FixAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
            => ApplyAsync(document, diagnostic, cancellationToken);

        private static bool TryFind(SyntaxNode root, Diagnostic diagnostic, out ExpressionSyntax value, out ExpressionSyntax query, out TypeSyntax? type)
        {
            value = null!;
            query = null!;
            type = null;
            if (!TryGetSpan(diagnostic, ContainsOverLoadedListAnalyzer.ValueSpanProperty, out var valueSpan)
                || !TryGetSpan(diagnostic, ContainsOverLoadedListAnalyzer.QuerySpanProperty, out var querySpan)
                || root.FindNode(valueSpan, getInnermostNodeForTie: false) is not ExpressionSyntax foundValue
                || foundValue.Span != valueSpan
                || root.FindNode(querySpan, getInnermostNodeForTie: false) is not ExpressionSyntax foundQuery
                || foundQuery.Span != querySpan
                || !valueSpan.Contains(querySpan))
            {
                return false;
            }

            if (TryGetSpan(diagnostic, ContainsOverLoadedListAnalyzer.TypeSpanProperty, out var typeSpan))
            {
                if (root.FindNode(typeSpan, getInnermostNodeForTie: false) is not TypeSyntax foundType || foundType.Span != typeSpan)
                {
                    return false;
                }

                type = foundType;
            }

            value = foundValue;
            query = foundQuery;
            return true;
        }

        private static async Task<Document> ApplyAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null || !TryFind(root, diagnostic, out var value, out var query, out var type))
            {
                return document;
            }

            var nodes = type is null ? new SyntaxNode[] { value } : new SyntaxNode[] { value, type };
            var newRoot = root.ReplaceNodes(nodes, (original, _) => original == value
                ? query.WithoutTrivia().WithTriviaFrom(value)
                : SyntaxFactory.IdentifierName("var").WithTriviaFrom(original));
            return document.WithSyntaxRoot(newRoot);
        }
    }
}
