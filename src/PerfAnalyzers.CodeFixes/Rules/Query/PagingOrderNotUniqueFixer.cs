namespace PerfAnalyzers.CodeFixes.Rules.Query
{
    /// <summary>
    /// EFP312: <c>q.OrderBy(p =&gt; p.Views).Skip(n).Take(m)</c> -&gt; <c>q.OrderBy(p =&gt; p.Views).ThenBy(p =&gt; p.Id).Skip(n).Take(m)</c>:
    /// one ThenBy per key column the ordering lacks, after the ordering's last call, with its lambda parameter name and its
    /// direction (ThenByDescending after a descending ordering), on its own line when the chain breaks lines
    /// (<see cref="ChainLayout"/>). Fix All applies a document's insertions at once, each insertion point once (two pages
    /// of one ordered query share it).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(PagingOrderNotUniqueFixer))]
    public sealed class PagingOrderNotUniqueFixer() : EfDocumentFixProvider(EquivalenceKey, RuleIds.PagingOrderNotUnique)
    {
        public const string EquivalenceKey = "EFP312_ThenByKey";

        // Rows that tie now come back in key order: the order of ties changes (it was undefined before).
        public const string FixAllTitle = "Order ties by the key in every paged query (ThenBy key)";

        protected override string? TitleFor(FixSite site)
            => Insertions(site.Diagnostic) is { Count: > 0 } insertions ? $"Order ties by the key: {string.Concat(insertions[0].Calls)}" : null;

        // Not the batch fixer: two diagnostics (two pages of one ordered query) insert at the same point.
        protected override string FixAllTitleFor(string? equivalenceKey) => FixAllTitle;

        private readonly struct Insertion(int at, List<string> calls)
        {
            public int At { get; } = at;

            public List<string> Calls { get; } = calls;
        }

        /// <summary>The ThenBy calls the analyzer planned, per insertion point (none: no fix).</summary>
        private static List<Insertion> Insertions(Diagnostic diagnostic)
        {
            var result = new List<Insertion>();
            var properties = diagnostic.Properties;
            if (!properties.TryGetValue(PagingOrderNotUniqueAnalyzer.CountProperty, out var countText)
                || !int.TryParse(countText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var count))
            {
                return result;
            }

            for (var i = 0; i < count; i++)
            {
                var suffix = i.ToString(CultureInfo.InvariantCulture);
                if (!properties.TryGetValue(PagingOrderNotUniqueAnalyzer.AtProperty + suffix, out var atText)
                    || !int.TryParse(atText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var at)
                    || !properties.TryGetValue(PagingOrderNotUniqueAnalyzer.ParameterProperty + suffix, out var parameter) || string.IsNullOrEmpty(parameter)
                    || !properties.TryGetValue(PagingOrderNotUniqueAnalyzer.KeysProperty + suffix, out var keys) || string.IsNullOrEmpty(keys))
                {
                    return new List<Insertion>();
                }

                var descending = IsSet(diagnostic, PagingOrderNotUniqueAnalyzer.DescendingProperty + suffix);
                var method = descending ? "ThenByDescending" : "ThenBy";
                result.Add(new Insertion(at, keys!.Split(',').Select(k => $".{method}({parameter} => {parameter}.{k})").ToList()));
            }

            return result;
        }

        protected override async Task<Document> FixDocumentAsync(Document document, ImmutableArray<Diagnostic> diagnostics, string? equivalenceKey, CancellationToken cancellationToken)
        {
            var text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
            var byPosition = new Dictionary<int, List<string>>();
            foreach (var diagnostic in diagnostics)
            {
                foreach (var insertion in Insertions(diagnostic))
                {
                    if (insertion.At <= text.Length && !byPosition.ContainsKey(insertion.At))
                    {
                        byPosition[insertion.At] = insertion.Calls;
                    }
                }
            }

            if (byPosition.Count == 0)
            {
                return document;
            }

            var changes = byPosition.OrderBy(p => p.Key)
                .Select(p => new TextChange(new TextSpan(p.Key, 0), ChainLayout.CallsAt(text, p.Key, p.Value)));
            return document.WithText(text.WithChanges(changes));
        }
    }
}
