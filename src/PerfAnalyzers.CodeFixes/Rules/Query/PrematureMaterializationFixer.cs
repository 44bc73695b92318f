using Microsoft.CodeAnalysis.Editing;
using PerfAnalyzers.EfCore;

namespace PerfAnalyzers.CodeFixes.Rules.Query
{
    /// <summary>
    /// EFP303: moves the in-memory steps the analyzer found safe in front of the materialization, keeping one
    /// materialization at the end: <c>q.ToList().Where(w).Count()</c> -&gt; <c>q.Where(w).Count()</c>,
    /// <c>(await q.ToListAsync(ct)).Where(w).ToList()</c> -&gt; <c>await q.Where(w).ToListAsync(ct)</c>,
    /// <c>var all = q.ToList(); return all.Count;</c> -&gt; <c>return q.Count();</c>.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(PrematureMaterializationFixer))]
    public sealed class PrematureMaterializationFixer() : EfCodeFixProvider(EquivalenceKey, RuleIds.PrematureMaterialization)
    {
        public const string EquivalenceKey = "EFP303_MoveIntoQuery";

        protected override string? TitleFor(FixSite site)
            => Plan.TryCreate(site.Root, site.Diagnostic) is { } plan
                ? $"Apply {string.Join(", ", plan.MovedNames.Select(n => "'" + n + "'"))} to the query before '{plan.MaterializerName}'"
                : null;

        protected override Task<Document> FixAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
            => ApplyAsync(document, diagnostic, cancellationToken);

        private static async Task<Document> ApplyAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null || Plan.TryCreate(root, diagnostic) is not { } plan)
            {
                return document;
            }

            var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
            editor.ReplaceNode(plan.Replaced, plan.BuildReplacement());
            if (plan.Declaration is not null)
            {
                editor.RemoveNode(plan.Declaration, SyntaxRemoveOptions.KeepUnbalancedDirectives);
            }

