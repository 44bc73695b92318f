using Microsoft.CodeAnalysis.Editing;

namespace PerfAnalyzers.CodeFixes.Rules.Writes
{
    /// <summary>EFP203: replaces load + loop + save with the ExecuteUpdate statement the analyzer built.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UpdateLoopFixer))]
    public sealed class UpdateLoopFixer() : LoopToBulkStatementFixer(RuleIds.UpdateLoop, Title, EquivalenceKey)
    {
        public const string EquivalenceKey = "EFP203_UseExecuteUpdate";

        // The statement runs when called, in its own transaction, not in the SaveChanges that follows (if that save
        // fails, the rows are already changed), and bypasses the change tracker: the titles say so.
        public const string Title = "Use ExecuteUpdate (runs immediately, outside SaveChanges; tracked entities not updated)";
    }

    /// <summary>EFP204: replaces load + loop (or RemoveRange) + save with the ExecuteDelete statement the analyzer built.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DeleteLoopFixer))]
    public sealed class DeleteLoopFixer() : LoopToBulkStatementFixer(RuleIds.DeleteLoop, Title, EquivalenceKey)
    {
        public const string EquivalenceKey = "EFP204_UseExecuteDelete";

        public const string Title = "Use ExecuteDelete (runs immediately, outside SaveChanges; tracked entities not updated)";
    }

    /// <summary>
    /// What the EFP203 and EFP204 fixes share: the analyzer built the ExecuteUpdate/ExecuteDelete statement and decided
    /// which statements go away and whether the fix is safe at all (diagnostic properties); the fix replaces the first and
    /// removes the others, every diagnostic of a Fix All in one edit.
    /// </summary>
    public abstract class LoopToBulkStatementFixer : EfDocumentFixProvider
    {
        private readonly string _title;

        private protected LoopToBulkStatementFixer(string ruleId, string title, string equivalenceKey)
            : base(equivalenceKey, ruleId)
        {
            _title = title;
        }

        protected sealed override string? TitleFor(FixSite site) => TryGetEdits(site.Root, site.Diagnostic, out _, out _, out _) ? _title : null;

        protected sealed override string FixAllTitleFor(string? equivalenceKey) => _title;

        private static bool TryGetEdits(SyntaxNode root, Diagnostic diagnostic, out StatementSyntax replaced, out StatementSyntax replacement, out List<StatementSyntax> removed)
        {
            replaced = null!;
            replacement = null!;
            removed = new List<StatementSyntax>();
            var properties = diagnostic.Properties;
            if (!properties.TryGetValue(LoadedEntities.ReplacementProperty, out var text) || string.IsNullOrEmpty(text)
                || !properties.TryGetValue(LoadedEntities.ReplaceSpanProperty, out var replaceSpan)
                || !properties.TryGetValue(LoadedEntities.RemoveSpansProperty, out var removeSpans))
            {
                return false;
            }

            if (FindStatement(root, replaceSpan) is not { } first)
            {
                return false;
            }

            foreach (var span in (removeSpans ?? "").Split(new[] { ';' }, System.StringSplitOptions.RemoveEmptyEntries))
            {
                if (FindStatement(root, span) is not { } statement)
                {
                    return false;
                }

                removed.Add(statement);
            }

            var parsed = SyntaxFactory.ParseStatement(text!);
            if (parsed.ContainsDiagnostics)
            {
                return false;
            }

            // A long statement is laid out as a person would write it: a line per call, a line per SetProperty.
            var chain = parsed switch
            {
                ExpressionStatementSyntax expressionStatement => expressionStatement.Expression,
                LocalDeclarationStatementSyntax declaration => declaration.Declaration.Variables.FirstOrDefault()?.Initializer?.Value,
                _ => null,
            };
            if (chain is not null)
            {
                var indentation = first.GetLeadingTrivia().LastOrDefault(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).ToString();
                var newLine = first.GetTrailingTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
                parsed = ChainLayout.WrapChain(parsed, chain, indentation, newLine.IsKind(SyntaxKind.EndOfLineTrivia) ? newLine.ToString() : "\n");
            }

            replaced = first;
            replacement = parsed.WithLeadingTrivia(first.GetLeadingTrivia()).WithTrailingTrivia(first.GetTrailingTrivia());
            return true;
        }

        private static StatementSyntax? FindStatement(SyntaxNode root, string? span)
        {
            if (!PerfAnalyzers.Rules.SpanProperty.TryParse(span, out var textSpan) || textSpan.End > root.FullSpan.End)
            {
                return null;
            }

            return root.FindNode(textSpan, getInnermostNodeForTie: false).AncestorsAndSelf().OfType<StatementSyntax>()
                .FirstOrDefault(s => s.Span == textSpan);
        }

        protected sealed override async Task<Document> FixDocumentAsync(Document document, ImmutableArray<Diagnostic> diagnostics, string? equivalenceKey, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return document;
            }

            var editor = new SyntaxEditor(root, document.Project.Solution.Workspace.Services);
            var touched = new HashSet<StatementSyntax>();
            foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
            {
                if (!TryGetEdits(root, diagnostic, out var replaced, out var replacement, out var removed))
                {
                    continue;
                }

                // Two diagnostics never share statements; if they did (edited code), skip the later one.
                if (!touched.Add(replaced) || removed.Any(r => !touched.Add(r)))
                {
                    continue;
                }

                editor.ReplaceNode(replaced, replacement);
                foreach (var statement in removed)
                {
                    editor.RemoveNode(statement, SyntaxRemoveOptions.KeepNoTrivia);
                }
            }

            return document.WithSyntaxRoot(editor.GetChangedRoot());
        }
    }
}
