namespace PerfAnalyzers.CodeFixes.Rules.Loading
{
    /// <summary>
    /// EFP102/EFP103: adds <c>.Include(b => b.Posts)</c> (and <c>.ThenInclude(p => p.Author)</c> for nested paths) right
    /// after the root of the query that produced the entity. The analyzer computes the text and position; the fix is
    /// offered only when the query root is visible in the same method.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NavigationLoadingFixer))]
    public sealed class NavigationLoadingFixer() : EfDocumentFixProvider(EquivalenceKey, RuleIds.LazyLoadingNPlusOne, RuleIds.NavigationNotLoaded)
    {
        public const string EquivalenceKey = "EFP102_EFP103_AddInclude";

        protected override string? TitleFor(FixSite site)
            => TryGetEdit(site.Diagnostic, out var text, out _) ? $"Add {text.TrimStart('.')} to the query" : null;

        protected override string FixAllTitleFor(string? equivalenceKey) => "Include the navigations read from each query";

        private static bool TryGetEdit(Diagnostic diagnostic, out string text, out int position)
        {
            text = "";
            position = 0;
            return diagnostic.Properties.TryGetValue(NavigationLoadingAnalyzer.IncludeTextProperty, out var include) && include is { Length: > 0 }
                   && diagnostic.Properties.TryGetValue(NavigationLoadingAnalyzer.InsertAtProperty, out var at)
                   && int.TryParse(at, NumberStyles.Integer, CultureInfo.InvariantCulture, out position)
                   && (text = include) is not null;
        }

        protected override async Task<Document> FixDocumentAsync(Document document, ImmutableArray<Diagnostic> diagnostics, string? equivalenceKey, CancellationToken cancellationToken)
        {
            var source = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
            var edits = new Dictionary<int, List<string>>();
            var needsUsing = false;
            foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
            {
                if (!TryGetEdit(diagnostic, out var text, out var position) || position > source.Length)
                {
                    continue;
                }

                if (!edits.TryGetValue(position, out var texts))
                {
                    edits[position] = texts = new List<string>();
                }

                // The same include twice, or a path that a longer one already loads: keep the longest.
                if (texts.Any(t => t.StartsWith(text, System.StringComparison.Ordinal)))
                {
                    continue;
                }

                texts.RemoveAll(t => text.StartsWith(t, System.StringComparison.Ordinal));
                texts.Add(text);
                needsUsing |= IsSet(diagnostic, NavigationLoadingAnalyzer.NeedsUsingProperty);
            }

            var changed = source.WithChanges(edits.Select(e => new TextChange(new TextSpan(e.Key, 0), ChainLayout.CallsAt(source, e.Key, e.Value))));
            var result = document.WithText(changed);
            return needsUsing ? await EfCoreUsing.AddIfMissingAsync(result, cancellationToken).ConfigureAwait(false) : result;
        }
    }
}
