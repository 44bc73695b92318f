namespace PerfAnalyzers.CodeFixes.Rules.Loading
{
    /// <summary>EFP107: <c>post.Blog.Id</c> -&gt; <c>post.BlogId</c>; <c>post.Author?.Id</c> -&gt; <c>post.AuthorId</c>.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ForeignKeyThroughNavigationFixer))]
    public sealed class ForeignKeyThroughNavigationFixer() : EfCodeFixProvider(EquivalenceKey, RuleIds.ForeignKeyThroughNavigation)
    {
        public const string EquivalenceKey = "EFP107_ReadForeignKey";

        protected override string? TitleFor(FixSite site)
            => TryFind(site.Root, site.Diagnostic, out _, out _, out var foreignKey) ? $"Read '{foreignKey}'" : null;

        protected override Task<Document> FixAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
            => ApplyAsync(document, diagnostic, cancellationToken);

        /// <summary>The key read (<c>x.Nav.Key</c> or <c>x.Nav?.Key</c>) and the entity expression <c>x</c>.</summary>
        private static bool TryFind(SyntaxNode root, Diagnostic diagnostic, out ExpressionSyntax keyRead, out ExpressionSyntax entity, out string foreignKey)
        {
            keyRead = null!;
            entity = null!;
            foreignKey = "";
            if (!diagnostic.Properties.TryGetValue(ForeignKeyThroughNavigationAnalyzer.ForeignKeyProperty, out var name) || string.IsNullOrEmpty(name)
                || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax found
                || found.Span != diagnostic.Location.SourceSpan)
            {
                return false;
            }

            var navigation = found switch
            {
                MemberAccessExpressionSyntax { Expression: MemberAccessExpressionSyntax nav } => nav,
                ConditionalAccessExpressionSyntax { Expression: MemberAccessExpressionSyntax nav, WhenNotNull: MemberBindingExpressionSyntax } => nav,
                _ => null,
            };
            if (navigation is null)
            {
                return false;
            }

            keyRead = found;
            entity = navigation.Expression;
            foreignKey = name!;
            return true;
        }

        private static async Task<Document> ApplyAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null || !TryFind(root, diagnostic, out var keyRead, out var entity, out var foreignKey))
            {
                return document;
            }

            var replacement = SyntaxFactory.MemberAccessExpression(
                    SyntaxKind.SimpleMemberAccessExpression,
                    entity.WithoutTrivia(),
                    SyntaxFactory.IdentifierName(foreignKey))
                .WithTriviaFrom(keyRead);
            return document.WithSyntaxRoot(root.ReplaceNode(keyRead, replacement));
        }
    }
}
