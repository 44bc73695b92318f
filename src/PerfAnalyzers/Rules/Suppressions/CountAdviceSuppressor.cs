using PerfAnalyzers.Options;
using PerfAnalyzers.Rules.Query;

namespace PerfAnalyzers.Rules.Suppressions
{
    /// <summary>
    /// EFPS006: suppresses CA1827 ("Do not use Count() when Any() can be used", NetAnalyzers) where EFP304 reports the same
    /// comparison of an EF query's Count() with 0: one finding with one fix instead of two. Where EFP304 is switched off
    /// (severity none) for the file, CA1827 stays.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class CountAdviceSuppressor : DiagnosticSuppressor
    {
        public override ImmutableArray<SuppressionDescriptor> SupportedSuppressions { get; } = ImmutableArray.Create(Descriptors.EFPS006_CountAdviceCA1827);

        public override void ReportSuppressions(SuppressionAnalysisContext context)
        {
            var ef = EfCompilation.For(context.Compilation);
            if (ef is null)
            {
                return;
            }

            foreach (var diagnostic in context.ReportedDiagnostics)
            {
                if (diagnostic.Id != "CA1827" || !diagnostic.Location.IsInSource || diagnostic.Location.SourceTree is not { } tree
                    || RuleSeverity.IsOff(context.Compilation, tree, RuleIds.CountInsteadOfAny, context.CancellationToken))
                {
                    continue;
                }

                // CA1827 reports on the Count() invocation or on the comparison: the comparison EFP304 looks at encloses both.
                var node = tree.GetRoot(context.CancellationToken).FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
                var comparison = node.FirstAncestorOrSelf<BinaryExpressionSyntax>();
                var model = context.GetSemanticModel(tree);
                if (comparison is not null
                    && model.GetOperation(comparison, context.CancellationToken) is IBinaryOperation binary
                    && CountInsteadOfAnyAnalyzer.TryMatch(binary, ef, out var count, out _, context.CancellationToken)
                    && (count.Syntax.Span.Contains(diagnostic.Location.SourceSpan) || diagnostic.Location.SourceSpan.Contains(count.Syntax.Span)))
                {
                    context.ReportSuppression(Suppression.Create(Descriptors.EFPS006_CountAdviceCA1827, diagnostic));
                }
            }
        }
    }
}
