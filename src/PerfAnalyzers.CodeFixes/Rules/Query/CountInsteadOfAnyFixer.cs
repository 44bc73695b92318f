namespace PerfAnalyzers.CodeFixes.Rules.Query
{
    /// <summary>EFP304: <c>q.Count(p) &gt; 0</c> -&gt; <c>q.Any(p)</c>, <c>await q.CountAsync(ct) == 0</c> -&gt; <c>!await q.AnyAsync(ct)</c>.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(CountInsteadOfAnyFixer))]
    public sealed class CountInsteadOfAnyFixer() : EfCodeFixProvider(EquivalenceKey, RuleIds.CountInsteadOfAny)
    {
        public const string EquivalenceKey = "EFP304_UseAny";

        protected override string? TitleFor(FixSite site)
            => !TryFind(site.Root, site.Diagnostic, out _, out _, out _)
                ? null
                : IsSet(site.Diagnostic, CountInsteadOfAnyAnalyzer.NegatedProperty) ? "Use !Any()" : "Use Any()";

        protected override Task<Document> FixAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
            => ApplyAsync(document, diagnostic, cancellationToken);

        private static bool TryFind(SyntaxNode root, Diagnostic diagnostic, out SimpleNameSyntax name, out BinaryExpressionSyntax binary, out ExpressionSyntax countSide)
        {
            name = null!;
            binary = null!;
            countSide = null!;
            if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not SimpleNameSyntax found)
            {
                return false;
            }

            name = found;
            for (SyntaxNode? current = found; current is not null; current = current.Parent)
            {
                if (current is BinaryExpressionSyntax b && (b.Left.Span.Contains(found.Span) || b.Right.Span.Contains(found.Span)))
                {
                    binary = b;
                    countSide = b.Left.Span.Contains(found.Span) ? b.Left : b.Right;
                    return true;
                }

                if (current is StatementSyntax or LambdaExpressionSyntax or ArgumentSyntax)
                {
                    return false;
                }
            }

            return false;
        }

        private static async Task<Document> ApplyAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null || !TryFind(root, diagnostic, out var name, out var binary, out var countSide))
            {
                return document;
            }

            var anyName = name.Identifier.ValueText.EndsWith("Async", System.StringComparison.Ordinal) ? "AnyAsync" : "Any";
            var renamed = name.WithIdentifier(SyntaxFactory.Identifier(name.Identifier.LeadingTrivia, anyName, name.Identifier.TrailingTrivia));
            var newSide = countSide.ReplaceNode(name, renamed).WithoutTrivia();
            var negated = IsSet(diagnostic, CountInsteadOfAnyAnalyzer.NegatedProperty);
            ExpressionSyntax replacement = negated
                ? SyntaxFactory.PrefixUnaryExpression(SyntaxKind.LogicalNotExpression, newSide)
                : newSide;
            replacement = replacement.WithLeadingTrivia(binary.GetLeadingTrivia()).WithTrailingTrivia(binary.GetTrailingTrivia());
            return document.WithSyntaxRoot(root.ReplaceNode(binary, replacement));
        }
    }
}
