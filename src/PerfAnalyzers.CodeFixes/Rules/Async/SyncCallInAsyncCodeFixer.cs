using Microsoft.CodeAnalysis.Editing;

namespace PerfAnalyzers.CodeFixes.Rules.Async
{
    /// <summary>
    /// EFP401: <c>q.ToList()</c> becomes <c>await q.ToListAsync(ct)</c> (arguments kept, parenthesized when the result is
    /// used further, <c>using Microsoft.EntityFrameworkCore;</c> added when the Async operators are not in scope), and
    /// <c>foreach (var x in q)</c> becomes <c>await foreach (var x in q.AsAsyncEnumerable())</c>.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SyncCallInAsyncCodeFixer))]
    public sealed class SyncCallInAsyncCodeFixer() : EfDocumentFixProvider(EquivalenceKey, RuleIds.SyncCallInAsyncCode)
    {
        public const string EquivalenceKey = "EFP401_AwaitAsyncForm";

        private const string EfNamespace = "Microsoft.EntityFrameworkCore";

        protected override string? TitleFor(FixSite site)
        {
            var diagnostic = site.Diagnostic;
            if (!IsFixable(diagnostic) || FindTarget(site.Root, diagnostic) is null)
            {
                return null;
            }

            var asyncName = diagnostic.Properties[SyncCallInAsyncCodeAnalyzer.AsyncNameProperty];
            return Blocking(diagnostic) is not null ? $"Await the '{asyncName}' task"
                : asyncName == SyncCallInAsyncCodeAnalyzer.ForEachMarker ? "Use 'await foreach' over AsAsyncEnumerable()" : $"Await '{asyncName}'";
        }

        protected override string FixAllTitleFor(string? equivalenceKey) => "Await the Async forms of EF Core calls";

        protected override Task<Document> FixDocumentAsync(Document document, ImmutableArray<Diagnostic> diagnostics, string? equivalenceKey, CancellationToken cancellationToken)
            => ApplyAsync(document, diagnostics, cancellationToken);

        private static bool IsFixable(Diagnostic diagnostic)
            => IsSet(diagnostic, SyncCallInAsyncCodeAnalyzer.CanFixProperty)
               && diagnostic.Properties.TryGetValue(SyncCallInAsyncCodeAnalyzer.AsyncNameProperty, out var name) && !string.IsNullOrEmpty(name);

        private static string? Blocking(Diagnostic diagnostic)
            => diagnostic.Properties.TryGetValue(SyncCallInAsyncCodeAnalyzer.BlockingProperty, out var blocking) && !string.IsNullOrEmpty(blocking) ? blocking : null;

        /// <summary>The invocation, foreach statement or blocking wait (<c>t.Result</c>, <c>t.Wait()</c>, <c>t.GetAwaiter().GetResult()</c>) the diagnostic is on.</summary>
        private static SyntaxNode? FindTarget(SyntaxNode root, Diagnostic diagnostic)
        {
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            if (Blocking(diagnostic) is { } blocking)
            {
                return FindBlockingWait(node, diagnostic, blocking);
            }

            if (diagnostic.Properties[SyncCallInAsyncCodeAnalyzer.AsyncNameProperty] == SyncCallInAsyncCodeAnalyzer.ForEachMarker)
            {
                var forEach = node.FirstAncestorOrSelf<ForEachStatementSyntax>();
                return forEach is not null && forEach.Expression.Span.Contains(diagnostic.Location.SourceSpan) ? forEach : null;
            }

            var invocation = node.FirstAncestorOrSelf<InvocationExpressionSyntax>();
            if (invocation is null)
            {
                return null;
            }

            var name = invocation.Expression switch
            {
                MemberAccessExpressionSyntax member => member.Name,
                SimpleNameSyntax simple => simple,
                _ => null,
            };
            return name is not null && name.Span == diagnostic.Location.SourceSpan ? invocation : null;
        }

