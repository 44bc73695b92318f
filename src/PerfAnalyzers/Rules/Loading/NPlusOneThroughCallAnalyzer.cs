namespace PerfAnalyzers.Rules.Loading
{
    /// <summary>
    /// EFP104: a call inside a loop to a method of this compilation that performs a database round trip directly or
    /// through up to three further calls (<see cref="RoundTripSummaries"/>). Same loop exemptions as EFP101
    /// (<see cref="LoopExemptions.Why"/>), plus a round trip that runs only on a cache miss. Calls that are
    /// round trips themselves are EFP101/EFP201's; this rule only sees calls into the application's own methods.
    /// One finding per loop and called method: a loop body that calls the same method several times (seven localized
    /// fields saved per language) is one batching decision, reported on the first call with the others as additional
    /// locations.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class NPlusOneThroughCallAnalyzer() : EfAnalyzer(Descriptors.EFP104_NPlusOneThroughCall)
    {
        private protected override void OnCompilationStart(CompilationStartAnalysisContext start, EfCompilation ef)
        {
            var summaries = ef.Summaries;
            start.RegisterOperationBlockStartAction(block =>
            {
                var found = new List<Finding>();
                block.RegisterOperationAction(c => Analyze(c, ef, summaries, found), OperationKind.Invocation);
                block.RegisterOperationBlockEndAction(end => ReportOncePerLoopAndMethod(end, found));
            });
        }

        /// <summary>
        /// The findings of one body, one per loop and called method: the first call in the source, with the other calls of
        /// the same method in the same loop as additional locations.
        /// </summary>
        private static void ReportOncePerLoopAndMethod(OperationBlockAnalysisContext context, List<Finding> found)
        {
            List<Finding> all;
            lock (found)
            {
                if (found.Count == 0)
                {
                    return; // most bodies: no sorting and grouping at the end of each
                }

                all = found.OrderBy(f => f.Location.SourceSpan.Start).ToList();
            }

            foreach (var group in all.GroupBy(f => (f.Loop, f.Method))) // GroupBy keeps the source order of the groups and within them
            {
                var first = group.First();
                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.EFP104_NPlusOneThroughCall, first.Location, group.Skip(1).Select(f => f.Location), first.Name, first.LoopText, first.Chain));
            }
        }

        /// <summary>One call that would be reported, with what groups it: the loop (by its syntax) and the method it runs.</summary>
        private sealed record Finding(SyntaxNode Loop, string Method, Location Location, string Name, string LoopText, string Chain);

        private static void Analyze(OperationAnalysisContext context, EfCompilation ef, RoundTripSummaries summaries, List<Finding> found)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var method = invocation.TargetMethod;

            // Cheap checks first: only calls into this compilation's own code (or interfaces/abstract methods it implements),
            // dispatches to its handlers, and methods of the types the user lists as round trips.
            var isSourceOrAbstract = method.Locations.Any(l => l.IsInSource)
                                     || (method.ContainingType?.TypeKind == TypeKind.Interface || method.IsAbstract)
                                        && method.ContainingAssembly is { } assembly
                                        && SymbolEqualityComparer.Default.Equals(assembly, context.Compilation.Assembly);
            var isDelegate = method.MethodKind == MethodKind.DelegateInvoke;
            if (isDelegate && invocation.Instance?.WalkDownConversions() is not ILocalReferenceOperation)
            {
                return;
            }

            // The listed types (round_trip_types) are read only when the call cannot be followed into a body.
            var followable = isSourceOrAbstract || isDelegate || summaries.MayDispatch(method);
            var listed = followable ? default : RoundTripTypes.Read(context.Options, invocation.Syntax.SyntaxTree, RuleIds.NPlusOneThroughCall);
            if (!followable && listed.IsEmpty)
            {
                return;
            }

            if (invocation.IsInsideExpressionTree() || ef.TryGetRoundTrip(invocation, out _, context.CancellationToken))
            {
                return;
            }

            var placement = ef.Loops.FindEnclosingLoop(invocation);
            if (placement is null)
            {
                return;
            }

            // A call exempt by its place in the loop is exempt whatever it reaches: no summary (it binds the callee's body).
            if (LoopExemptions.ExemptsFromPlacement(ef, invocation, placement, context.Options, RuleIds.NPlusOneThroughCall, context.CancellationToken))
            {
                return;
            }

            var summary = summaries.Get(invocation, context.CancellationToken, out var resolved);
            var configured = summary.PerformsRoundTrip
                ? null
                : RoundTripTypes.Match(ef.Symbols, invocation, listed.IsDefault ? RoundTripTypes.Read(context.Options, invocation.Syntax.SyntaxTree, RuleIds.NPlusOneThroughCall) : listed);
            if (!summary.PerformsRoundTrip && configured is null)
            {
                return;
            }

            if (LoopExemptions.Exempts(ef, invocation, placement, context.Options, RuleIds.NPlusOneThroughCall, summary, context.CancellationToken))
            {
                return;
            }

            string chain;
            if (configured is not null)
            {
                chain = configured.Name + "." + method.Name + " (listed in " + RoundTripTypes.OptionName + ")";
            }
            else
            {
                var target = resolved ?? method;
                var caller = context.ContainingSymbol?.ContainingType;
                var first = isDelegate && invocation.Instance?.WalkDownConversions() is ILocalReferenceOperation local
                    ? local.Local.Name
                    : SymbolEqualityComparer.Default.Equals(target.ContainingType, caller) || target.MethodKind == MethodKind.LocalFunction
                        ? target.Name
                        : summaries.DisplayName(target);
                chain = string.Join(" -> ", new[] { first }.Concat(summary.Chain));
            }

            var name = isDelegate && invocation.Instance?.WalkDownConversions() is ILocalReferenceOperation delegateLocal ? delegateLocal.Local.Name : method.Name;
            var finding = new Finding(
                placement.Loop.Loop.Syntax,
                isDelegate ? "delegate:" + name : (resolved ?? method).ToDisplayString(),
                invocation.GetMethodNameLocation(),
                name,
                QueryInLoopAnalyzer.DescribeLoop(placement.Loop),
                chain);
            lock (found)
            {
                found.Add(finding);
            }
        }
    }
}
