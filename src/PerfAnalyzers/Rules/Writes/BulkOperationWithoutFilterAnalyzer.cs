using PerfAnalyzers.Options;

namespace PerfAnalyzers.Rules.Writes
{
    /// <summary>
    /// EFP205: ExecuteUpdate/ExecuteDelete on a query over a whole DbSet: no Where (or other row-limiting operator), no
    /// query filter on the entity. A Where applied only on some paths (<c>if (x) q = q.Where(..)</c>) counts as a filter
    /// unless <c>dotnet_code_quality.EFP205.report_conditional_filter = true</c>.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class BulkOperationWithoutFilterAnalyzer() : EfAnalyzer(Descriptors.EFP205_BulkOperationWithoutFilter)
    {
        private protected override void OnCompilationStart(CompilationStartAnalysisContext start, EfCompilation ef)
        {
            var safety = ef.Writes;
            start.RegisterOperationAction(c => Analyze(c, ef, safety), OperationKind.Invocation);
        }

        private static void Analyze(OperationAnalysisContext context, EfCompilation ef, WriteSafety safety)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var name = invocation.TargetMethod.Name;
            if (!name.StartsWith("ExecuteUpdate", System.StringComparison.Ordinal) && !name.StartsWith("ExecuteDelete", System.StringComparison.Ordinal))
            {
                return;
            }

            if (!ef.TryGetRoundTrip(invocation, out var roundTrip, context.CancellationToken)
                || (roundTrip.Kind != RoundTripKind.BulkUpdate && roundTrip.Kind != RoundTripKind.BulkDelete))
            {
                return;
            }

            var query = roundTrip.Query;
            if (query.RootKind != QueryRootKind.DbSet && query.RootKind != QueryRootKind.SetMethod || query.EntityType is null)
            {
                // Raw SQL has its own WHERE, a navigation query is filtered by its parent, an IQueryable parameter by the caller.
                return;
            }

            var reportConditional = RuleOptions.ReportConditionalFilter.Read(context.Options, invocation.Syntax.SyntaxTree, RuleIds.BulkOperationWithoutFilter);
            foreach (var op in query.Operators)
            {
                if ((op.Is(OperatorMeaning.Filter | OperatorMeaning.Paging) || op.Kind is OperatorKind.Join or OperatorKind.Intersect or OperatorKind.IntersectBy or OperatorKind.Except or OperatorKind.ExceptBy or OperatorKind.OfType)
                    && (!op.IsConditional || !reportConditional))
                {
                    return;
                }
            }

            if (!query.Has("IgnoreQueryFilters") && ef.Model.HasQueryFilter(query.EntityType))
            {
                // A global query filter (tenant, soft delete) still limits the rows.
                return;
            }

            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.EFP205_BulkOperationWithoutFilter,
                invocation.GetMethodNameLocation(),
                name,
                query.EntityType.Name));
        }
    }
}
