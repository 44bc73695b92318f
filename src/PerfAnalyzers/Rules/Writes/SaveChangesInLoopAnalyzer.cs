namespace PerfAnalyzers.Rules.Writes
{
    /// <summary>
    /// EFP201: SaveChanges(Async) executed per iteration of a loop. Not for the loops <see cref="LoopExemptions.Why"/>
    /// exempts (as EFP101 and EFP104): retry loops, saves in catch/finally, periodic batch saves, loops that work in
    /// batches, polling and message loops, a context created per iteration (each iteration its own unit of work), saves
    /// that later iterations read back, and setup code
    /// (<see cref="SetupCode"/>, unless <c>report_seeding_code</c>).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class SaveChangesInLoopAnalyzer() : EfAnalyzer(Descriptors.EFP201_SaveChangesInLoop)
    {
        /// <summary>Diagnostic property: "true" when the save can be moved after the loop by the code fix.</summary>
        public const string CanMoveProperty = "CanMove";

        private protected override void OnCompilationStart(CompilationStartAnalysisContext start, EfCompilation ef)
        {
            start.RegisterOperationAction(c => Analyze(c, ef), OperationKind.Invocation);
        }

        private static void Analyze(OperationAnalysisContext context, EfCompilation ef)
        {
            var invocation = (IInvocationOperation)context.Operation;
            if (!ef.Symbols.IsSaveChanges(invocation.TargetMethod)
                || !ef.TryGetRoundTrip(invocation, out var roundTrip, context.CancellationToken) || roundTrip.Kind != RoundTripKind.SaveChanges)
            {
                return;
            }

            var placement = ef.Loops.FindEnclosingLoop(invocation);
            if (placement is null)
            {
                return;
            }

            if (LoopExemptions.Exempts(ef, invocation, placement, context.Options, RuleIds.SaveChangesInLoop, through: null, context.CancellationToken))
            {
                return;
            }

            var properties = ImmutableDictionary<string, string?>.Empty
                .Add(CanMoveProperty, CanMoveAfterLoop(invocation, placement.Loop) ? "true" : "false");
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.EFP201_SaveChangesInLoop,
                invocation.GetMethodNameLocation(),
                properties,
                invocation.TargetMethod.Name,
                placement.Loop.DisplayName));
        }

        /// <summary>
        /// The fix moves the save after the loop only when that keeps the meaning: the save is an unconditional statement
        /// at the end of a statement loop's body, its result is unused, and neither its context nor its arguments are
        /// declared inside the loop.
        /// </summary>
        private static bool CanMoveAfterLoop(IInvocationOperation invocation, EnclosingLoop loop)
        {
            if (loop.Loop is not ILoopOperation loopOperation || loopOperation.Parent is not IBlockOperation)
            {
                return false;
            }

            if (loop.Body is not IBlockOperation body || body.Operations.Length == 0)
            {
                return false;
            }

            var statement = body.Operations[body.Operations.Length - 1];
            var expression = (statement as IExpressionStatementOperation)?.Operation;
            if (expression is IAwaitOperation awaitOperation)
            {
                expression = awaitOperation.Operation;
                if (expression is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configureAwait)
                {
                    expression = configureAwait.Instance;
                }
            }

            if (expression != invocation)
            {
                return false;
            }

            // Context and arguments must mean the same after the loop.
            var loopLocals = ImmutableHashSet.CreateBuilder<ILocalSymbol>(SymbolEqualityComparer.Default);
            foreach (var op in loopOperation.DescendantsAndSelf())
            {
                if (op is IVariableDeclaratorOperation declarator)
                {
                    loopLocals.Add(declarator.Symbol);
                }
            }

            if (loopOperation is IForEachLoopOperation forEach)
            {
                foreach (var local in forEach.Locals)
                {
                    loopLocals.Add(local);
                }
            }

            foreach (var op in invocation.DescendantsAndSelf())
            {
                if (op is ILocalReferenceOperation local && loopLocals.Contains(local.Local))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
