namespace PerfAnalyzers.CodeFixes.Rules.Loading
{
    /// <summary>EFP106: removes the Include and the ThenIncludes that continue it, keeping the rest of the chain and its layout.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UnusedIncludeFixer))]
    public sealed class UnusedIncludeFixer() : EfDocumentFixProvider(EquivalenceKey, RuleIds.UnusedInclude)
    {
        public const string EquivalenceKey = "EFP106_RemoveInclude";

        protected override string? TitleFor(FixSite site)
            => CanRemove(site.Diagnostic) && TryFind(site.Root, site.Diagnostic, out _, out _) ? "Remove the unused Include" : null;

        private static bool CanRemove(Diagnostic diagnostic)
            => IsSet(diagnostic, UnusedIncludeAnalyzer.CanRemoveProperty);

        protected override string FixAllTitleFor(string? equivalenceKey) => "Remove every unused Include";

        protected override Task<Document> FixDocumentAsync(Document document, ImmutableArray<Diagnostic> diagnostics, string? equivalenceKey, CancellationToken cancellationToken)
            => ApplyAsync(document, diagnostics.Where(CanRemove).ToImmutableArray(), cancellationToken);

        /// <summary>The outermost node of the Include group (Include + following ThenIncludes) and the receiver it is replaced with.</summary>
        private static bool TryFind(SyntaxNode root, Diagnostic diagnostic, out ExpressionSyntax group, out ExpressionSyntax receiver)
        {
            group = null!;
            receiver = null!;
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            if (node.Parent is not MemberAccessExpressionSyntax { Parent: InvocationExpressionSyntax include } access || access.Name != node)
            {
                return false;
            }

            receiver = access.Expression;
            ExpressionSyntax current = include;
            while (current.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ThenInclude", Parent: InvocationExpressionSyntax then } thenAccess
                   && thenAccess.Expression == current)
            {
                current = then;
            }

            if (current.Parent is not MemberAccessExpressionSyntax next || next.Expression != current)
            {
                return false;
            }

            group = current;
            return true;
        }

        private static async Task<Document> ApplyAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return document;
            }

            var replacements = new Dictionary<SyntaxNode, (ExpressionSyntax Group, ExpressionSyntax Receiver)>();
            foreach (var diagnostic in diagnostics)
            {
                if (TryFind(root, diagnostic, out var group, out var receiver))
                {
                    replacements[group] = (group, receiver);
                }
            }

            // Nested groups (two unused Includes in one chain): replace the outer one with the inner one's result.
            var newRoot = root.ReplaceNodes(
                replacements.Keys,
                (original, rewritten) =>
                {
                    var (group, receiver) = replacements[original];
                    var groupRewritten = (ExpressionSyntax)rewritten;
                    var rewrittenReceiver = FindReceiver(groupRewritten, group, receiver);
                    return rewrittenReceiver.WithTriviaFrom(group);
                });
            return document.WithSyntaxRoot(newRoot);
        }

        /// <summary>The (possibly already rewritten) receiver inside the rewritten group: walk down the same number of calls.</summary>
        private static ExpressionSyntax FindReceiver(ExpressionSyntax rewritten, ExpressionSyntax original, ExpressionSyntax originalReceiver)
        {
            var depth = 0;
            for (var e = original; e != originalReceiver && e is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax m }; e = m.Expression)
            {
                depth++;
            }

            var current = rewritten;
            for (var i = 0; i < depth && current is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax m }; i++)
            {
                current = m.Expression;
            }

            return current;
        }
    }
}
