namespace PerfAnalyzers.Rules.Async
{
    /// <summary>
    /// EFP402: operations on one DbContext instance that run at the same time: Task.WhenAll/WhenAny over tasks on the
    /// same context (direct EF calls, task locals, Task.Run lambdas, <c>Select(async x => ...)</c>), a Parallel body
    /// that uses a context of the enclosing scope, or an EF task started, then another operation on the same context
    /// before the task is awaited. Silent when each task owns its context (declared inside the lambda: a factory, a new
    /// scope) and for different context instances.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class ConcurrentContextOperationsAnalyzer() : EfAnalyzer(Descriptors.EFP402_ConcurrentContextOperations)
    {
        /// <summary>Diagnostic property: "true" when the code fix can turn <c>await Task.WhenAll(...)</c> into sequential awaits.</summary>
        public const string CanFixProperty = "CanFix";

        private protected override void OnCompilationStart(CompilationStartAnalysisContext start, EfCompilation ef)
            => start.RegisterOperationAction(c => AnalyzeInvocation(c, ef), OperationKind.Invocation);

        private static void AnalyzeInvocation(OperationAnalysisContext context, EfCompilation ef)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var method = invocation.TargetMethod;
            var lifetime = ef.Lifetime;
            if (lifetime.IsWhenAllOrAny(method))
            {
                AnalyzeWhenAll(context, invocation, lifetime);
            }
            else if (lifetime.IsParallel(method))
            {
                AnalyzeParallel(context, invocation, lifetime);
            }
            else if (method.Name.EndsWith("Async", System.StringComparison.Ordinal))
            {
                AnalyzeStartedTask(context, invocation, ef);
            }
        }

