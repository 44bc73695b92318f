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
                var found = new List<Diagnostic>();
                block.RegisterOperationAction(c => Analyze(c, ef, summaries, found), OperationKind.Invocation);
                block.RegisterOperationBlockEndAction(end => ReportOncePerLoopAndMethod(end, found));
            });
        }

        /// <summary>
        /// The findings of one body, one per loop and called method: the first call in the source, with the other calls of
        /// the same method in the same loop as additional locations.
        /// </summary>
        private static void ReportOncePerLoopAndMethod(OperationBlockAnalysisContext context, List<Diagnostic> found)
        {
            List<Diagnostic> all;
            lock (found)
            {
                all = found.OrderBy(d => d.Location.SourceSpan.Start).ToList();
            }

            var groups = new Dictionary<(int Loop, string Method), List<Diagnostic>>();
            foreach (var diagnostic in all)
            {
                var key = (int.Parse(diagnostic.Properties[LoopProperty]!, System.Globalization.CultureInfo.InvariantCulture), diagnostic.Properties[MethodProperty]!);
                if (!groups.TryGetValue(key, out var list))
                {
                    groups.Add(key, list = new List<Diagnostic>());
                }

                list.Add(diagnostic);
            }

            foreach (var list in groups.Values)
            {
                var first = list[0];
                context.ReportDiagnostic(list.Count == 1
                    ? first
                    : Diagnostic.Create(first.Descriptor, first.Location, list.Skip(1).Select(d => d.Location), first.Properties, Arguments(first)));
            }
        }

        private static object?[] Arguments(Diagnostic diagnostic)
            => new object?[] { diagnostic.Properties[NameProperty], diagnostic.Properties[LoopTextProperty], diagnostic.Properties[ChainProperty] };

        private const string LoopProperty = "Loop";
        private const string MethodProperty = "Method";
        private const string NameProperty = "Name";
        private const string LoopTextProperty = "LoopText";
        private const string ChainProperty = "Chain";

        private static void Analyze(OperationAnalysisContext context, EfCompilation ef, RoundTripSummaries summaries, List<Diagnostic> found)
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

            var name = isDelegate && invocation.Instance?.WalkDownConversions() is ILocalReferenceOperation delegateLocal ? delegateLocal.Local.Name : method.Name;
            var loopText = QueryInLoopAnalyzer.DescribeLoop(placement.Loop);
            var properties = ImmutableDictionary<string, string?>.Empty
                .Add(LoopProperty, placement.Loop.Loop.Syntax.SpanStart.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Add(MethodProperty, isDelegate ? "delegate:" + name : (resolved ?? method).ToDisplayString())
                .Add(NameProperty, name)
                .Add(LoopTextProperty, loopText)
                .Add(ChainProperty, chain);
            var diagnostic = Diagnostic.Create(Descriptors.EFP104_NPlusOneThroughCall, invocation.GetMethodNameLocation(), properties, name, loopText, chain);
            lock (found)
            {
                found.Add(diagnostic);
            }
        }
    }
}
