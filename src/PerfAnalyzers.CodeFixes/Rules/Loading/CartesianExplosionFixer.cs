namespace PerfAnalyzers.CodeFixes.Rules.Loading
{
    /// <summary>EFP105: appends <c>.AsSplitQuery()</c> right after the last Include/ThenInclude of the query (the diagnostic's call).</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(CartesianExplosionFixer))]
    public sealed class CartesianExplosionFixer : CodeFixProvider
    {
        public const string EquivalenceKey = "EFP105_AsSplitQuery";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.CartesianExplosion);

        public override FixAllProvider GetFixAllProvider() => FixAllInstance;


        private static readonly DocumentFixAll FixAllInstance = new DocumentFixAll("Use AsSplitQuery() for every query with sibling collection Includes", ApplyAsync);

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics)
            {
                if (!diagnostic.Properties.ContainsKey("NoFix") && FindInclude(root, diagnostic) is not null)
                {
                    context.RegisterCodeFix(
                        CodeAction.Create("Use AsSplitQuery()", ct => ApplyAsync(context.Document, ImmutableArray.Create(diagnostic), ct), EquivalenceKey),
                        diagnostic);
                }
            }
        }

        private static InvocationExpressionSyntax? FindInclude(SyntaxNode root, Diagnostic diagnostic)
        {
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            return node.Parent is MemberAccessExpressionSyntax { Parent: InvocationExpressionSyntax invocation } access && access.Name == node
                ? invocation
                : null;
        }

        private static async Task<Document> ApplyAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
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
