using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using PerfAnalyzers.Rules.Loading;

namespace PerfAnalyzers.CodeFixes.Rules.Loading
{
    /// <summary>EFP107: <c>post.Blog.Id</c> -&gt; <c>post.BlogId</c>; <c>post.Author?.Id</c> -&gt; <c>post.AuthorId</c>.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ForeignKeyThroughNavigationFixer))]
    public sealed class ForeignKeyThroughNavigationFixer : CodeFixProvider
    {
        public const string EquivalenceKey = "EFP107_ReadForeignKey";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.ForeignKeyThroughNavigation);

        public override FixAllProvider GetFixAllProvider() => FixAllInstance;

        private static readonly BatchFixAll FixAllInstance = new BatchFixAll(EquivalenceKey);

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics)
            {
                if (TryFind(root, diagnostic, out _, out _, out var foreignKey))
                {
                    context.RegisterCodeFix(
                        CodeAction.Create($"Read '{foreignKey}'", ct => ApplyAsync(context.Document, diagnostic, ct), EquivalenceKey),
                        diagnostic);
                }
            }
        }

        /// <summary>The key read (<c>x.Nav.Key</c> or <c>x.Nav?.Key</c>) and the entity expression <c>x</c>.</summary>
        private static bool TryFind(SyntaxNode root, Diagnostic diagnostic, out ExpressionSyntax keyRead, out ExpressionSyntax entity, out string foreignKey)
        {
            keyRead = null!;
            entity = null!;
            foreignKey = "";
            if (!diagnostic.Properties.TryGetValue(ForeignKeyThroughNavigationAnalyzer.ForeignKeyProperty, out var name) || string.IsNullOrEmpty(name)
                || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax found
                || found.Span != diagnostic.Location.SourceSpan)
            {
                return false;
            }

            var navigation = found switch
            {
                MemberAccessExpressionSyntax { Expression: MemberAccessExpressionSyntax nav } => nav,
                ConditionalAccessExpressionSyntax { Expression: MemberAccessExpressionSyntax nav, WhenNotNull: MemberBindingExpressionSyntax } => nav,
                _ => null,
            };
            if (navigation is null)
            {
                return false;
            }

            keyRead = found;
            entity = navigation.Expression;
            foreignKey = name!;
            return true;
        }

        private static async Task<Document> ApplyAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null || !TryFind(root, diagnostic, out var keyRead, out var entity, out var foreignKey))
            {
                return document;
            }

            var replacement = SyntaxFactory.MemberAccessExpression(
                    SyntaxKind.SimpleMemberAccessExpression,
                    entity.WithoutTrivia(),
                    SyntaxFactory.IdentifierName(foreignKey))
                .WithTriviaFrom(keyRead);
            return document.WithSyntaxRoot(root.ReplaceNode(keyRead, replacement));
        }
    }
}
