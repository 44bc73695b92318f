using Microsoft.CodeAnalysis.Editing;

namespace PerfAnalyzers.CodeFixes.Rules.Writes
{
    /// <summary>
    /// EFP202: declares a list before the loop, replaces <c>db.Posts.Add(post)</c> with <c>list.Add(post)</c> and calls
    /// <c>db.Posts.AddRange(list)</c> once after the loop (<c>await ...AddRangeAsync(list, ct)</c> when the original was
    /// an awaited AddAsync, keeping its cancellation token and ConfigureAwait).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddInLoopFixer))]
    public sealed class AddInLoopFixer() : EfDocumentFixProvider(EquivalenceKey, RuleIds.AddInLoop)
    {
        public const string EquivalenceKey = "EFP202_CollectAndAddRange";

        protected override string? TitleFor(FixSite site)
            => !CanFix(site.Diagnostic) || !TryFind(site.Root, site.Diagnostic, out var target) ? null
               : target.IsAsync ? "Collect the entities and call AddRangeAsync once after the loop" : "Collect the entities and call AddRange once after the loop";

        protected override string FixAllTitleFor(string? equivalenceKey) => "Collect the entities and call AddRange once after each loop";

        protected override Task<Document> FixDocumentAsync(Document document, ImmutableArray<Diagnostic> diagnostics, string? equivalenceKey, CancellationToken cancellationToken)
            => ApplyAsync(document, diagnostics.Where(CanFix).ToImmutableArray(), cancellationToken);

        private static bool CanFix(Diagnostic diagnostic)
            => IsSet(diagnostic, AddInLoopAnalyzer.CanFixProperty)
               && diagnostic.Properties.TryGetValue(AddInLoopAnalyzer.ElementTypeProperty, out var type) && !string.IsNullOrEmpty(type);

        private sealed class Target(ExpressionStatementSyntax statement, InvocationExpressionSyntax add, MemberAccessExpressionSyntax access, StatementSyntax loop, bool isAsync)
        {
            public ExpressionStatementSyntax Statement { get; } = statement;
            public InvocationExpressionSyntax Add { get; } = add;
            public MemberAccessExpressionSyntax Access { get; } = access;
            public StatementSyntax Loop { get; } = loop;
            public bool IsAsync { get; } = isAsync;
        }

        private static bool TryFind(SyntaxNode root, Diagnostic diagnostic, out Target target)
        {
            target = null!;
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            if (node.FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { Expression: MemberAccessExpressionSyntax access } add
                || add.ArgumentList.Arguments.Count == 0
                || add.FirstAncestorOrSelf<ExpressionStatementSyntax>() is not { } statement)
            {
                return false;
            }

            var loop = statement.Ancestors().OfType<StatementSyntax>()
                .FirstOrDefault(s => s is ForEachStatementSyntax or ForStatementSyntax or WhileStatementSyntax or DoStatementSyntax);
            if (loop?.Parent is not BlockSyntax)
            {
                return false;
            }

            target = new Target(statement, add, access, loop, access.Name.Identifier.ValueText == "AddAsync");
            return true;
        }

        private static async Task<Document> ApplyAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            if (await RootAndModelAsync(document, cancellationToken).ConfigureAwait(false) is not (SyntaxNode root, SemanticModel model))
            {
                return document;
            }

