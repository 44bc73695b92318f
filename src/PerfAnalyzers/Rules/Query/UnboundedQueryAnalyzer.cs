using PerfAnalyzers.Options;

namespace PerfAnalyzers.Rules.Query
{
    /// <summary>
    /// EFP301: a DbSet materialized as a whole (ToList/ToArray/ToHashSet/Load/ForEachAsync/foreach, sync or async) with no
    /// server-side filter and no row limit, over a table that grows with use (<see cref="TableGrowth"/>), on a request
    /// path (<see cref="RequestPath"/>: a request handler, or rows returned to the caller), not put into a cache or
    /// registry, not in setup or test code. With <c>report_filtered = true</c>, also filtered queries without a row limit.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class UnboundedQueryAnalyzer() : EfAnalyzer(Descriptors.EFP301_UnboundedQuery)
    {
        private protected override void OnCompilationStart(CompilationStartAnalysisContext start, EfCompilation ef)
        {
            if (TestCode.IsTestProject(start.Compilation))
            {
                return; // a test's database holds the rows the test put there: its size does not grow with use
            }

            var model = ef.Model;
            start.RegisterOperationAction(c => Analyze(c, ef, model), OperationKind.Invocation, OperationKind.Loop);
        }

        private static void Analyze(OperationAnalysisContext context, EfCompilation ef, EfModel model)
        {
            var operation = context.Operation;
            if (operation is IInvocationOperation invocation)
            {
                // Calls that bring every row of the query into memory (ToDictionary/ToLookup are the lookup-cache idiom: see the docs).
                if (!ef.Symbols.Operators.Is(invocation.TargetMethod, OperatorMeaning.ToCollection | OperatorMeaning.Drain))
                {
                    return;
                }
            }
            else if (operation is not IForEachLoopOperation)
            {
                return;
            }

            if (!ef.TryGetRoundTrip(operation, out var roundTrip, context.CancellationToken)
                || roundTrip.Kind is not (RoundTripKind.Query or RoundTripKind.Enumeration or RoundTripKind.Load))
            {
                return;
            }

            var chain = roundTrip.Query;
            if (chain.RootKind is not (QueryRootKind.DbSet or QueryRootKind.SetMethod)
                || chain.EntityType is null
                || QueryShape.IsRowLimited(chain)
                || QueryShape.IsAggregated(chain)
                || QueryShape.IsDistinctValues(chain, model.FindSingleKey(chain.EntityType))
                || QueryShape.HasClientSideOperators(chain))
            {
                return; // raw SQL and navigation queries have their own bounds; one row per group or distinct value; client-side chains are EFP303/EFP307
            }

            var tree = operation.Syntax.SyntaxTree;
            var filtered = QueryShape.IsFiltered(chain);
            if (filtered && !RuleOptions.ReportFiltered.Read(context.Options, tree, RuleIds.UnboundedQuery))
            {
                return;
            }

            if (IsExcluded(chain.EntityType, RuleOptions.ExcludedEntities.Read(context.Options, tree, RuleIds.UnboundedQuery)))
            {
                return;
            }

            if (TestCode.IsInTestClass(context.ContainingSymbol)
                || SetupCode.SilencesRule(ef, context.Options, operation, RuleIds.UnboundedQuery, context.CancellationToken))
            {
                return; // a test's database holds the rows the test put there; startup and migration code must visit every row
            }

            // Only a table that grows with use (a parent or owner, and a creation timestamp or rows added by the app);
            // lookup tables (HasData, enum keys) never do.
            var growth = ef.Growth.Explain(chain.EntityType);
            if (!growth.Grows)
            {
                return;
            }

            // Only on a request path: a request handler, or a method that returns the rows to its callers; and not when
            // the rows go into a cache or registry (loaded whole once, on purpose).
            if (!RequestPath.IsRequestHandler(operation, context.ContainingSymbol) && !RequestPath.IsReturned(operation))
            {
                return;
            }

            if (RequestPath.IsCached(operation))
            {
                return;
            }

            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.EFP301_UnboundedQuery,
                roundTrip.Location,
                roundTrip.OperationName,
                filtered ? "matching " : "",
                chain.EntityType.Name,
                growth.Reason));
        }

        private static bool IsExcluded(ITypeSymbol entity, ImmutableArray<string> names)
        {
            if (names.IsEmpty)
            {
                return false;
            }

            var fullName = entity.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat).Replace("global::", "");
            return names.Any(s => string.Equals(s, entity.Name, StringComparison.OrdinalIgnoreCase) || string.Equals(s, fullName, StringComparison.OrdinalIgnoreCase));
        }
    }
}
