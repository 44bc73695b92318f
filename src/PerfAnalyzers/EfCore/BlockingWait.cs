namespace PerfAnalyzers.EfCore
{
    /// <summary>How a task is waited on synchronously.</summary>
    internal enum BlockingKind
    {
        /// <summary><c>task.Result</c> (Task&lt;T&gt; or ValueTask&lt;T&gt;).</summary>
        Result,

        /// <summary><c>task.Wait(..)</c>.</summary>
        Wait,

        /// <summary><c>task.GetAwaiter().GetResult()</c> (also after <c>ConfigureAwait(..)</c>).</summary>
        GetResult,
    }

    /// <summary>
    /// A synchronous wait (<c>.Result</c>, <c>.Wait()</c>, <c>.GetAwaiter().GetResult()</c>) on the task of an EF Core
    /// async round trip, directly or through a local assigned once from it, that was not awaited, waited or checked for
    /// completion earlier in the same method body.
    /// </summary>
    internal sealed class BlockingWait(BlockingKind kind, IOperation task, RoundTrip roundTrip, string source)
    {
        /// <summary>
        /// What returned the task: the EF Core call (<c>CountAsync</c>), or the chain through the project's own async
        /// methods to it (<c>StatsService.CountPostsAsync -&gt; CountAsync</c>).
        /// </summary>
        public string Source { get; } = source;

        public BlockingKind Kind { get; } = kind;

        /// <summary>The awaitable expression that is waited on (the receiver of .Result/.Wait()/.GetAwaiter(), ConfigureAwait included).</summary>
        public IOperation Task { get; } = task;

        /// <summary>The EF Core async round trip whose task is waited on.</summary>
        public RoundTrip RoundTrip { get; } = roundTrip;

        /// <summary>Display form of the wait for messages.</summary>
        public string Display => Kind switch
        {
            BlockingKind.Result => ".Result",
            BlockingKind.Wait => ".Wait()",
            _ => ".GetAwaiter().GetResult()",
        };

        /// <summary>Is <paramref name="operation"/> (a property reference or an invocation) a blocking wait on an EF round trip's task?</summary>
        public static bool TryGet(EfCompilation ef, IOperation operation, out BlockingWait wait, CancellationToken cancellationToken = default)
        {
            wait = null!;
            BlockingKind kind;
            IOperation? waited;
            IOperation? task;
            switch (operation)
            {
                case IPropertyReferenceOperation { Property.Name: "Result" } property when IsTaskType(property.Property.ContainingType, generic: true):
                    kind = BlockingKind.Result;
                    task = property.Instance;
                    waited = task;
                    break;
                case IInvocationOperation { TargetMethod.Name: "Wait" } invocation when IsTaskType(invocation.TargetMethod.ContainingType, generic: false):
                    kind = BlockingKind.Wait;
                    task = invocation.Instance;
                    waited = task;
                    break;
                case IInvocationOperation { TargetMethod.Name: "GetResult", TargetMethod.Parameters.Length: 0 } getResult
                    when getResult.Instance?.WalkDownConversions() is IInvocationOperation { TargetMethod.Name: "GetAwaiter", TargetMethod.Parameters.Length: 0 } getAwaiter
                         && IsAwaitableType(getAwaiter.TargetMethod.ContainingType):
                    kind = BlockingKind.GetResult;
                    task = getAwaiter.Instance;
                    waited = StripConfigureAwait(task);
                    break;
                default:
                    return false;
            }

            if (task is null || waited is null || operation.IsInsideExpressionTree() || task.IsUnbound())
            {
                return false;
            }

            if (!TryGetRoundTrip(ef, waited, operation, out var roundTrip, out var source, cancellationToken))
            {
                return false;
            }

            wait = new BlockingWait(kind, task, roundTrip, source);
            return true;
        }

        private static bool TryGetRoundTrip(EfCompilation ef, IOperation waited, IOperation access, out RoundTrip roundTrip, out string source, CancellationToken cancellationToken)
        {
            roundTrip = null!;
            source = "";
            var value = waited.WalkDownConversions();
            if (value is ILocalReferenceOperation local)
            {
                if (!TryGetSingleValue(local.Local, access, out var assigned) || WasCompletedBefore(local.Local, access))
                {
                    return false;
                }

                value = assigned.WalkDownConversions();
            }

            if (value is not IInvocationOperation invocation)
            {
                return false;
            }

            if (ef.TryGetRoundTrip(invocation, out roundTrip, cancellationToken))
            {
                source = roundTrip.OperationName;
                return roundTrip.IsAsync;
            }

            return TryGetThroughSourceMethod(ef, invocation, out roundTrip, out source, cancellationToken);
        }

        /// <summary>
        /// The task of a method of this compilation (or the one implementation of an interface method) whose body reaches an
        /// EF Core async round trip on every call (<see cref="RoundTripSummaries"/>: not only on a cache miss, not only in a
        /// catch block or a callback): waiting on it waits for the round trip.
        /// </summary>
        private static bool TryGetThroughSourceMethod(EfCompilation ef, IInvocationOperation invocation, out RoundTrip roundTrip, out string source, CancellationToken cancellationToken)
        {
            roundTrip = null!;
            source = "";
            var method = invocation.TargetMethod;
            if (!IsAwaitableType(method.ReturnType as INamedTypeSymbol) || invocation.HasUnboundArgument()
                || !(method.Locations.Any(l => l.IsInSource) || method.ContainingType?.TypeKind == TypeKind.Interface || method.IsAbstract))
            {
                return false;
            }

            var summary = ef.Summaries.Get(invocation, cancellationToken, out var target);
            if (!summary.PerformsRoundTrip || summary.OnCacheMiss || summary.RoundTrip is not { IsAsync: true } found)
            {
                return false;
            }

            roundTrip = found;
            source = string.Join(" -> ", new[] { ef.Summaries.DisplayName(target ?? method) }.Concat(summary.Chain));
            return true;
        }

        /// <summary>The only value ever given to <paramref name="local"/> in the body, given before <paramref name="access"/>.</summary>
        private static bool TryGetSingleValue(ILocalSymbol local, IOperation access, out IOperation value)
        {
            value = null!;
            var found = 0;
            foreach (var descendant in access.GetRootOperation().Descendants())
            {
                IOperation? assigned = null;
                switch (descendant)
                {
                    case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local):
                        assigned = declarator.GetVariableInitializer()?.Value;
                        if (assigned is null)
                        {
                            continue;
                        }

                        break;
                    case IAssignmentOperation assignment when IsLocal(assignment.Target, local):
                        if (assignment is not ISimpleAssignmentOperation)
                        {
                            return false;
                        }

                        assigned = assignment.Value;
                        break;
                    case IArgumentOperation { Parameter.RefKind: not RefKind.None and not RefKind.In } argument when IsLocal(argument.Value, local):
                        return false;
                    case IDeconstructionAssignmentOperation deconstruction when ContainsLocal(deconstruction.Target, local):
                        return false;
                    default:
                        continue;
                }

                if (++found > 1 || assigned.Syntax.SpanStart > access.Syntax.SpanStart)
                {
                    return false;
                }

                value = assigned;
            }

            return found == 1;
        }

        /// <summary>
        /// Earlier in the body the task was awaited (<c>await t</c>, <c>await Task.WhenAll(.., t, ..)</c>), waited on
        /// (the earlier wait is the one reported) or checked for completion (<c>t.IsCompleted</c>, <c>t.Status</c>...).
        /// Textual order stands for execution order (a loop may run the later line first; that only hides findings).
        /// </summary>
        private static bool WasCompletedBefore(ILocalSymbol local, IOperation access)
        {
            var position = access.Syntax.SpanStart;
            foreach (var descendant in access.GetRootOperation().Descendants())
            {
                if (descendant.Syntax.SpanStart >= position || descendant == access)
                {
                    continue;
                }

                switch (descendant)
                {
                    case IAwaitOperation await:
                        var awaited = StripConfigureAwait(await.Operation)?.WalkDownConversions();
                        if (IsLocal(awaited, local)
                            || (awaited is IInvocationOperation { TargetMethod.Name: "WhenAll" } whenAll
                                && IsTaskType(whenAll.TargetMethod.ContainingType, generic: false)
                                && ContainsLocal(whenAll, local)))
                        {
                            return true;
                        }

                        break;
                    case IPropertyReferenceOperation property when IsLocal(property.Instance, local)
                                                                   && property.Property.Name is "Result" or "IsCompleted" or "IsCompletedSuccessfully" or "IsFaulted" or "IsCanceled" or "Status":
                        return true;
                    case IInvocationOperation { TargetMethod.Name: "Wait" } wait when IsLocal(wait.Instance, local):
                        return true;
                    case IInvocationOperation { TargetMethod.Name: "GetAwaiter" } getAwaiter when IsLocal(StripConfigureAwait(getAwaiter.Instance), local):
                        return true;
                }
            }

            return false;
        }

        private static IOperation? StripConfigureAwait(IOperation? operation)
            => operation?.WalkDownConversions() is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configure
               && IsAwaitableType(configure.TargetMethod.ContainingType)
                ? configure.Instance
                : operation;

        private static bool IsLocal(IOperation? operation, ILocalSymbol local)
            => operation?.WalkDownConversions() is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local);

        private static bool ContainsLocal(IOperation operation, ILocalSymbol local)
        {
            foreach (var descendant in operation.DescendantsAndSelf())
            {
                if (descendant is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>System.Threading.Tasks.Task / ValueTask (or their generic forms when <paramref name="generic"/>).</summary>
        private static bool IsTaskType(INamedTypeSymbol? type, bool generic)
        {
            if (type is null || type.ContainingNamespace?.ToDisplayString() != "System.Threading.Tasks")
            {
                return false;
            }

            var definition = type.OriginalDefinition;
            return generic
                ? definition.Arity == 1 && definition.Name is "Task" or "ValueTask"
                : definition.Arity == 0 && definition.Name == "Task";
        }

        /// <summary>Task, ValueTask (generic or not) and their ConfigureAwait results.</summary>
        private static bool IsAwaitableType(INamedTypeSymbol? type)
        {
            if (type is null)
            {
                return false;
            }

            var ns = type.ContainingNamespace?.ToDisplayString();
            return (ns == "System.Threading.Tasks" && type.Name is "Task" or "ValueTask")
                   || (ns == "System.Runtime.CompilerServices" && type.Name is "ConfiguredTaskAwaitable" or "ConfiguredValueTaskAwaitable");
        }
    }
}
