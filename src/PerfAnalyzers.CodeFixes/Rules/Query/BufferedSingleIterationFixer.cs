namespace PerfAnalyzers.CodeFixes.Rules.Query
{
    /// <summary>
    /// EFP313: <c>foreach (var x in await q.ToListAsync(ct))</c> -&gt;
    /// <c>await foreach (var x in q.AsAsyncEnumerable().WithCancellation(ct))</c> (sync: <c>foreach (var x in q.AsEnumerable())</c>),
    /// keeping <c>ConfigureAwait</c>; a list local read only by the loop is removed and the loop streams the query itself.
    /// The materializing call is renamed in place, so the query keeps its layout.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(BufferedSingleIterationFixer))]
    public sealed class BufferedSingleIterationFixer() : EfCodeFixProvider(EquivalenceKey, RuleIds.BufferedSingleIteration)
    {
        public const string EquivalenceKey = "EFP313_Stream";

        protected override string? TitleFor(FixSite site)
            => TryFind(site.Root, site.Diagnostic, out var plan)
                ? plan.IsAsync ? "Stream the rows (await foreach over AsAsyncEnumerable())" : "Stream the rows (foreach over AsEnumerable())"
                : null;

        protected override async Task<Document> FixAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null || !TryFind(root, diagnostic, out var plan))
            {
                return document;
            }

            // q.ToListAsync(ct) -> q.AsAsyncEnumerable(), in place: the query keeps its line breaks.
            var member = (MemberAccessExpressionSyntax)plan.Call.Expression;
            ExpressionSyntax streamed = plan.Call
                .WithExpression(member.WithName(SyntaxFactory.IdentifierName(plan.IsAsync ? "AsAsyncEnumerable" : "AsEnumerable").WithTriviaFrom(member.Name)))
                .WithArgumentList(SyntaxFactory.ArgumentList().WithTriviaFrom(plan.Call.ArgumentList))
                .WithoutTrivia();
            if (plan.Token is { } token)
            {
                streamed = Call(streamed, "WithCancellation", token);
            }

            if (plan.ConfigureAwait is { } configureAwait)
            {
                streamed = Call(streamed, "ConfigureAwait", configureAwait);
            }

            var loop = plan.Loop;
            var newLoop = loop.ReplaceNode(plan.Collection, streamed.WithTriviaFrom(plan.Collection));
            if (plan.IsAsync)
            {
                var keyword = newLoop.ForEachKeyword;
                newLoop = newLoop
                    .WithForEachKeyword(keyword.WithLeadingTrivia(SyntaxFactory.TriviaList()))
                    .WithAwaitKeyword(SyntaxFactory.Token(keyword.LeadingTrivia, SyntaxKind.AwaitKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space)));
            }

            if (plan.Declaration is not { } declaration || declaration.Parent is not BlockSyntax block)
            {
                return document.WithSyntaxRoot(root.ReplaceNode(loop, newLoop));
            }

            // The list local goes: its leading trivia (blank lines, comments) stays in front of the loop.
            var kept = declaration.GetLeadingTrivia();
            var indentation = kept.Count > 0 && kept[kept.Count - 1].IsKind(SyntaxKind.WhitespaceTrivia) ? kept.Count - 1 : kept.Count;
            var leading = SyntaxFactory.TriviaList(kept.Take(indentation)).AddRange(newLoop.GetLeadingTrivia());
            newLoop = newLoop.WithLeadingTrivia(leading);
            var statements = new List<StatementSyntax>();
            foreach (var statement in block.Statements)
            {
                if (statement == declaration)
                {
                    continue;
                }

                statements.Add(statement == loop ? newLoop : statement);
            }

            return document.WithSyntaxRoot(root.ReplaceNode(block, block.WithStatements(SyntaxFactory.List(statements))));
        }

        private static ExpressionSyntax Call(ExpressionSyntax receiver, string name, ExpressionSyntax argument)
            => SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, receiver, SyntaxFactory.IdentifierName(name)),
                SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(argument.WithoutTrivia()))));

        private sealed class Plan(CommonForEachStatementSyntax loop, ExpressionSyntax collection, InvocationExpressionSyntax call, bool isAsync)
        {
            public CommonForEachStatementSyntax Loop { get; } = loop;

            public ExpressionSyntax Collection { get; } = collection;

            public InvocationExpressionSyntax Call { get; } = call;

            public bool IsAsync { get; } = isAsync;

            public LocalDeclarationStatementSyntax? Declaration { get; set; }

            public ExpressionSyntax? Token { get; set; }

            public ExpressionSyntax? ConfigureAwait { get; set; }
        }

        private static bool TryFind(SyntaxNode root, Diagnostic diagnostic, out Plan plan)
        {
            plan = null!;
            if (!diagnostic.Properties.TryGetValue(BufferedSingleIterationAnalyzer.FixableProperty, out var fixable) || fixable != "true"
                || Find<InvocationExpressionSyntax>(root, diagnostic, BufferedSingleIterationAnalyzer.CallSpanProperty) is not { Expression: MemberAccessExpressionSyntax member } call
                || Find<ExpressionSyntax>(root, diagnostic, BufferedSingleIterationAnalyzer.CollectionSpanProperty) is not { Parent: CommonForEachStatementSyntax loop } collection
                || loop.Expression != collection
                || loop.AwaitKeyword.RawKind != 0)
            {
                return false;
            }

            var isAsync = member.Name.Identifier.ValueText.EndsWith("Async", System.StringComparison.Ordinal);
            plan = new Plan(loop, collection, call, isAsync);
            if (diagnostic.Properties.ContainsKey(BufferedSingleIterationAnalyzer.DeclarationSpanProperty))
            {
                if (Find<LocalDeclarationStatementSyntax>(root, diagnostic, BufferedSingleIterationAnalyzer.DeclarationSpanProperty) is not { } declaration
                    || !declaration.Span.Contains(call.Span))
                {
                    return false;
                }

                plan.Declaration = declaration;
            }
            else if (!collection.Span.Contains(call.Span))
            {
                return false;
            }

            if (diagnostic.Properties.ContainsKey(BufferedSingleIterationAnalyzer.TokenSpanProperty))
            {
                if (Find<ExpressionSyntax>(root, diagnostic, BufferedSingleIterationAnalyzer.TokenSpanProperty) is not { } token)
                {
                    return false;
                }

                plan.Token = token;
            }

            if (diagnostic.Properties.ContainsKey(BufferedSingleIterationAnalyzer.ConfigureAwaitSpanProperty))
            {
                if (Find<ExpressionSyntax>(root, diagnostic, BufferedSingleIterationAnalyzer.ConfigureAwaitSpanProperty) is not { } configureAwait)
                {
                    return false;
                }

                plan.ConfigureAwait = configureAwait;
            }

            return true;
        }

        private static T? Find<T>(SyntaxNode root, Diagnostic diagnostic, string property)
            where T : SyntaxNode
        {
            if (!TryGetSpan(diagnostic, property, out var span) || !root.FullSpan.Contains(span))
            {
                return null;
            }

            for (SyntaxNode? node = root.FindNode(span, getInnermostNodeForTie: true); node is not null && node.Span == span; node = node.Parent)
            {
                if (node is T found)
                {
                    return found;
                }
            }

            return null;
        }
    }
}