            return editor.GetChangedDocument();
        }

        /// <summary>One in-memory step in syntax: <c>.Where(..)</c> (with its call) or <c>.Count</c> (a property).</summary>
        private readonly struct Step(MemberAccessExpressionSyntax access, InvocationExpressionSyntax? call)
        {
            public MemberAccessExpressionSyntax Access { get; } = access;

            public InvocationExpressionSyntax? Call { get; } = call;

            public ExpressionSyntax Outer => (ExpressionSyntax?)Call ?? Access;

            public string Name => Access.Name.Identifier.ValueText;

            /// <summary>The Queryable operator: list.Count / array.Length become Count(), LongLength LongCount().</summary>
            public string QueryName => Call is null ? (Name == "LongLength" ? "LongCount" : "Count") : Name;

            public bool IsTerminal => Call is null || ClientSideOperators.IsTerminal(Name);
        }

        private sealed class Plan
        {
            private InvocationExpressionSyntax _materializer = null!;
            private MemberAccessExpressionSyntax _materializerAccess = null!;
            private ArgumentListSyntax? _configureAwait;
            private bool _isAsync;
            private bool _absorb;
            private List<Step> _steps = null!;
            private int _move;

            public ExpressionSyntax Replaced { get; private set; } = null!;

            /// <summary>The local's declaration to remove (the rows were held in a local used once).</summary>
            public LocalDeclarationStatementSyntax? Declaration { get; private set; }

            public string MaterializerName => _materializerAccess.Name.Identifier.ValueText;

            public IEnumerable<string> MovedNames => _steps.Take(_move).Select(s => s.QueryName);

            public static Plan? TryCreate(SyntaxNode root, Diagnostic diagnostic)
            {
                if (!diagnostic.Properties.TryGetValue(PrematureMaterializationAnalyzer.MoveProperty, out var moveText)
                    || !int.TryParse(moveText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var move) || move <= 0)
                {
                    return null;
                }

                if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not SimpleNameSyntax name
                    || name.Parent is not MemberAccessExpressionSyntax access || access.Name != name
                    || access.Parent is not InvocationExpressionSyntax materializer || materializer.Expression != access)
                {
                    return null;
                }

                var plan = new Plan
                {
                    _materializer = materializer,
                    _materializerAccess = access,
                    _isAsync = name.Identifier.ValueText.EndsWith("Async", System.StringComparison.Ordinal),
                    _absorb = IsSet(diagnostic, PrematureMaterializationAnalyzer.AbsorbProperty),
                    _move = move,
                };

                ExpressionSyntax result = materializer;
                if (plan._isAsync)
                {
                    if (result.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait", Parent: InvocationExpressionSyntax configure } configureAccess
                        && configureAccess.Expression == result)
                    {
                        plan._configureAwait = configure.ArgumentList;
                        result = configure;
                    }

                    if (result.Parent is not AwaitExpressionSyntax awaited)
                    {
                        return null;
                    }

                    result = awaited;
                }

                ExpressionSyntax start;
                if (IsSet(diagnostic, PrematureMaterializationAnalyzer.LocalProperty))
                {
                    if (diagnostic.AdditionalLocations.Count < 1
                        || root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true) is not IdentifierNameSyntax use
                        || result.Parent is not EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1, Parent: LocalDeclarationStatementSyntax declaration } } })
                    {
                        return null;
                    }

                    plan.Declaration = declaration;
                    start = use;
                }
                else
                {
                    start = result;
                }

                plan._steps = CollectSteps(start, move + (plan._absorb ? 1 : 0));
                if (plan._steps.Count != move + (plan._absorb ? 1 : 0))
                {
                    return null;
                }

                plan.Replaced = plan._steps[plan._steps.Count - 1].Outer;
                return plan;
            }

            private static List<Step> CollectSteps(ExpressionSyntax start, int count)
            {
                var steps = new List<Step>();
                ExpressionSyntax current = start;
                while (steps.Count < count)
                {
                    while (current.Parent is ParenthesizedExpressionSyntax parenthesized)
                    {
                        current = parenthesized;
                    }

                    if (current.Parent is not MemberAccessExpressionSyntax access || access.Expression != current)
                    {
                        break;
                    }

                    var call = access.Parent is InvocationExpressionSyntax invocation && invocation.Expression == access ? invocation : null;
                    var step = new Step(access, call);
                    steps.Add(step);
                    current = step.Outer;
                }

                return steps;
            }

            public ExpressionSyntax BuildReplacement()
            {
                ExpressionSyntax query = _materializerAccess.Expression.WithoutLeadingTrivia();
                for (var i = 0; i < _move; i++)
                {
                    var step = _steps[i];
                    var asyncTerminal = _isAsync && i == _move - 1 && step.IsTerminal;
                    query = Apply(query, step.Access, step.Call?.ArgumentList, step.QueryName, asyncTerminal);
                }

                var last = _steps[_move - 1];
                ExpressionSyntax replacement;
                if (last.IsTerminal)
                {
                    replacement = _isAsync ? Await(query) : query;
                }
                else if (_absorb)
                {
                    var next = _steps[_move];
                    var materialized = Apply(query, next.Access, _isAsync ? null : next.Call?.ArgumentList, next.Name, _isAsync);
                    replacement = _isAsync ? Await(materialized) : materialized;
                }
                else
                {
                    // Keep the first materialization, now after the moved steps.
                    var materialized = _materializer.WithExpression(_materializerAccess.WithExpression(query).WithOperatorToken(Dot(query, _materializerAccess.OperatorToken)));
                    replacement = _isAsync ? Await(materialized) : materialized;
                }

                if (replacement is AwaitExpressionSyntax && Replaced.Parent is MemberAccessExpressionSyntax or ElementAccessExpressionSyntax or ConditionalAccessExpressionSyntax)
                {
                    replacement = SyntaxFactory.ParenthesizedExpression(replacement);
                }

                return replacement.WithLeadingTrivia(Replaced.GetLeadingTrivia()).WithTrailingTrivia(Replaced.GetTrailingTrivia());
            }

            /// <summary><c>query.Name(args)</c> with the step's dot and trivia; the async form takes the materializer's arguments (the CancellationToken).</summary>
            private ExpressionSyntax Apply(ExpressionSyntax query, MemberAccessExpressionSyntax stepAccess, ArgumentListSyntax? arguments, string queryName, bool asAsync)
            {
                var methodName = asAsync ? queryName + "Async" : queryName;
                var nameToken = SyntaxFactory.Identifier(stepAccess.Name.GetLeadingTrivia(), methodName, SyntaxTriviaList.Empty);
                var access = stepAccess.WithExpression(query).WithOperatorToken(Dot(query, stepAccess.OperatorToken)).WithName(SyntaxFactory.IdentifierName(nameToken));
                var list = arguments ?? SyntaxFactory.ArgumentList();
                if (asAsync)
                {
                    list = list.AddArguments(_materializer.ArgumentList.Arguments.ToArray());
                }

                return SyntaxFactory.InvocationExpression(access, list);
            }

            /// <summary>A step's dot keeps its indentation only where the query before it ends a line (multi-line chains).</summary>
            private static SyntaxToken Dot(ExpressionSyntax query, SyntaxToken dot)
                => query.GetTrailingTrivia().Any(t => t.IsKind(SyntaxKind.EndOfLineTrivia)) ? dot : dot.WithLeadingTrivia(SyntaxTriviaList.Empty);

            private ExpressionSyntax Await(ExpressionSyntax call)
            {
                if (_configureAwait is not null)
                {
                    call = SyntaxFactory.InvocationExpression(
                        SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, call, SyntaxFactory.IdentifierName("ConfigureAwait")),
                        _configureAwait.WithoutTrivia());
                }

                return SyntaxFactory.AwaitExpression(SyntaxFactory.Token(SyntaxKind.AwaitKeyword).WithTrailingTrivia(SyntaxFactory.Space), call);
            }
        }
    }
}