            var editor = new SyntaxEditor(root, document.Project.Solution.Workspace.Services);
            var names = new NewLocalNames();
            var loopsDone = new HashSet<StatementSyntax>();
            foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
            {
                if (!CanFix(diagnostic) || !TryFind(root, diagnostic, out var target) || !loopsDone.Add(target.Loop))
                {
                    continue;
                }

                var elementType = diagnostic.Properties[AddInLoopAnalyzer.ElementTypeProperty]!;
                var listName = names.For(model, target.Loop, ListName(elementType), cancellationToken);
                var listType = ListTypeName(model, target.Loop.SpanStart);
                var newLine = target.Loop.GetTrailingTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
                var eol = newLine == default ? SyntaxFactory.ElasticCarriageReturnLineFeed : newLine;
                var indentation = target.Loop.GetLeadingTrivia().Where(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).LastOrDefault();
                var indent = indentation == default ? SyntaxFactory.TriviaList() : SyntaxFactory.TriviaList(indentation);

                // var postsToAdd = new List<Post>();
                var declaration = SyntaxFactory.ParseStatement($"var {listName} = new {listType}<{elementType}>();")
                    .WithLeadingTrivia(target.Loop.GetLeadingTrivia())
                    .WithTrailingTrivia(eol);

                // postsToAdd.Add(post);
                var entity = target.Add.ArgumentList.Arguments[0].Expression.WithoutTrivia();
                var collect = SyntaxFactory.ExpressionStatement(
                        SyntaxFactory.InvocationExpression(
                            SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, SyntaxFactory.IdentifierName(listName), SyntaxFactory.IdentifierName("Add")),
                            SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(entity)))))
                    .WithTriviaFrom(target.Statement);

                // db.Posts.AddRange(postsToAdd); / await db.Posts.AddRangeAsync(postsToAdd, ct);
                var rangeArguments = new List<ArgumentSyntax> { SyntaxFactory.Argument(SyntaxFactory.IdentifierName(listName)) };
                rangeArguments.AddRange(target.Add.ArgumentList.Arguments.Skip(1).Select(a => a.WithoutTrivia()));
                var rangeCall = target.Add
                    .WithExpression(target.Access.WithName(SyntaxFactory.IdentifierName(target.IsAsync ? "AddRangeAsync" : "AddRange")))
                    .WithArgumentList(SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(rangeArguments)));
                var rangeExpression = target.Statement.Expression.ReplaceNode(target.Add, rangeCall).WithoutTrivia();
                // A blank line between the loop and the AddRange after it, as EFP201's moved SaveChanges has.
                var addRange = SyntaxFactory.ExpressionStatement(rangeExpression)
                    .WithLeadingTrivia(indent.Insert(0, eol))
                    .WithTrailingTrivia(eol);

                editor.ReplaceNode(target.Statement, collect);
                editor.InsertBefore(target.Loop, declaration);
                editor.ReplaceNode(target.Loop, (loop, _) => loop.WithLeadingTrivia(indent));
                editor.InsertAfter(target.Loop, addRange);
            }

            return document.WithSyntaxRoot(editor.GetChangedRoot());
        }

        private static string ListTypeName(SemanticModel model, int position)
        {
            var list = model.Compilation.GetTypeByMetadataName("System.Collections.Generic.List`1");
            if (list is null)
            {
                return "System.Collections.Generic.List";
            }

            var display = list.ToMinimalDisplayString(model, position);
            var angle = display.IndexOf('<');
            return angle < 0 ? display : display.Substring(0, angle);
        }

        /// <summary>"Post" -> "postsToAdd", "Category" -> "categoriesToAdd", "Models.Post" -> "postsToAdd".</summary>
        private static string ListName(string elementType)
        {
            var name = elementType;
            var generic = name.IndexOf('<');
            if (generic >= 0)
            {
                name = name.Substring(0, generic);
            }

            var dot = name.LastIndexOf('.');
            if (dot >= 0)
            {
                name = name.Substring(dot + 1);
            }

            name = name.TrimEnd('?');
            var isTypeParameter = name == "T" || (name.Length > 1 && name[0] == 'T' && char.IsUpper(name[1]));
            if (name.Length == 0 || !SyntaxFacts.IsValidIdentifier(name) || isTypeParameter || name == "Object" || name == "object")
            {
                return "entitiesToAdd";
            }

            name = char.ToLowerInvariant(name[0]) + name.Substring(1);
            if (name.EndsWith("y", System.StringComparison.Ordinal) && name.Length > 1 && "aeiou".IndexOf(name[name.Length - 2]) < 0)
            {
                name = name.Substring(0, name.Length - 1) + "ies";
            }
            else if (name.EndsWith("s", System.StringComparison.Ordinal) || name.EndsWith("x", System.StringComparison.Ordinal)
                     || name.EndsWith("ch", System.StringComparison.Ordinal) || name.EndsWith("sh", System.StringComparison.Ordinal))
            {
                name += "es";
            }
            else
            {
                name += "s";
            }

            return name + "ToAdd";
        }
    }
}
