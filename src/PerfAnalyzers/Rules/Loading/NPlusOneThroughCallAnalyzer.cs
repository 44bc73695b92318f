namespace PerfAnalyzers.Rules.Loading
{
    /// <summary>
    /// EFP104: a call inside a loop to a method of this compilation that performs a database round trip directly or
    /// through up to three further calls (<see cref="RoundTripSummaries"/>). Same loop exemptions as EFP101
    /// (<see cref="LoopExemptions.Why"/>), plus a round trip that runs only on a cache miss. Calls that are
    /// round trips themselves are EFP101/EFP201's; this rule only sees calls into the application's own methods.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class NPlusOneThroughCallAnalyzer() : EfAnalyzer(Descriptors.EFP104_NPlusOneThroughCall)
    {
        private protected override void OnCompilationStart(CompilationStartAnalysisContext start, EfCompilation ef)
        {
            var summaries = ef.Summaries;
            start.RegisterOperationAction(c => Analyze(c, ef, summaries), OperationKind.Invocation);
        }

        private static void Analyze(OperationAnalysisContext context, EfCompilation ef, RoundTripSummaries summaries)
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

            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.EFP104_NPlusOneThroughCall,
                invocation.GetMethodNameLocation(),
                isDelegate && invocation.Instance?.WalkDownConversions() is ILocalReferenceOperation delegateLocal ? delegateLocal.Local.Name : method.Name,
                QueryInLoopAnalyzer.DescribeLoop(placement.Loop),
                chain));
        }
    }
}
