namespace PerfAnalyzers.Rules.Loading
{
    /// <summary>
    /// EFP101: a database round trip (query, enumeration, Find, Load, ExecuteUpdate/Delete, ExecuteSql; not SaveChanges,
    /// that is EFP201) per iteration of a loop or per element of an in-memory sequence. Not for the loops real code writes on
    /// purpose (<see cref="LoopExemptions.Why"/>: retries, catch blocks, batches and pages, polling, message loops, loop
    /// conditions, constant collections, seeding code, a context per iteration, cache misses).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class QueryInLoopAnalyzer() : EfAnalyzer(Descriptors.EFP101_QueryInLoop)
    {
        /// <summary>Diagnostic property: the <see cref="BatchShape"/> of the fix, absent when no fix is safe.</summary>
        public const string FixProperty = "Fix";

        /// <summary>Diagnostic property: the navigation to Include (for the Include fix).</summary>
        public const string NavigationProperty = "Navigation";

        private protected override void OnCompilationStart(CompilationStartAnalysisContext start, EfCompilation ef)
        {
            start.RegisterOperationAction(c => Analyze(c, ef), OperationKind.Invocation, OperationKind.Loop);
        }

        private static void Analyze(OperationAnalysisContext context, EfCompilation ef)
        {
            var operation = context.Operation;
            if (operation is ILoopOperation and not IForEachLoopOperation)
            {
                return;
            }

            if (!ef.TryGetRoundTrip(operation, out var roundTrip, context.CancellationToken) || roundTrip.Kind == RoundTripKind.SaveChanges)
            {
                return;
            }

            var placement = ef.Loops.FindEnclosingLoop(operation);
            if (placement is null)
            {
                return;
            }

            if (LoopExemptions.Exempts(ef, operation, placement, context.Options, RuleIds.QueryInLoop, through: null, context.CancellationToken))
            {
                return;
            }

            var properties = ImmutableDictionary<string, string?>.Empty;
            var plan = LoopKeyFilters.Plan(ef, roundTrip, placement);
            if (plan is not null)
            {
                properties = properties.Add(FixProperty, plan.Shape.ToString());
                if (plan.Navigation is not null)
                {
                    properties = properties.Add(NavigationProperty, plan.Navigation.Name);
                }
            }

            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.EFP101_QueryInLoop,
                roundTrip.Location,
                properties,
                roundTrip.OperationName,
                WhatItRuns(roundTrip.Kind),
                DescribeLoop(placement.Loop)));
        }

        internal static string WhatItRuns(RoundTripKind kind) => kind switch
        {
            RoundTripKind.BulkUpdate or RoundTripKind.BulkDelete or RoundTripKind.RawSqlCommand or RoundTripKind.SaveChanges => "command",
            _ => "query",
        };

        /// <summary>"iteration of this 'foreach' loop" or "element in this 'Select' lambda".</summary>
        internal static string DescribeLoop(EnclosingLoop loop)
            => loop.Kind == EfCore.LoopKind.PerElementLambda
                ? "element in this '" + loop.DisplayName + "' lambda"
                : "iteration of this '" + loop.DisplayName + "' loop";
    }
}
