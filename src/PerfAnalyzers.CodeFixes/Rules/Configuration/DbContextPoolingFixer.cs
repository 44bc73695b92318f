namespace PerfAnalyzers.CodeFixes.Rules.Configuration
{
    /// <summary>
    /// EFP501: <c>AddDbContext&lt;T&gt;(o =&gt; ...)</c> becomes <c>AddDbContextPool&lt;T&gt;(o =&gt; ...)</c>; the same options
    /// lambda, the (Scoped) lifetime arguments dropped because a pool has no lifetime parameters.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DbContextPoolingFixer))]
    public sealed class DbContextPoolingFixer() : EfCodeFixProvider(EquivalenceKey, RuleIds.DbContextPooling)
    {
        public const string EquivalenceKey = "EFP501_UseAddDbContextPool";

        protected override string? TitleFor(FixSite site) => FindRegistration(site.Root, site.Diagnostic) is not null ? "Use AddDbContextPool" : null;

        protected override async Task<Document> FixAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            return root is not null && FindRegistration(root, diagnostic) is { } invocation ? await ApplyAsync(document, invocation, cancellationToken).ConfigureAwait(false) : document;
        }

        /// <summary>The <c>AddDbContext&lt;T&gt;(..)</c> call the diagnostic is on.</summary>
        private static InvocationExpressionSyntax? FindRegistration(SyntaxNode root, Diagnostic diagnostic)
            => root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>() is
               { Expression: MemberAccessExpressionSyntax { Name: GenericNameSyntax } } invocation
                ? invocation
                : null;

        private static async Task<Document> ApplyAsync(Document document, InvocationExpressionSyntax invocation, CancellationToken cancellationToken)
        {
            if (await RootAndModelAsync(document, cancellationToken).ConfigureAwait(false) is not (SyntaxNode root, SemanticModel model) || invocation.Expression is not MemberAccessExpressionSyntax { Name: GenericNameSyntax name } member)
            {
                return document;
            }

            // Drop the lifetime arguments (the analyzer only reports when they are Scoped).
            var kept = invocation.ArgumentList.Arguments.Where(a =>
                model.GetTypeInfo(a.Expression, cancellationToken).Type is not { Name: "ServiceLifetime" }).ToList();
            var arguments = kept.Count == invocation.ArgumentList.Arguments.Count
                ? invocation.ArgumentList.Arguments
                : SyntaxFactory.SeparatedList(kept, Enumerable.Repeat(SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(SyntaxFactory.Space), System.Math.Max(0, kept.Count - 1)));
            if (kept.Count > 0 && kept.Count != invocation.ArgumentList.Arguments.Count)
            {
                arguments = arguments.Replace(arguments[arguments.Count - 1], arguments[arguments.Count - 1].WithoutTrailingTrivia());
            }
            var renamed = name.WithIdentifier(SyntaxFactory.Identifier(name.Identifier.LeadingTrivia, "AddDbContextPool", name.Identifier.TrailingTrivia));
            var updated = invocation
                .WithExpression(member.WithName(renamed))
                .WithArgumentList(invocation.ArgumentList.WithArguments(arguments));
            return document.WithSyntaxRoot(root.ReplaceNode(invocation, updated));
        }
    }
}
