using Microsoft.CodeAnalysis.Formatting;

namespace PerfAnalyzers.CodeFixes.Rules.Async
{
    /// <summary>
    /// EFP402: <c>await Task.WhenAll(db.A.CountAsync(), db.B.ToListAsync());</c> becomes one <c>await</c> statement per
    /// call, in argument order; for task locals (<c>var a = db.A.CountAsync();</c> ... <c>await Task.WhenAll(a, b);</c>)
    /// the await moves to the declaration (<c>var a = await db.A.CountAsync();</c>), <c>await a</c> and <c>a.Result</c>
    /// become <c>a</c>, and the WhenAll statement goes. The operations then run one after another (the title says so).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ConcurrentContextOperationsFixer))]
    public sealed class ConcurrentContextOperationsFixer() : EfDocumentFixProvider(EquivalenceKey, RuleIds.ConcurrentContextOperations)
    {
        public const string EquivalenceKey = "EFP402_AwaitSequentially";

        private const string Title = "Await the operations one after another (they run sequentially)";

        protected override bool TitleNeedsSemanticModel => true;

        protected override string? TitleFor(FixSite site)
            => IsFixable(site.Diagnostic) && Plan(site.Root, site.Model!, site.Diagnostic, site.CancellationToken) is not null ? Title : null;

        protected override string FixAllTitleFor(string? equivalenceKey) => "Await every WhenAll's operations one after another (they run sequentially)";

        private static bool IsFixable(Diagnostic diagnostic)
            => IsSet(diagnostic, ConcurrentContextOperationsAnalyzer.CanFixProperty);

        protected override async Task<Document> FixDocumentAsync(Document document, ImmutableArray<Diagnostic> diagnostics, string? equivalenceKey, CancellationToken cancellationToken)
        {
            if (await RootAndModelAsync(document, cancellationToken).ConfigureAwait(false) is not (SyntaxNode root, SemanticModel model))
            {
                return document;
            }

            var replacements = new Dictionary<SyntaxNode, SyntaxNode>();
            var statementReplacements = new Dictionary<SyntaxNode, IReadOnlyList<StatementSyntax>>();
            foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
            {
                if (!IsFixable(diagnostic) || Plan(root, model, diagnostic, cancellationToken) is not { } plan)
                {
                    continue;
                }

                if (plan.Replacements.Keys.Any(replacements.ContainsKey) || statementReplacements.ContainsKey(plan.Statement))
                {
                    continue;
                }

                foreach (var pair in plan.Replacements)
                {
                    replacements[pair.Key] = pair.Value;
                }

                statementReplacements[plan.Statement] = plan.NewStatements;
            }

            if (statementReplacements.Count == 0)
            {
                return document;
            }

            var tracked = root.TrackNodes(replacements.Keys.Concat(statementReplacements.Keys));
            foreach (var pair in replacements)
            {
                var current = tracked.GetCurrentNode(pair.Key);
                if (current is not null)
                {
                    tracked = tracked.ReplaceNode(current, pair.Value.WithTriviaFrom(current));
                }
            }

            foreach (var pair in statementReplacements)
            {
                var current = tracked.GetCurrentNode(pair.Key);
                if (current is null)
                {
                    continue;
                }

                tracked = pair.Value.Count == 0
                    ? tracked.RemoveNode(current, SyntaxRemoveOptions.KeepNoTrivia)!
                    : tracked.ReplaceNode(current, pair.Value.Select(s => (SyntaxNode)s.WithAdditionalAnnotations(Formatter.Annotation)));
            }

            return document.WithSyntaxRoot(tracked);
        }

        private sealed class FixPlan(StatementSyntax statement, IReadOnlyList<StatementSyntax> newStatements, Dictionary<SyntaxNode, SyntaxNode> replacements)
        {
            public StatementSyntax Statement { get; } = statement;

            public IReadOnlyList<StatementSyntax> NewStatements { get; } = newStatements;

            public Dictionary<SyntaxNode, SyntaxNode> Replacements { get; } = replacements;
        }

        private static FixPlan? Plan(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            var whenAll = node.FirstAncestorOrSelf<InvocationExpressionSyntax>();
            if (whenAll?.Parent is not AwaitExpressionSyntax { Parent: ExpressionStatementSyntax statement }
                || statement.Parent is not BlockSyntax block)
            {
                return null;
            }

            var newStatements = new List<StatementSyntax>();
            var replacements = new Dictionary<SyntaxNode, SyntaxNode>();
            var first = true;
            foreach (var argument in whenAll.ArgumentList.Arguments)
            {
                if (argument.NameColon is not null || argument.RefKindKeyword.RawKind != 0)
                {
                    return null;
                }

                var expression = argument.Expression;
                if (expression is IdentifierNameSyntax identifier)
                {
                    if (!PlanLocal(block, statement, identifier, model, replacements, cancellationToken))
                    {
                        return null;
                    }

                    continue;
                }

                if (expression is not InvocationExpressionSyntax)
                {
                    return null;
                }

                var awaitStatement = SyntaxFactory.ExpressionStatement(SyntaxFactory.AwaitExpression(expression.WithoutTrivia()));
                newStatements.Add(first ? awaitStatement.WithLeadingTrivia(statement.GetLeadingTrivia()) : awaitStatement);
                first = false;
            }

            if (newStatements.Count > 0)
            {
                newStatements[newStatements.Count - 1] = newStatements[newStatements.Count - 1].WithTrailingTrivia(statement.GetTrailingTrivia());
            }

            return new FixPlan(statement, newStatements, replacements);
        }

        /// <summary><c>var a = call;</c> becomes <c>var a = await call;</c>; every other use must be <c>await a</c> or <c>a.Result</c>.</summary>
        private static bool PlanLocal(
            BlockSyntax block,
            StatementSyntax whenAllStatement,
            IdentifierNameSyntax identifier,
            SemanticModel model,
            Dictionary<SyntaxNode, SyntaxNode> replacements,
            CancellationToken cancellationToken)
        {
            if (model.GetSymbolInfo(identifier, cancellationToken).Symbol is not ILocalSymbol local
                || local.DeclaringSyntaxReferences.Length != 1
                || local.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not VariableDeclaratorSyntax { Initializer.Value: InvocationExpressionSyntax call } declarator
                || declarator.Parent is not VariableDeclarationSyntax { Type.IsVar: true, Variables.Count: 1 }
                || declarator.Parent.Parent is not LocalDeclarationStatementSyntax { UsingKeyword.RawKind: 0 } declaration
                || declaration.Parent != block
                || declaration.SpanStart > whenAllStatement.SpanStart)
            {
                return false;
            }

            foreach (var use in block.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (use.Identifier.ValueText != local.Name || use == identifier
                    || !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(use, cancellationToken).Symbol, local))
                {
                    continue;
                }

                if (use.Parent is AwaitExpressionSyntax awaited && use.SpanStart > whenAllStatement.Span.End)
                {
                    replacements[awaited] = use.WithoutTrivia();
                }
                else if (use.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Result" } result && result.Expression == use
                         && use.SpanStart > whenAllStatement.Span.End)
                {
                    replacements[result] = use.WithoutTrivia();
                }
                else
                {
                    return false;
                }
            }

            replacements[call] = SyntaxFactory.AwaitExpression(call.WithoutTrivia());
            return true;
        }
    }
}
