using Microsoft.CodeAnalysis.Editing;
using PerfAnalyzers.Rules.Writes;

namespace PerfAnalyzers.CodeFixes.Rules.Writes
{
    /// <summary>EFP201: moves the save out of the loop, to right after it (same context, arguments and await).</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SaveChangesInLoopFixer))]
    public sealed class SaveChangesInLoopFixer : CodeFixProvider
    {
        public const string EquivalenceKey = "EFP201_MoveSaveChangesAfterLoop";

        // One commit per row becomes one commit for all: a failure part-way no longer keeps the rows saved before it.
        public const string Title = "Call SaveChanges once after the loop (one commit for all rows)";
        public const string FixAllTitle = "Call SaveChanges once after each loop (one commit for all rows)";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.SaveChangesInLoop);

        public override FixAllProvider GetFixAllProvider() => FixAll.Instance;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics)
            {
                if (!diagnostic.Properties.TryGetValue(SaveChangesInLoopAnalyzer.CanMoveProperty, out var canMove) || canMove != "true")
                {
                    continue;
                }

                if (TryFind(root, diagnostic, out _, out _))
                {
                    context.RegisterCodeFix(
                        CodeAction.Create(
                            Title,
                            ct => ApplyAsync(context.Document, ImmutableArray.Create(diagnostic), ct),
                            EquivalenceKey),
                        diagnostic);
                }
            }
        }

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

        /// <summary>Applies every EFP201 fix of a document in one edit, so fixes in sibling loops never conflict.</summary>
        private sealed class FixAll : DocumentBasedFixAllProvider
        {
            internal static readonly FixAll Instance = new FixAll();

            protected override string GetFixAllTitle(FixAllContext fixAllContext) => FixAllTitle;

            protected override async Task<Document?> FixAllAsync(FixAllContext fixAllContext, Document document, ImmutableArray<Diagnostic> diagnostics)
            {
                var movable = diagnostics.Where(d => d.Properties.TryGetValue(SaveChangesInLoopAnalyzer.CanMoveProperty, out var v) && v == "true").ToImmutableArray();
                return await ApplyAsync(document, movable, fixAllContext.CancellationToken).ConfigureAwait(false);
            }
        }
    }
}
