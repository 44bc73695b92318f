namespace PerfAnalyzers.CodeFixes
{
    /// <summary>Where a fix would apply: the document's root, the diagnostic, and the semantic model when the fixer asks for it.</summary>
    public readonly struct FixSite(SyntaxNode root, Diagnostic diagnostic, SemanticModel? model, CancellationToken cancellationToken)
    {
        public SyntaxNode Root { get; } = root;

        public Diagnostic Diagnostic { get; } = diagnostic;

        /// <summary>The semantic model; null unless the fixer sets <see cref="EfCodeFixProvider.TitleNeedsSemanticModel"/>.</summary>
        public SemanticModel? Model { get; } = model;

        public CancellationToken CancellationToken { get; } = cancellationToken;
    }

    /// <summary>
    /// The one fix protocol: what every fixer does around its rewrite. The IDs it fixes, its equivalence keys, Fix All in any
    /// order of diagnostics, and registration: for each diagnostic, the title the fixer gives it (none: no fix for that
    /// one), the kind of fix (<see cref="EquivalenceKeyFor"/>) and the rewrite. A fixer says only when it applies
    /// (<see cref="TitleFor"/>) and what it writes (<see cref="FixAsync"/>); both work from the diagnostic's location and
    /// properties, never from a re-analysis. Fix All merges each diagnostic's own fix (<see cref="BatchFixAll"/>); a
    /// fixer whose fixes share edits (a using directive, a point two fixes insert at) derives from
    /// <see cref="EfDocumentFixProvider"/> instead, which applies a document's diagnostics in one edit.
    /// </summary>
    public abstract class EfCodeFixProvider : CodeFixProvider
    {
        private readonly string _equivalenceKey;
        private FixAllProvider? _fixAll;

        protected EfCodeFixProvider(string equivalenceKey, params string[] ruleIds)
        {
            _equivalenceKey = equivalenceKey;
            FixableDiagnosticIds = ImmutableArray.Create(ruleIds);
        }

        public sealed override ImmutableArray<string> FixableDiagnosticIds { get; }

        public sealed override FixAllProvider GetFixAllProvider() => _fixAll ??= CreateFixAllProvider();

        /// <summary>The document's syntax root and semantic model, or null when either is not available (a rewrite then leaves the document as it is).</summary>
        private protected static async Task<(SyntaxNode Root, SemanticModel Model)?> RootAndModelAsync(Document document, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            return root is null || model is null ? null : (root, model);
        }

        /// <summary>Whether <see cref="TitleFor"/> reads <see cref="FixSite.Model"/> (the model is only fetched then).</summary>
        protected virtual bool TitleNeedsSemanticModel => false;

        public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var document = context.Document;
            var root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var model = TitleNeedsSemanticModel ? await document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false) : null;
            if (root is null || (TitleNeedsSemanticModel && model is null))
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics)
            {
                if (TitleFor(new FixSite(root, diagnostic, model, context.CancellationToken)) is { } title)
                {
                    context.RegisterCodeFix(CodeAction.Create(title, ct => FixAsync(document, diagnostic, ct), EquivalenceKeyFor(diagnostic)), diagnostic);
                }
            }
        }

        /// <summary>The fix's title for the diagnostic at <paramref name="site"/>, or null when this one has no fix.</summary>
        protected abstract string? TitleFor(FixSite site);

        /// <summary>The kind of fix offered for <paramref name="diagnostic"/> (its equivalence key): the fixer's one key unless it offers several kinds.</summary>
        protected virtual string EquivalenceKeyFor(Diagnostic diagnostic) => _equivalenceKey;

        /// <summary>The document with <paramref name="diagnostic"/> fixed (unchanged when the code no longer matches).</summary>
        protected abstract Task<Document> FixAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken);

        /// <summary>A span the analyzer passed as a diagnostic property, written <c>start:length</c>.</summary>
        protected static bool TryGetSpan(Diagnostic diagnostic, string property, out TextSpan span)
        {
            span = default;
            return diagnostic.Properties.TryGetValue(property, out var text) && PerfAnalyzers.Rules.SpanProperty.TryParse(text, out span);
        }

        /// <summary>A flag the analyzer passed as a diagnostic property: <c>"true"</c> (any other value, or none, is false).</summary>
        protected static bool IsSet(Diagnostic diagnostic, string property)
            => diagnostic.Properties.TryGetValue(property, out var value) && value == "true";

        private protected virtual FixAllProvider CreateFixAllProvider() => new BatchFixAll(_equivalenceKey);
    }

    /// <summary>
    /// A fixer whose fixes are applied a document at a time (<see cref="FixDocumentAsync"/>), one fix and Fix All alike:
    /// fixes that insert at one point, share a using directive or a key list, or must see each other.
    /// </summary>
    public abstract class EfDocumentFixProvider(string equivalenceKey, params string[] ruleIds) : EfCodeFixProvider(equivalenceKey, ruleIds)
    {
        /// <summary>The Fix All title for a kind of fix (<paramref name="equivalenceKey"/>; null when the host gives none, e.g. <c>dotnet format</c>).</summary>
        protected abstract string FixAllTitleFor(string? equivalenceKey);

        /// <summary>
        /// The document with <paramref name="diagnostics"/> fixed in one edit. <paramref name="equivalenceKey"/> is the kind of
        /// fix chosen (null: each diagnostic's own).
        /// </summary>
        protected abstract Task<Document> FixDocumentAsync(Document document, ImmutableArray<Diagnostic> diagnostics, string? equivalenceKey, CancellationToken cancellationToken);

        protected sealed override Task<Document> FixAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
            => FixDocumentAsync(document, ImmutableArray.Create(diagnostic), EquivalenceKeyFor(diagnostic), cancellationToken);

        private protected sealed override FixAllProvider CreateFixAllProvider() => new DocumentFixAll(this);

        internal string GetFixAllTitle(string? equivalenceKey) => FixAllTitleFor(equivalenceKey);

        internal Task<Document> FixAllInDocumentAsync(Document document, ImmutableArray<Diagnostic> diagnostics, string? equivalenceKey, CancellationToken cancellationToken)
            => FixDocumentAsync(document, diagnostics, equivalenceKey, cancellationToken);
    }
}
