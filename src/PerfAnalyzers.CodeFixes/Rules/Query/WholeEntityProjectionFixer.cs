namespace PerfAnalyzers.CodeFixes.Rules.Query
{
    /// <summary>
    /// EFP305: <c>var posts = q.ToList();</c> -&gt; <c>var posts = q.Select(x =&gt; new { x.Title, x.Views }).ToList();</c>.
    /// The member reads keep compiling against the anonymous type (same names). Offered only when the analyzer set CanFix.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(WholeEntityProjectionFixer))]
    public sealed class WholeEntityProjectionFixer() : EfCodeFixProvider(EquivalenceKey, RuleIds.WholeEntityProjection)
    {
        public const string EquivalenceKey = "EFP305_SelectMembers";

        protected override string? TitleFor(FixSite site)
            => IsSet(site.Diagnostic, WholeEntityProjectionAnalyzer.CanFixProperty)
               && Members(site.Diagnostic).Length > 0
               && TryFind(site.Root, site.Diagnostic, out _)
                ? "Select only the members read"
                : null;

        protected override Task<Document> FixAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
            => ApplyAsync(document, diagnostic, cancellationToken);

        private static string[] Members(Diagnostic diagnostic)
            => diagnostic.Properties.TryGetValue(WholeEntityProjectionAnalyzer.MembersProperty, out var members) && !string.IsNullOrEmpty(members)
                ? members!.Split(',')
                : new string[0];

        private static bool TryFind(SyntaxNode root, Diagnostic diagnostic, out MemberAccessExpressionSyntax memberAccess)
        {
            memberAccess = null!;
            if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is SimpleNameSyntax name
                && name.Parent is MemberAccessExpressionSyntax access && access.Name == name
                && access.Parent is InvocationExpressionSyntax)
            {
                memberAccess = access;
                return true;
            }

            return false;
        }

        private static async Task<Document> ApplyAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null || !TryFind(root, diagnostic, out var memberAccess))
            {
                return document;
            }

            var parameterName = PickParameterName(memberAccess);
            var lambda = SyntaxFactory.ParseExpression(
                parameterName + " => new { " + string.Join(", ", Members(diagnostic).Select(m => parameterName + "." + m)) + " }");
            var receiver = memberAccess.Expression;
            var select = SyntaxFactory.InvocationExpression(
                    SyntaxFactory.MemberAccessExpression(
                        SyntaxKind.SimpleMemberAccessExpression,
                        receiver.WithoutTrailingTrivia(),
                        SyntaxFactory.IdentifierName("Select")),
                    SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(lambda))))
                .WithTrailingTrivia(receiver.GetTrailingTrivia());
            var newRoot = root.ReplaceNode(receiver, select);
            return document.WithSyntaxRoot(newRoot);
        }

        /// <summary>
        /// A lambda parameter name that no local or parameter in scope uses (avoids CS0136): locals and parameters of the
        /// enclosing member, and parameters of the lambdas around the query. Sibling lambdas may reuse a name.
        /// </summary>
        private static string PickParameterName(SyntaxNode node)
        {
            var scope = node.AncestorsAndSelf().FirstOrDefault(n => n is MemberDeclarationSyntax) ?? node;
            var used = new HashSet<string>();
            DeclaredNames.AddTo(used, scope, parameter => parameter.Parent?.Parent is not LambdaExpressionSyntax && parameter.Parent is not LambdaExpressionSyntax);

            foreach (var lambda in node.Ancestors().OfType<LambdaExpressionSyntax>())
            {
                foreach (var parameter in lambda.DescendantNodes().OfType<ParameterSyntax>().Where(p => p.Ancestors().OfType<LambdaExpressionSyntax>().First() == lambda))
                {
                    used.Add(parameter.Identifier.ValueText);
                }
            }

            if (scope is BaseMethodDeclarationSyntax method)
            {
                foreach (var parameter in method.ParameterList.Parameters)
                {
                    used.Add(parameter.Identifier.ValueText);
                }
            }

            // As the code around it names it: the parameter of the chain's own lambdas (Where(p => ..).OrderBy(p => ..)).
            var chainName = (node as MemberAccessExpressionSyntax)?.Expression.DescendantNodes()
                .OfType<SimpleLambdaExpressionSyntax>()
                .Where(l => !l.Ancestors().OfType<LambdaExpressionSyntax>().Any(a => ((MemberAccessExpressionSyntax)node).Expression.Span.Contains(a.Span)))
                .Select(l => l.Parameter.Identifier.ValueText)
                .LastOrDefault(n => n.Length > 0 && n != "_");
            var candidates = chainName is null ? new[] { "x", "e", "row", "entity" } : new[] { chainName, "x", "e", "row", "entity" };
            foreach (var candidate in candidates)
            {
                if (!used.Contains(candidate))
                {
                    return candidate;
                }
            }

            for (var i = 1; ; i++)
            {
                if (!used.Contains("x" + i))
                {
                    return "x" + i;
                }
            }
        }
    }
}
