using Microsoft.CodeAnalysis.Operations;
using PerfAnalyzers.EfCore;

namespace PerfAnalyzers.CodeFixes.Rules.Query
{
    /// <summary>
    /// EFP307: retypes <c>Func&lt;Post, bool&gt; f = p =&gt; ...;</c> (a local, or a private field) to
    /// <c>Expression&lt;Func&lt;Post, bool&gt;&gt;</c>, so every use binds Queryable's overload and the filter runs in SQL.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(FuncPredicateOnQueryFixer))]
    public sealed class FuncPredicateOnQueryFixer() : EfDocumentFixProvider(EquivalenceKey, RuleIds.FuncPredicateOnQuery)
    {
        public const string EquivalenceKey = "EFP307_UseExpression";

        protected override bool TitleNeedsSemanticModel => true;

        protected override string? TitleFor(FixSite site)
            => site.Diagnostic.Properties.ContainsKey(FuncPredicateOnQueryAnalyzer.FixProperty) && FindDeclaration(site.Root, site.Model!, site.Diagnostic, site.CancellationToken) is not null
                ? "Make the predicate an Expression<Func<...>>"
                : null;

        protected override string FixAllTitleFor(string? equivalenceKey) => "Make the predicates Expression<Func<...>>";

        protected override Task<Document> FixDocumentAsync(Document document, ImmutableArray<Diagnostic> diagnostics, string? equivalenceKey, CancellationToken cancellationToken)
            => ApplyAsync(document, diagnostics.Where(d => d.Properties.ContainsKey(FuncPredicateOnQueryAnalyzer.FixProperty)).ToImmutableArray(), cancellationToken);

        /// <summary>The declaration to retype, after checking (for fields) every use in the containing type.</summary>
        private static async Task<VariableDeclarationSyntax?> FindDeclarationAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            return await RootAndModelAsync(document, cancellationToken).ConfigureAwait(false) is (SyntaxNode root, SemanticModel model)
                ? FindDeclaration(root, model, diagnostic, cancellationToken)
                : null;
        }

        private static VariableDeclarationSyntax? FindDeclaration(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var invocationSyntax = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>();
            var ef = EfCompilation.TryCreate(model.Compilation);
            if (invocationSyntax is null || ef is null
                || model.GetOperation(invocationSyntax, cancellationToken) is not IInvocationOperation invocation
                || !FuncPredicateOnQueryAnalyzer.IsPredicateCallOnQueryable(ef, invocation, out var predicate))
            {
                return null;
            }

            switch (predicate.WalkDownConversions())
            {
                case ILocalReferenceOperation local:
                    // The analyzer checked the lambda and every use of the local.
                    return local.Local.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken).Parent as VariableDeclarationSyntax;

                case IFieldReferenceOperation fieldReference:
                    return CheckField(ef, model, fieldReference.Field, cancellationToken);

                default:
                    return null;
            }
        }

        private static VariableDeclarationSyntax? CheckField(EfCompilation ef, SemanticModel model, IFieldSymbol field, CancellationToken cancellationToken)
        {
            if (field.DeclaringSyntaxReferences.Length != 1
                || field.ContainingType.DeclaringSyntaxReferences.Length != 1
                || field.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not VariableDeclaratorSyntax declarator
                || declarator.Parent is not VariableDeclarationSyntax declaration
                || declarator.SyntaxTree != model.SyntaxTree
                || declarator.Initializer is null
                || model.GetOperation(declarator.Initializer, cancellationToken) is not IFieldInitializerOperation initializer
                || initializer.Value.AsLambda() is not { } lambda
                || !Translatability.IsTranslatable(lambda))
            {
                return null;
            }

            var typeSyntax = field.ContainingType.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken);
            foreach (var name in typeSyntax.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (name.Identifier.ValueText != field.Name)
                {
                    continue;
                }

                var operation = model.GetOperation(name, cancellationToken);
                if (operation is IFieldReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Field, field)
                    && !FuncPredicateOnQueryAnalyzer.IsFixableUse(ef, reference))
                {
                    return null;
                }

                if (operation is null && model.GetSymbolInfo(name, cancellationToken).Symbol is IFieldSymbol other && SymbolEqualityComparer.Default.Equals(other, field))
                {
                    return null; // a use we cannot see as an operation (nameof, attribute...): leave it alone
                }
            }

            return declaration;
        }

        private static async Task<Document> ApplyAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var declarations = new List<VariableDeclarationSyntax>();
            foreach (var diagnostic in diagnostics)
            {
                var declaration = await FindDeclarationAsync(document, diagnostic, cancellationToken).ConfigureAwait(false);
                if (declaration is not null && !declarations.Contains(declaration))
                {
                    declarations.Add(declaration);
                }
            }

            if (await RootAndModelAsync(document, cancellationToken).ConfigureAwait(false) is not (SyntaxNode root, SemanticModel model) || declarations.Count == 0)
            {
                return document;
            }

            var needsUsing = !declarations.All(d => ExpressionIsInScope(model, d.SpanStart));
            var newRoot = root.ReplaceNodes(declarations, (original, _) =>
            {
                var type = original.Type;
                var expressionType = SyntaxFactory.GenericName(
                        SyntaxFactory.Identifier("Expression"),
                        SyntaxFactory.TypeArgumentList(SyntaxFactory.SingletonSeparatedList(type.WithoutTrivia())))
                    .WithTriviaFrom(type);
                return original.WithType(expressionType);
            });

            if (needsUsing && newRoot is CompilationUnitSyntax unit
                && !unit.Usings.Any(u => u.Name?.ToString() == "System.Linq.Expressions"))
            {
                var directive = SyntaxFactory.UsingDirective(SyntaxFactory.ParseName("System.Linq.Expressions"))
                    .WithTrailingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed);
                newRoot = unit.Usings.Count == 0
                    ? unit.WithUsings(unit.Usings.Add(directive.WithTrailingTrivia(SyntaxFactory.EndOfLine("\n"), SyntaxFactory.EndOfLine("\n"))))
                    : unit.WithUsings(unit.Usings.Add(directive.WithTrailingTrivia(unit.Usings.Last().GetTrailingTrivia())));
            }

            return document.WithSyntaxRoot(newRoot);
        }

        private static bool ExpressionIsInScope(SemanticModel model, int position)
            => model.LookupNamespacesAndTypes(position, name: "Expression")
                .OfType<INamedTypeSymbol>()
                .Any(t => t.Arity == 1 && t.ContainingNamespace?.ToDisplayString() == "System.Linq.Expressions");
    }
}
