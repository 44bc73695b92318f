using Microsoft.CodeAnalysis.Editing;

namespace PerfAnalyzers.CodeFixes.Rules.Writes
{
    /// <summary>EFP201: moves the save out of the loop, to right after it (same context, arguments and await).</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SaveChangesInLoopFixer))]
    public sealed class SaveChangesInLoopFixer() : EfDocumentFixProvider(EquivalenceKey, RuleIds.SaveChangesInLoop)
    {
        public const string EquivalenceKey = "EFP201_MoveSaveChangesAfterLoop";

        // One commit per row becomes one commit for all: a failure part-way no longer keeps the rows saved before it.
        public const string Title = "Call SaveChanges once after the loop (one commit for all rows)";
        public const string FixAllTitle = "Call SaveChanges once after each loop (one commit for all rows)";

        protected override string? TitleFor(FixSite site)
            => CanMove(site.Diagnostic) && TryFind(site.Root, site.Diagnostic, out _, out _) ? Title : null;

        private static bool CanMove(Diagnostic diagnostic)
            => IsSet(diagnostic, SaveChangesInLoopAnalyzer.CanMoveProperty);

        protected override string FixAllTitleFor(string? equivalenceKey) => FixAllTitle;

        protected override Task<Document> FixDocumentAsync(Document document, ImmutableArray<Diagnostic> diagnostics, string? equivalenceKey, CancellationToken cancellationToken)
            => ApplyAsync(document, diagnostics.Where(CanMove).ToImmutableArray(), cancellationToken);

        private static bool TryFind(SyntaxNode root, Diagnostic diagnostic, out StatementSyntax saveStatement, out StatementSyntax loop)
        {
            saveStatement = null!;
            loop = null!;
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            var statement = node.FirstAncestorOrSelf<ExpressionStatementSyntax>();
            if (statement?.Parent is not BlockSyntax body)
            {
                return false;
            }

            if (body.Parent is not (ForEachStatementSyntax or ForStatementSyntax or WhileStatementSyntax or DoStatementSyntax)
                || body.Parent.Parent is not BlockSyntax
                || body.Statements.LastOrDefault() != statement)
            {
                return false;
            }

            saveStatement = statement;
            loop = (StatementSyntax)body.Parent;
            return true;
        }

        private static async Task<Document> ApplyAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return document;
            }

            var editor = new SyntaxEditor(root, document.Project.Solution.Workspace.Services);
            foreach (var diagnostic in diagnostics)
            {
                if (!TryFind(root, diagnostic, out var save, out var loop))
                {
                    continue;
                }

                // After the loop's closing brace, a blank line first, as it would be written by hand.
                var indentation = loop.GetLeadingTrivia().Where(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).LastOrDefault();
                var newLine = save.GetTrailingTrivia().LastOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
                var leading = SyntaxFactory.TriviaList(newLine.IsKind(SyntaxKind.EndOfLineTrivia) ? newLine : SyntaxFactory.ElasticCarriageReturnLineFeed);
                var moved = save.WithoutLeadingTrivia()
                    .WithLeadingTrivia(indentation == default ? leading : leading.Add(indentation))
                    .WithTrailingTrivia(save.GetTrailingTrivia());
                editor.RemoveNode(save, SyntaxRemoveOptions.KeepNoTrivia);
                editor.InsertAfter(loop, moved);
            }

            return document.WithSyntaxRoot(editor.GetChangedRoot());
        }
    }
}
