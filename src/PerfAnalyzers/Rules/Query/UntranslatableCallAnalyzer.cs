namespace PerfAnalyzers.Rules.Query
{
    /// <summary>
    /// EFP315: a filter, ordering, grouping, join key or aggregate of an EF query calls something EF Core cannot translate
    /// (a method of the application, a property EF does not map, a BCL member the provider has no SQL for), on the row's
    /// data: the query throws "could not be translated" every time it runs. Not in a Select (client evaluation is allowed
    /// in the final projection), not after the query went client-side (AsEnumerable, ToList), not in test code.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class UntranslatableCallAnalyzer() : EfAnalyzer(Descriptors.EFP315_UntranslatableCall)
    {
        /// <summary>Diagnostic property: why the part is untranslatable (<see cref="UntranslatableKind"/>).</summary>
        public const string KindProperty = "Kind";

        /// <summary>Queryable (and EF async) operators whose lambdas EF must translate, with the parameters that hold them.</summary>
        private static bool IsLambdaOperator(OperatorKind kind)
            => kind is OperatorKind.Where or OperatorKind.OrderBy or OperatorKind.OrderByDescending or OperatorKind.ThenBy or OperatorKind.ThenByDescending
                or OperatorKind.GroupBy or OperatorKind.Join or OperatorKind.GroupJoin or OperatorKind.Any or OperatorKind.All or OperatorKind.Count
                or OperatorKind.LongCount or OperatorKind.First or OperatorKind.FirstOrDefault or OperatorKind.Single or OperatorKind.SingleOrDefault
                or OperatorKind.Last or OperatorKind.LastOrDefault or OperatorKind.Sum or OperatorKind.Min or OperatorKind.Max or OperatorKind.Average;

        private static readonly ImmutableHashSet<string> LambdaParameters = ImmutableHashSet.Create(
            "predicate", "keySelector", "outerKeySelector", "innerKeySelector", "selector");

        private protected override void OnCompilationStart(CompilationStartAnalysisContext start, EfCompilation ef)
        {
            if (TestCode.IsTestProject(start.Compilation))
            {
                return;
            }

            start.RegisterOperationAction(c => Analyze(c, ef), OperationKind.Invocation);
        }

        private static void Analyze(OperationAnalysisContext context, EfCompilation ef)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var method = invocation.TargetMethod;
            var name = EfSymbols.SyncName(method.Name);
            if (!IsLambdaOperator(ef.Symbols.Operators.Kind(method))
                || !(ef.Symbols.IsQueryableMethod(method) || EfSymbols.IsEfExtensionMethod(method))
                || invocation.IsInsideExpressionTree()
                || invocation.HasUnboundArgument()
                || TestCode.IsInTestClass(context.ContainingSymbol))
            {
                return;
            }

            var lambdas = invocation.Arguments
                .Where(a => a.Parameter is { } p && LambdaParameters.Contains(p.Name) && (name != "GroupBy" || p.Name == "keySelector"))
                .Select(a => a.Value.AsLambda())
                .Where(l => l is not null && EfCore.OperationExtensions.IsExpressionTreeLambda(l!))
                .ToList();
            if (lambdas.Count == 0
                || invocation.GetReceiverOrThisArgument() is not { } receiver
                || ef.Queries.Build(receiver, context.CancellationToken) is not { HasKnownRoot: true } chain
                || chain.Operators.Any(o => o.IsClientSide || QueryOperators.IsThirdPartyRewriter(o.Name))
                || RewrittenLater(invocation))
            {
                return;
            }

            foreach (var lambda in lambdas)
            {
                foreach (var part in UntranslatableParts.Find(ef, lambda!))
                {
                    var reason = part.Kind switch
                    {
                        UntranslatableKind.ApplicationMethod => "a method of this application: EF Core cannot see into compiled code",
                        UntranslatableKind.UnmappedProperty => "a property EF Core does not map: " + part.Detail,
                        _ => "no SQL translation on " + part.Detail,
                    };
                    context.ReportDiagnostic(Diagnostic.Create(
                        Descriptors.EFP315_UntranslatableCall,
                        part.Location,
                        ImmutableDictionary<string, string?>.Empty.Add(KindProperty, part.Kind.ToString()),
                        part.Name,
                        method.Name,
                        reason));
                }
            }
        }

        /// <summary><c>q.Where(..).AsExpandable()</c>, <c>.Decompile()</c>: a library rewrites the expression later in the chain.</summary>
        private static bool RewrittenLater(IInvocationOperation invocation)
        {
            IOperation current = invocation;
            for (var hops = 0; hops < 16; hops++)
            {
                var parent = current.Parent;
                while (parent is IConversionOperation or IArgumentOperation)
                {
                    parent = parent.Parent;
                }

                if (parent is not IInvocationOperation call || call.GetReceiverOrThisArgument()?.WalkDownConversions() != current)
                {
                    return false;
                }

                if (QueryOperators.IsThirdPartyRewriter(call.TargetMethod.Name))
                {
                    return true;
                }

                current = call;
            }

            return false;
        }
    }
}
