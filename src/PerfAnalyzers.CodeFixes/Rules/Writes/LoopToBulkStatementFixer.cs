using Microsoft.CodeAnalysis.Editing;
using PerfAnalyzers.Rules.Writes;

namespace PerfAnalyzers.CodeFixes.Rules.Writes
{
    /// <summary>EFP203: replaces load + loop + save with the ExecuteUpdate statement the analyzer built.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UpdateLoopFixer))]
    public sealed class UpdateLoopFixer : LoopToBulkStatementFixer
    {
        public const string EquivalenceKey = "EFP203_UseExecuteUpdate";

        // The statement runs when called, in its own transaction, not in the SaveChanges that follows (if that save
        // fails, the rows are already changed), and bypasses the change tracker: the titles say so.
        public const string Title = "Use ExecuteUpdate (runs immediately, outside SaveChanges; tracked entities not updated)";

        public UpdateLoopFixer()
            : base(RuleIds.UpdateLoop, Title, EquivalenceKey)
        {
        }
    }

    /// <summary>EFP204: replaces load + loop (or RemoveRange) + save with the ExecuteDelete statement the analyzer built.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DeleteLoopFixer))]
    public sealed class DeleteLoopFixer : LoopToBulkStatementFixer
    {
        public const string EquivalenceKey = "EFP204_UseExecuteDelete";

        public const string Title = "Use ExecuteDelete (runs immediately, outside SaveChanges; tracked entities not updated)";

        public DeleteLoopFixer()
            : base(RuleIds.DeleteLoop, Title, EquivalenceKey)
        {
        }
    }

    /// <summary>
    /// What the EFP203 and EFP204 fixes share: the analyzer built the ExecuteUpdate/ExecuteDelete statement and decided
    /// which statements go away and whether the fix is safe at all (diagnostic properties); the fix replaces the first and
    /// removes the others, every diagnostic of a Fix All in one edit.
    /// </summary>
    public abstract class LoopToBulkStatementFixer : CodeFixProvider
    {
        private readonly string _title;
        private readonly string _equivalenceKey;
        private readonly FixAll _fixAll;

        private protected LoopToBulkStatementFixer(string ruleId, string title, string equivalenceKey)
        {
            _title = title;
            _equivalenceKey = equivalenceKey;
            _fixAll = new FixAll(title);
            FixableDiagnosticIds = ImmutableArray.Create(ruleId);
        }

        public sealed override ImmutableArray<string> FixableDiagnosticIds { get; }

        public sealed override FixAllProvider GetFixAllProvider() => _fixAll;

        public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics)
            {
                if (!TryGetEdits(root, diagnostic, out _, out _, out _))
                {
                    continue;
                }

                context.RegisterCodeFix(
                    CodeAction.Create(_title, ct => ApplyAsync(context.Document, ImmutableArray.Create(diagnostic), ct), _equivalenceKey),
                    diagnostic);
            }
        }

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
            var parts = span?.Split(':');
            if (parts is not { Length: 2 }
                || !int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var start)
                || !int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var length)
                || start < 0 || start + length > root.FullSpan.End)
            {
                return null;
            }

            var textSpan = new TextSpan(start, length);
            return root.FindNode(textSpan, getInnermostNodeForTie: false).AncestorsAndSelf().OfType<StatementSyntax>()
                .FirstOrDefault(s => s.Span == textSpan);
        }

        private static async Task<Document> ApplyAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
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

        /// <summary>Applies every fix of a document in one edit.</summary>
        private sealed class FixAll : DocumentBasedFixAllProvider
        {
            private readonly string _title;

            internal FixAll(string title) => _title = title;

            protected override string GetFixAllTitle(FixAllContext fixAllContext) => _title;

            protected override async Task<Document?> FixAllAsync(FixAllContext fixAllContext, Document document, ImmutableArray<Diagnostic> diagnostics)
                => await ApplyAsync(document, diagnostics, fixAllContext.CancellationToken).ConfigureAwait(false);
        }
    }
}
