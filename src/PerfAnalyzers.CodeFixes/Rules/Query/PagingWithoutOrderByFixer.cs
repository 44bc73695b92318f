namespace PerfAnalyzers.CodeFixes.Rules.Query
{
    /// <summary>EFP306: <c>q.Skip(n)</c> -&gt; <c>q.OrderBy(p =&gt; p.Id).Skip(n)</c> (the entity's key, when the analyzer found it).</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(PagingWithoutOrderByFixer))]
    public sealed class PagingWithoutOrderByFixer() : EfCodeFixProvider(EquivalenceKey, RuleIds.PagingWithoutOrderBy)
    {
        public const string EquivalenceKey = "EFP306_OrderByKey";

        protected override string? TitleFor(FixSite site)
            => site.Diagnostic.Properties.TryGetValue(PagingWithoutOrderByAnalyzer.KeyProperty, out var key) && key is not null && TryFind(site.Root, site.Diagnostic, out _)
                ? $"Order by '{key}' first"
                : null;

        protected override Task<Document> FixAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
            => diagnostic.Properties.TryGetValue(PagingWithoutOrderByAnalyzer.KeyProperty, out var key) && key is not null
                ? ApplyAsync(document, diagnostic, key, cancellationToken)
                : Task.FromResult(document);

        private static bool TryFind(SyntaxNode root, Diagnostic diagnostic, out MemberAccessExpressionSyntax access)
        {
            access = null!;
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            if (node is SimpleNameSyntax { Parent: MemberAccessExpressionSyntax member } name && member.Name == name)
            {
                access = member;
                return true;
            }

            return false;
        }

        private static async Task<Document> ApplyAsync(Document document, Diagnostic diagnostic, string key, CancellationToken cancellationToken)
        {
            if (await RootAndModelAsync(document, cancellationToken).ConfigureAwait(false) is not (SyntaxNode root, SemanticModel model) || !TryFind(root, diagnostic, out var access))
            {
                return document;
            }

            var receiver = access.Expression;
            var receiverType = model.GetTypeInfo(receiver, cancellationToken).Type;
            var queryable = receiverType is null ? null : new[] { receiverType }.Concat(receiverType.AllInterfaces)
                .OfType<INamedTypeSymbol>()
                .FirstOrDefault(t => t.Name == "IQueryable" && t.TypeArguments.Length == 1);
            var elementType = queryable?.TypeArguments[0].Name ?? "x";
            var parameter = ChooseParameterName(model, access.SpanStart, elementType);
            // Right after the receiver, on its own line when the chain goes on below (ChainLayout).
            var text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
            var orderBy = ChainLayout.CallAt(text, receiver.Span.End, $".OrderBy({parameter} => {parameter}.{key})");
            return document.WithText(text.WithChanges(new TextChange(new TextSpan(receiver.Span.End, 0), orderBy)));
        }

        private static string ChooseParameterName(SemanticModel model, int position, string typeName)
        {
            var first = typeName.Length > 0 ? char.ToLowerInvariant(typeName[0]).ToString() : "x";
            foreach (var candidate in new[] { first, "x", "e", "entity", "row" })
            {
                if (SyntaxFacts.GetKeywordKind(candidate) == SyntaxKind.None && model.LookupSymbols(position, name: candidate).IsEmpty)
                {
                    return candidate;
                }
            }

            return "x_";
        }
    }
}
