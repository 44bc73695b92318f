namespace PerfAnalyzers.CodeFixes.Rules.Query
{
    /// <summary>
    /// EFP302: <c>db.Posts.Where(..).ToList()</c> -&gt; <c>db.Posts.AsNoTracking().Where(..).ToList()</c>. The analyzer
    /// gives the insertion point (the end of the query root, so the chain's line breaks and comments stay where they are);
    /// no fix is offered when the root is not part of the materializing expression.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ReadOnlyTrackingQueryFixer))]
    public sealed class ReadOnlyTrackingQueryFixer() : EfDocumentFixProvider(EquivalenceKey, RuleIds.ReadOnlyTrackingQuery)
    {
        public const string EquivalenceKey = "EFP302_AddAsNoTracking";

        // The entities are no longer tracked: changes made to them are not saved, and navigations are not fixed up.
        public const string Title = "Add AsNoTracking() (entities not tracked: changes to them are not saved)";
        public const string FixAllTitle = "Add AsNoTracking() to every read-only tracking query (entities not tracked)";

        private const string Insertion = ".AsNoTracking()";

        protected override string? TitleFor(FixSite site) => TryGetPosition(site.Diagnostic, out _) ? Title : null;

        // A document at a time: every fix may add the same using directive, and merged text changes would conflict there.
        protected override string FixAllTitleFor(string? equivalenceKey) => FixAllTitle;

        private static bool TryGetPosition(Diagnostic diagnostic, out int position)
        {
            position = 0;
            return diagnostic.Properties.TryGetValue(ReadOnlyTrackingQueryAnalyzer.InsertAtProperty, out var at)
                   && int.TryParse(at, NumberStyles.Integer, CultureInfo.InvariantCulture, out position);
        }

        protected override async Task<Document> FixDocumentAsync(Document document, ImmutableArray<Diagnostic> diagnostics, string? equivalenceKey, CancellationToken cancellationToken)
        {
            var source = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
            var positions = new HashSet<int>();
            var needsUsing = false;
            foreach (var diagnostic in diagnostics)
            {
                if (TryGetPosition(diagnostic, out var position) && position <= source.Length && positions.Add(position))
                {
                    needsUsing |= IsSet(diagnostic, ReadOnlyTrackingQueryAnalyzer.NeedsUsingProperty);
                }
            }

            var result = document.WithText(source.WithChanges(positions.OrderBy(p => p).Select(p => new TextChange(new TextSpan(p, 0), ChainLayout.CallAt(source, p, Insertion)))));
            return needsUsing ? await EfCoreUsing.AddIfMissingAsync(result, cancellationToken).ConfigureAwait(false) : result;
        }
    }
}