        /// <summary><c>await Task.WhenAll(a, b)</c> with two tasks on one context, or one <c>Select(async ...)</c> task per element.</summary>
        private static void AnalyzeWhenAll(OperationAnalysisContext context, IInvocationOperation invocation, ContextLifetime lifetime)
        {
            var units = new List<TaskUnit>();
            var unknown = false;
            foreach (var argument in invocation.Arguments)
            {
                lifetime.CollectUnits(argument.Value, units, ref unknown, context.CancellationToken);
            }

            ISymbol? shared = null;
            var repeats = false;
            for (var i = 0; i < units.Count && shared is null; i++)
            {
                if (units[i].Repeats)
                {
                    shared = units[i].Context;
                    repeats = true;
                    break;
                }

                for (var j = i + 1; j < units.Count; j++)
                {
                    if (ContextLifetime.SameInstance(units[i].Context, units[j].Context))
                    {
                        shared = units[i].Context;
                        break;
                    }
                }
            }

            if (shared is null)
            {
                return;
            }

            var canFix = !unknown && !repeats && CanFixWhenAll(invocation, units);
            var properties = ImmutableDictionary<string, string?>.Empty.Add(CanFixProperty, canFix ? "true" : "false");
            var how = repeats
                ? $"Task.{invocation.TargetMethod.Name} over one task per element: Select(async ...) or a loop"
                : $"Task.{invocation.TargetMethod.Name} over its tasks";
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.EFP402_ConcurrentContextOperations, invocation.GetMethodNameLocation(), properties, shared.Name, how));
        }

        /// <summary>
        /// The fixable shape: <c>await Task.WhenAll(x, y, ...);</c> as a statement, each argument a direct EF async call or
        /// a local initialized by one; locals must be Task&lt;T&gt; (they become the awaited value).
        /// </summary>
        private static bool CanFixWhenAll(IInvocationOperation invocation, List<TaskUnit> units)
        {
            if (invocation.TargetMethod.Name != "WhenAll" || units.Count < 2
                || invocation.Parent is not IAwaitOperation { Parent: IExpressionStatementOperation }
                || invocation.Arguments.Length != 1
                || invocation.Arguments[0].Value.WalkDownConversions() is not { IsImplicit: true } collection
                || ContextLifetime.Elements(collection) is not { } elements
                || elements.Count() != units.Count)
            {
                return false;
            }

            foreach (var element in elements)
            {
                var value = element.WalkDownConversions();
                if (value is ILocalReferenceOperation local)
                {
                    if (local.Local.Type is not INamedTypeSymbol { IsGenericType: true, Name: "Task" }
                        || ContextLifetime.LocalInitializer(local.Local, local)?.WalkDownConversions() is not IInvocationOperation)
                    {
                        return false;
                    }
                }
                else if (value is not IInvocationOperation)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary><c>Parallel.ForEach(items, x => db...)</c>: the iterations share the enclosing scope's context.</summary>
        private static void AnalyzeParallel(OperationAnalysisContext context, IInvocationOperation invocation, ContextLifetime lifetime)
        {
            foreach (var argument in invocation.Arguments)
            {
                var outer = lifetime.OuterContexts(argument.Value, context.CancellationToken);
                if (outer.Count > 0)
                {
                    context.ReportDiagnostic(Diagnostic.Create(
                        Descriptors.EFP402_ConcurrentContextOperations,
                        invocation.GetMethodNameLocation(),
                        outer[0].Context.Name,
                        $"the body of Parallel.{invocation.TargetMethod.Name} runs on several threads"));
                    return;
                }
            }
        }

        /// <summary>
        /// <c>var posts = db.Posts.ToListAsync(); var count = await db.Blogs.CountAsync(); await posts;</c>: the second
        /// operation starts while the first task is still running. Reported on the second operation. Tasks that are only
        /// awaited together (WhenAll) are left to <see cref="AnalyzeWhenAll"/>.
        /// </summary>
        private static void AnalyzeStartedTask(OperationAnalysisContext context, IInvocationOperation invocation, EfCompilation ef)
        {
            if (invocation.Parent is not IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }
                || !ef.TryGetRoundTrip(invocation, out var roundTrip, context.CancellationToken) || !roundTrip.IsAsync
                || ef.Lifetime.ContextOf(roundTrip) is not { } instance)
            {
                return;
            }

            var task = declarator.Symbol;
            var root = invocation.GetRootOperation();
            var function = EnclosingFunction(invocation);
            var declarationEnd = declarator.Syntax.Span.End;
            IOperation? firstUse = null;
            foreach (var reference in BodyIndex.ReferencesIn(root, task))
            {
                if (reference.Syntax.SpanStart > declarationEnd && (firstUse is null || reference.Syntax.SpanStart < firstUse.Syntax.SpanStart))
                {
                    firstUse = reference;
                }
            }

            if (firstUse is null)
            {
                return;
            }

            var awaitedTogether = InsideWhenAll(firstUse, ef.Lifetime);
            foreach (var (other, otherContext) in ef.Lifetime.RoundTripsIn(root, context.CancellationToken))
            {
                var start = other.Operation.Syntax.SpanStart;
                if (start <= declarationEnd || start >= firstUse.Syntax.SpanStart || !ContextLifetime.SameInstance(instance, otherContext)
                    || EnclosingFunction(other.Operation) != function)
                {
                    continue;
                }

                // Two tasks that are then awaited together: the WhenAll is the finding.
                if (awaitedTogether && other.IsAsync && other.Operation.AwaitedValue() is null)
                {
                    continue;
                }

                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.EFP402_ConcurrentContextOperations,
                    other.Location,
                    instance.Name,
                    $"'{other.OperationName}' starts while task '{task.Name}' ({roundTrip.OperationName}) is still running"));
                return;
            }
        }

        private static bool InsideWhenAll(IOperation operation, ContextLifetime lifetime)
        {
            for (var current = operation.Parent; current is not null; current = current.Parent)
            {
                if (current is IInvocationOperation call && lifetime.IsWhenAllOrAny(call.TargetMethod))
                {
                    return true;
                }

                if (current is IExpressionStatementOperation or IVariableDeclarationGroupOperation or IReturnOperation)
                {
                    return false;
                }
            }

            return false;
        }

        private static IOperation? EnclosingFunction(IOperation operation)
        {
            for (var current = operation.Parent; current is not null; current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    return current;
                }
            }

            return null;
        }
    }
}