        /// <summary>The whole wait expression whose member name is at the diagnostic (null when the shape is not the expected one).</summary>
        private static ExpressionSyntax? FindBlockingWait(SyntaxNode node, Diagnostic diagnostic, string blocking)
        {
            if (node.FirstAncestorOrSelf<MemberAccessExpressionSyntax>() is not { } member || member.Name.Span != diagnostic.Location.SourceSpan)
            {
                return null;
            }

            if (blocking == "Result")
            {
                return member;
            }

            if (member.Parent is not InvocationExpressionSyntax invocation || invocation.Expression != member || invocation.ArgumentList.Arguments.Count != 0)
            {
                return null;
            }

            if (blocking == "Wait")
            {
                return invocation;
            }

            return member.Expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "GetAwaiter" }, ArgumentList.Arguments.Count: 0 }
                ? invocation
                : null;
        }

        /// <summary>The awaitable inside a wait expression found by <see cref="FindBlockingWait"/>.</summary>
        private static ExpressionSyntax? WaitedTask(ExpressionSyntax wait)
            => wait switch
            {
                MemberAccessExpressionSyntax member => member.Expression,
                InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Wait" } member } => member.Expression,
                InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Expression: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax getAwaiter } } } => getAwaiter.Expression,
                _ => null,
            };

        private static ExpressionSyntax RewriteBlockingWait(ExpressionSyntax wait, bool parenthesize)
        {
            var task = WaitedTask(wait);
            if (task is null)
            {
                return wait;
            }

            ExpressionSyntax awaited = SyntaxFactory.AwaitExpression(task.WithoutTrivia());
            if (parenthesize)
            {
                awaited = SyntaxFactory.ParenthesizedExpression(awaited);
            }

            return awaited.WithLeadingTrivia(wait.GetLeadingTrivia()).WithTrailingTrivia(wait.GetTrailingTrivia());
        }

        private static async Task<Document> ApplyAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            if (await RootAndModelAsync(document, cancellationToken).ConfigureAwait(false) is not (SyntaxNode root, SemanticModel model))
            {
                return document;
            }

            var editor = new SyntaxEditor(root, document.Project.Solution.Workspace.Services);
            var needsEfUsing = false;
            var needsTasksUsing = false;
            foreach (var diagnostic in diagnostics.OrderByDescending(d => d.Location.SourceSpan.Start))
            {
                if (!IsFixable(diagnostic))
                {
                    continue;
                }

                var target = FindTarget(root, diagnostic);
                var token = diagnostic.Properties.TryGetValue(SyncCallInAsyncCodeAnalyzer.TokenProperty, out var t) && !string.IsNullOrEmpty(t) ? t : null;
                if (Blocking(diagnostic) is not null)
                {
                    if (target is ExpressionSyntax wait)
                    {
                        var parenthesize = NeedsParentheses(wait);
                        editor.ReplaceNode(wait, (current, _) => RewriteBlockingWait((ExpressionSyntax)current, parenthesize));
                    }
                }
                else if (target is ForEachStatementSyntax forEach)
                {
                    needsEfUsing |= !IsInScope(model, forEach.Expression.SpanStart, EfNamespace);
                    needsTasksUsing |= token is not null && !IsInScope(model, forEach.Expression.SpanStart, "System.Threading.Tasks");
                    editor.ReplaceNode(forEach, (current, _) => RewriteForEach((ForEachStatementSyntax)current, token));
                }
                else if (target is InvocationExpressionSyntax invocation)
                {
                    var asyncName = diagnostic.Properties[SyncCallInAsyncCodeAnalyzer.AsyncNameProperty]!;
                    var wrap = IsSet(diagnostic, SyncCallInAsyncCodeAnalyzer.WrapParamsProperty);
                    var paramsStart = wrap ? ParamsStart(model, invocation, cancellationToken) : -1;
                    if (wrap && paramsStart < 0)
                    {
                        continue;
                    }

                    if (model.GetSymbolInfo(invocation, cancellationToken).Symbol is IMethodSymbol { IsExtensionMethod: true })
                    {
                        needsEfUsing |= !IsInScope(model, invocation.SpanStart, EfNamespace);
                    }

                    var parenthesize = NeedsParentheses(invocation);
                    editor.ReplaceNode(invocation, (current, _) => RewriteInvocation((InvocationExpressionSyntax)current, asyncName, token, paramsStart, parenthesize));
                }
            }

            var newRoot = editor.GetChangedRoot();
            if (newRoot is CompilationUnitSyntax unit)
            {
                if (needsEfUsing)
                {
                    unit = AddUsing(unit, EfNamespace);
                }

                if (needsTasksUsing)
                {
                    unit = AddUsing(unit, "System.Threading.Tasks");
                }

                newRoot = unit;
            }

            return document.WithSyntaxRoot(newRoot);
        }

        private static SyntaxNode RewriteForEach(ForEachStatementSyntax forEach, string? token)
        {
            var source = forEach.Expression.WithoutTrivia();
            ExpressionSyntax receiver = source is IdentifierNameSyntax or MemberAccessExpressionSyntax or InvocationExpressionSyntax or ElementAccessExpressionSyntax or ThisExpressionSyntax
                ? source
                : SyntaxFactory.ParenthesizedExpression(source);
            ExpressionSyntax collection = SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, receiver, SyntaxFactory.IdentifierName("AsAsyncEnumerable")));
            if (token is not null)
            {
                collection = SyntaxFactory.InvocationExpression(
                    SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, collection, SyntaxFactory.IdentifierName("WithCancellation")),
                    SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(Identifier(token)))));
            }

            return forEach
                .WithAwaitKeyword(SyntaxFactory.Token(forEach.ForEachKeyword.LeadingTrivia, SyntaxKind.AwaitKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space)))
                .WithForEachKeyword(forEach.ForEachKeyword.WithLeadingTrivia())
                .WithExpression(collection.WithTriviaFrom(forEach.Expression));
        }

        private static ExpressionSyntax RewriteInvocation(InvocationExpressionSyntax invocation, string asyncName, string? token, int paramsStart, bool parenthesize)
        {
            ExpressionSyntax callee = invocation.Expression switch
            {
                MemberAccessExpressionSyntax member => member.WithName(Rename(member.Name, asyncName)),
                SimpleNameSyntax simple => Rename(simple, asyncName),
                _ => invocation.Expression,
            };

            var arguments = invocation.ArgumentList.Arguments;
            if (token is not null)
            {
                if (paramsStart >= 0 && paramsStart < arguments.Count)
                {
                    var elements = arguments.Skip(paramsStart).Select(a => a.Expression.WithoutTrivia());
                    var array = SyntaxFactory.ArrayCreationExpression(
                        SyntaxFactory.ArrayType(
                            SyntaxFactory.PredefinedType(SyntaxFactory.Token(SyntaxKind.ObjectKeyword)),
                            SyntaxFactory.SingletonList(SyntaxFactory.ArrayRankSpecifier(SyntaxFactory.SingletonSeparatedList<ExpressionSyntax>(SyntaxFactory.OmittedArraySizeExpression())))),
                        SyntaxFactory.InitializerExpression(SyntaxKind.ArrayInitializerExpression, SyntaxFactory.SeparatedList(elements)));
                    arguments = SyntaxFactory.SeparatedList(arguments.Take(paramsStart).Append(SyntaxFactory.Argument(array)));
                }

                var tokenArgument = SyntaxFactory.Argument(Identifier(token));
                if (arguments.Any(a => a.NameColon is not null))
                {
                    tokenArgument = tokenArgument.WithNameColon(SyntaxFactory.NameColon("cancellationToken"));
                }

                arguments = arguments.Add(tokenArgument);
            }

            var call = invocation.WithExpression(callee)
                .WithArgumentList(invocation.ArgumentList.WithArguments(arguments))
                .WithoutLeadingTrivia();
            ExpressionSyntax awaited = SyntaxFactory.AwaitExpression(call.WithTrailingTrivia());
            if (parenthesize)
            {
                awaited = SyntaxFactory.ParenthesizedExpression(awaited);
            }

            return awaited.WithLeadingTrivia(invocation.GetLeadingTrivia()).WithTrailingTrivia(invocation.GetTrailingTrivia());
        }

        private static SimpleNameSyntax Rename(SimpleNameSyntax name, string newName)
            => name.WithIdentifier(SyntaxFactory.Identifier(name.Identifier.LeadingTrivia, newName, name.Identifier.TrailingTrivia));

        private static IdentifierNameSyntax Identifier(string name)
            => SyntaxFactory.IdentifierName(SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name);

        /// <summary>The awaited call is the receiver of something that binds tighter than <c>await</c>.</summary>
        private static bool NeedsParentheses(ExpressionSyntax invocation)
            => invocation.Parent switch
            {
                MemberAccessExpressionSyntax member => member.Expression == invocation,
                ConditionalAccessExpressionSyntax conditional => conditional.Expression == invocation,
                ElementAccessExpressionSyntax element => element.Expression == invocation,
                InvocationExpressionSyntax call => call.Expression == invocation,
                PostfixUnaryExpressionSyntax => true,
                _ => false,
            };

        /// <summary>The index of the first argument of an expanded params array (-1 when there is none).</summary>
        private static int ParamsStart(SemanticModel model, InvocationExpressionSyntax invocation, CancellationToken cancellationToken)
        {
            if (model.GetOperation(invocation, cancellationToken) is not Microsoft.CodeAnalysis.Operations.IInvocationOperation operation)
            {
                return -1;
            }

            foreach (var argument in operation.Arguments)
            {
                if (argument.ArgumentKind != Microsoft.CodeAnalysis.Operations.ArgumentKind.ParamArray)
                {
                    continue;
                }

                var arguments = invocation.ArgumentList.Arguments;
                if (arguments.Any(a => a.NameColon is not null))
                {
                    return -1;
                }

                // Ordinal of the params parameter, minus the 'this' parameter of a reduced extension call.
                var index = argument.Parameter!.Ordinal - (operation.TargetMethod.IsExtensionMethod && invocation.Expression is MemberAccessExpressionSyntax ? 1 : 0);
                return index;
            }

            return -1;
        }

        private static bool IsInScope(SemanticModel model, int position, string ns)
        {
            // A namespace is imported when one of its types can be named unqualified here.
            var probe = ns == EfNamespace ? "EntityFrameworkQueryableExtensions" : "TaskAsyncEnumerableExtensions";
            foreach (var symbol in model.LookupNamespacesAndTypes(position, name: probe))
            {
                if (symbol.ContainingNamespace?.ToDisplayString() == ns)
                {
                    return true;
                }
            }

            return false;
        }

        private static CompilationUnitSyntax AddUsing(CompilationUnitSyntax unit, string ns)
        {
            if (unit.Usings.Any(u => u.Name?.ToString() == ns && u.Alias is null && u.StaticKeyword.IsKind(SyntaxKind.None)))
            {
                return unit;
            }

            var directive = SyntaxFactory.UsingDirective(SyntaxFactory.ParseName(ns)).NormalizeWhitespace().WithTrailingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed);
            // System directives first, then ordinal order (the .NET default); an alias or static using ends the scan.
            var usings = unit.Usings;
            var index = 0;
            while (index < usings.Count && usings[index].Alias is null && usings[index].StaticKeyword.IsKind(SyntaxKind.None)
                   && CompareUsings(usings[index].Name?.ToString() ?? "", ns) < 0)
            {
                index++;
            }

            if (usings.Count > 0)
            {
                directive = directive.WithTrailingTrivia(usings[0].GetTrailingTrivia());
            }
            else
            {
                directive = directive.WithTrailingTrivia(SyntaxFactory.LineFeed, SyntaxFactory.LineFeed);
            }

            if (index == 0 && usings.Count > 0)
            {
                // Keep the file's leading trivia (header comments) in front of the first directive.
                var first = usings[0];
                directive = directive.WithLeadingTrivia(first.GetLeadingTrivia());
                usings = usings.Replace(first, first.WithLeadingTrivia());
            }
            else if (usings.Count == 0)
            {
                directive = directive.WithLeadingTrivia(unit.GetLeadingTrivia());
                unit = unit.WithoutLeadingTrivia();
            }

            return unit.WithUsings(usings.Insert(index, directive));
        }

        private static int CompareUsings(string a, string b)
        {
            var aSystem = a == "System" || a.StartsWith("System.", System.StringComparison.Ordinal);
            var bSystem = b == "System" || b.StartsWith("System.", System.StringComparison.Ordinal);
            return aSystem != bSystem ? (aSystem ? -1 : 1) : string.CompareOrdinal(a, b);
        }
    }
}
