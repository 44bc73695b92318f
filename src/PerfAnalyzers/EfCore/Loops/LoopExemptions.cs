using Microsoft.CodeAnalysis.CSharp;
using PerfAnalyzers.Options;

namespace PerfAnalyzers.EfCore
{
    /// <summary>Options shared by the N+1 rules (EFP101, EFP104), read from .editorconfig.</summary>
    internal readonly struct NPlusOneOptions(bool reportConstantCollections, bool reportSeedingCode)
    {
        /// <summary>Report loops over collection literals (<c>new[] { a, b }</c>, <c>Enum.GetValues</c>): off by default.</summary>
        public bool ReportConstantCollections { get; } = reportConstantCollections;

        /// <summary>Report loops in setup code (<see cref="SetupCode"/>: seeding, migrations, installation, start-up): off by default.</summary>
        public bool ReportSeedingCode { get; } = reportSeedingCode;

        public static NPlusOneOptions Read(AnalyzerOptions options, SyntaxTree tree, string ruleId)
        {
            return new NPlusOneOptions(
                RuleOptions.ReportConstantCollections.Read(options, tree, ruleId),
                RuleOptions.ReportSeedingCode.Read(options, tree, ruleId));
        }
    }

    /// <summary>
    /// Why an operation inside a loop does not repeat a round trip per element of data, in the order
    /// <see cref="LoopExemptions.Why"/> asks. EFP101, EFP104 and EFP201 ask the same list, and their docs pages list it.
    /// </summary>
    internal enum LoopExemption
    {
        /// <summary>No reason: the operation runs once per element (report it).</summary>
        None = 0,

        /// <summary>
        /// In a catch or finally block inside the loop, or the loop is in a private method (or local function) called only
        /// from catch clauses (<see cref="ErrorPaths"/>): error handling, not per-element work.
        /// </summary>
        ErrorPath,

        /// <summary>The loop is left right after the operation (break/return/throw, or a flag the loop condition tests): a retry or a one-shot.</summary>
        LeavesLoop,

        /// <summary>
        /// It runs only on the iteration whose element's key equals one value from outside the loop (<see cref="KeyMatches"/>:
        /// <c>if (pm.Id != paymentMethodId) continue;</c> over a collection that holds each key once): at most once.
        /// </summary>
        OneKeyOnly,

        /// <summary>Runs only when a counter reaches a threshold (<c>if (++n % 500 == 0)</c>): a periodic batch.</summary>
        PeriodicBatch,

        /// <summary>In the condition of a while/for loop: a drain or poll test (<c>while (await q.AnyAsync())</c>).</summary>
        LoopCondition,

        /// <summary>A message loop (channel reader, BlockingCollection): messages arrive one at a time and cannot be loaded together.</summary>
        MessageLoop,

        /// <summary>A while/do loop that waits between passes or runs until cancellation: one pass per tick.</summary>
        Polling,

        /// <summary>A loop over values written in the code (literal collections, Enum.GetValues, constant bounds).</summary>
        ConstantCollection,

        /// <summary>Setup code (<see cref="SetupCode"/>: seeding, migrations, installation, start-up), which runs once.</summary>
        SeedingCode,

        /// <summary>A search: the loop is left as soon as the round trip's result says so (first match).</summary>
        SearchLoop,

        /// <summary>The loop works in batches: it iterates chunks, or loads a page or a key set per iteration.</summary>
        BatchLoop,

        /// <summary>Each iteration is its own unit of work: the context (or the DI scope it comes from) is created per iteration.</summary>
        UnitOfWorkPerIteration,

        /// <summary>A save whose rows later iterations query back (uniqueness checks, running numbers): it must commit per iteration.</summary>
        ReadBackByLaterIterations,

        /// <summary>The round trip runs only on a cache miss (cache-aside, memoised field, GetOrCreate factory, a local the loop fills once).</summary>
        CacheMiss,

        /// <summary>
        /// A look-up in the context's identity map with the same key on every iteration (<see cref="IdentityLookups"/>:
        /// <c>Find(languageId)</c>, or a helper that checks <c>DbSet.Local</c> before it queries): the first iteration loads
        /// and tracks the entity, the others find it in the context.
        /// </summary>
        RepeatedIdentityLookup,

        /// <summary>
        /// An explicit load (<see cref="ExplicitLoads"/>: <c>Entry(e).Reference(..).Load()</c>, or a wrapper that tests
        /// <c>IsLoaded</c> first), in the loop body or in a method it calls, of a navigation that the query the loop's entity came
        /// from already includes: the load finds the navigation loaded and makes no round trip.
        /// </summary>
        AlreadyLoaded,

        /// <summary>The call receives a list the loop fills and then clears (<c>repo.AddRange(batch); batch.Clear();</c>): one call per batch.</summary>
        AccumulatedBatch,

        /// <summary>
        /// The loop iterates a handful of configured things, not rows of data (<see cref="ConfiguredSets"/>): services from
        /// dependency injection (handlers, agents), or a collection read from settings/options (servers, libraries).
        /// </summary>
        ConfiguredSet,

        /// <summary>
        /// The loop works off a queue (<see cref="WorkQueues"/>: an outbox or a retry queue): each iteration marks its item
        /// processed or failed according to the outcome of an action, and commits that on purpose.
        /// </summary>
        WorkQueue,

        /// <summary>
        /// Each pass does work outside the database that dwarfs a round trip (<see cref="HeavyWork"/>: an archive, a process,
        /// file copies or deletions, stream copies, HTTP, image processing), in the loop body or in a method it calls: the
        /// loop spends its time there, and batching the round trip would not make it measurably faster.
        /// </summary>
        HeavyWorkPerItem,

        /// <summary>
        /// (calls only) The called method is a job over its own collection: every round trip it reaches runs per iteration of a
        /// loop of its own, where it is reported (<see cref="RoundTripSummary.InOwnLoop"/>); reported once, there.
        /// </summary>
        NestedJob,

        /// <summary>
        /// (calls only) The call is the application's logging (<see cref="LoggingCalls"/>: <c>Log</c>/<c>Log&lt;Level&gt;</c> with
        /// a log level, or on a <c>*Logger</c>/<c>*LogManager</c> type) whose sink writes to the database: a loop that logs
        /// per item is logging, and buffering is the logger's job, not the loop's.
        /// </summary>
        LoggingCall,

        /// <summary>
        /// Test code (<see cref="TestCode"/>: a test project, or a test class in any project): a test runs against a database
        /// it filled itself, and a loop there sets up or checks a handful of rows; not worth a production warning.
        /// </summary>
        TestCode,
    }

    /// <summary>
    /// The one ordered list of reasons why a round trip (or a call leading to one) inside a loop is not an N+1 or a
    /// save per row: the loops real applications write on purpose. <see cref="Why"/> returns the first reason that applies.
    /// </summary>
    internal static class LoopExemptions
    {
        /// <summary>
        /// Whether any reason of <see cref="Why"/> exempts the operation, with the options the user set for rule
        /// <paramref name="ruleId"/> (<see cref="NPlusOneOptions.Read"/>): what a loop rule asks once it found the loop.
        /// </summary>
        public static bool Exempts(EfCompilation ef, IOperation operation, LoopPlacement placement, AnalyzerOptions options, string ruleId, RoundTripSummary? through, CancellationToken cancellationToken)
            => Why(ef, operation, placement, NPlusOneOptions.Read(options, operation.Syntax.SyntaxTree, ruleId), through, cancellationToken) != LoopExemption.None;

        /// <summary>
        /// The first reason the operation does not repeat per element of its loop, or <see cref="LoopExemption.None"/>.
        /// <paramref name="through"/> is the summary of the called method when the operation is a call into the
        /// application's code (EFP104).
        /// </summary>
        public static LoopExemption Why(EfCompilation ef, IOperation operation, LoopPlacement placement, NPlusOneOptions options, RoundTripSummary? through = null, CancellationToken cancellationToken = default)
        {
            var loop = placement.Loop;
            var placed = WhyFromPlacement(ef, operation, placement, options, cancellationToken);
            if (placed != LoopExemption.None)
            {
                return placed;
            }

            if (!options.ReportSeedingCode && SetupCode.IsSetupCode(ef, operation, cancellationToken))
            {
                return LoopExemption.SeedingCode;
            }

            if (IsSearchLoop(operation, loop))
            {
                return LoopExemption.SearchLoop;
            }

            var facts = LoopFacts.Of(ef, loop);
            if (facts.IsBatchLoop(ef, loop, cancellationToken))
            {
                return LoopExemption.BatchLoop;
            }

            if (through is { OwnScope: true } || UnitOfWork.IsPerIteration(ef, operation, loop, cancellationToken))
            {
                return LoopExemption.UnitOfWorkPerIteration;
            }

            if (IsReadBackByLaterIterations(ef, operation, loop, cancellationToken))
            {
                return LoopExemption.ReadBackByLaterIterations;
            }

            if (through is { OnCacheMiss: true } || CacheAside.IsOnMiss(operation, loop.Body) || CacheAside.IsLoopMemo(operation, loop.Body))
            {
                return LoopExemption.CacheMiss;
            }

            if (IdentityLookups.IsRepeatedLookup(ef, operation, through, loop, cancellationToken))
            {
                return LoopExemption.RepeatedIdentityLookup;
            }

            if (through is { ExplicitLoads.IsDefault: false } && operation is IInvocationOperation loading
                    ? ExplicitLoads.LoadedByCallerQuery(ef, loading, through.ExplicitLoads, cancellationToken)
                    : through is null && ef.TryGetRoundTrip(operation, out var load, cancellationToken) && ExplicitLoads.LoadedByQuery(ef, load, operation, cancellationToken))
            {
                return LoopExemption.AlreadyLoaded;
            }

            if (operation is IInvocationOperation call && PassesAccumulatedBatch(ef, call, loop))
            {
                return LoopExemption.AccumulatedBatch;
            }

            if (facts.IsConfiguredSet(ef, loop, cancellationToken))
            {
                return LoopExemption.ConfiguredSet;
            }

            if (facts.IsWorkQueue(ef, loop, cancellationToken))
            {
                return LoopExemption.WorkQueue;
            }

            if (facts.HasHeavyWork(ef, loop, cancellationToken))
            {
                return LoopExemption.HeavyWorkPerItem;
            }

            if (through is { InOwnLoop: true })
            {
                return LoopExemption.NestedJob;
            }

            if (through is not null && operation is IInvocationOperation logged && LoggingCalls.IsLoggingCall(logged.TargetMethod))
            {
                return LoopExemption.LoggingCall;
            }

            if (IsTestCode(operation, cancellationToken))
            {
                return LoopExemption.TestCode;
            }

            return LoopExemption.None;
        }

        /// <summary>
        /// Whether one of the leading reasons of <see cref="Why"/> exempts the operation: those read from the loop and the
        /// operation's place in it alone (an error path, also a loop in a private method called only from catch clauses, a loop left after it, one key matched, a periodic batch, the loop's condition, a message
        /// or polling loop, a constant collection), never from what a call reaches or from another body. EFP104 asks them before
        /// it summarizes the called method (issue 14: the summary binds the callee's body, and a call in such a loop is exempt
        /// whatever it reaches).
        /// </summary>
        public static bool ExemptsFromPlacement(EfCompilation ef, IOperation operation, LoopPlacement placement, AnalyzerOptions options, string ruleId, CancellationToken cancellationToken)
            => WhyFromPlacement(ef, operation, placement, NPlusOneOptions.Read(options, operation.Syntax.SyntaxTree, ruleId), cancellationToken) != LoopExemption.None;

        /// <summary>The leading reasons of <see cref="Why"/>, in its order (<see cref="ExemptsFromPlacement"/>).</summary>
        private static LoopExemption WhyFromPlacement(EfCompilation ef, IOperation operation, LoopPlacement placement, NPlusOneOptions options, CancellationToken cancellationToken)
        {
            var loop = placement.Loop;
            if (placement.InCatchOrFinally || LoopFacts.Of(ef, loop).RunsOnlyWhileHandlingErrors(loop, cancellationToken))
            {
                return LoopExemption.ErrorPath;
            }

            if (placement.ExitsLoopAfter)
            {
                return LoopExemption.LeavesLoop;
            }

            if (KeyMatches.RunsForOneKey(ef, operation, loop))
            {
                return LoopExemption.OneKeyOnly;
            }

            if (placement.IsBatchGuarded)
            {
                return LoopExemption.PeriodicBatch;
            }

            if (IsInLoopCondition(operation, loop.Loop))
            {
                return LoopExemption.LoopCondition;
            }

            if (IsMessageLoop(loop))
            {
                return LoopExemption.MessageLoop;
            }

            if (IsPollingLoop(loop))
            {
                return LoopExemption.Polling;
            }

            if (!options.ReportConstantCollections && (IsConstantCollection(loop.Source) || HasConstantBound(loop.Loop)))
            {
                return LoopExemption.ConstantCollection;
            }

            return LoopExemption.None;
        }

        private static bool IsTestCode(IOperation operation, CancellationToken cancellationToken)
            => operation.SemanticModel is { } model
               && (TestCode.IsTestProject(model.Compilation)
                   || TestCode.IsInTestClass(model.GetEnclosingSymbol(operation.Syntax.SpanStart, cancellationToken)));

        /// <summary>
        /// The call hands over a collection the loop fills (<c>batch.Add(x)</c> in the loop body, or a helper the loop passes
        /// it to; the list declared before the loop) and then flushes (<c>batch.Clear()</c>): the loop works in batches (one call per page of items, e.g. <c>await repo.AddRange(batch);
        /// batch.Clear();</c>), not once per element.
        /// </summary>
        private static bool PassesAccumulatedBatch(EfCompilation ef, IInvocationOperation invocation, EnclosingLoop loop)
        {
            foreach (var argument in invocation.Arguments)
            {
                if (argument.ArgumentKind != ArgumentKind.Explicit
                    || argument.Value.WalkDownConversions() is not ILocalReferenceOperation reference
                    || !ef.Symbols.IsSequenceType(reference.Type) || ef.Symbols.IsQueryable(reference.Type)
                    || reference.Local.DeclaringSyntaxReferences.Any(r => loop.Loop.Syntax.Span.Contains(r.Span)))
                {
                    continue;
                }

                var filled = false;
                var flushed = false;
                foreach (var op in loop.Body.Descendants())
                {
                    if (op is not IInvocationOperation other || other == invocation)
                    {
                        continue;
                    }

                    // The loop flushes the batch (batch.Clear()) after handing it over...
                    flushed |= other.TargetMethod.Name == "Clear" && IsLocal(other.Instance, reference.Local);

                    // ...and fills it: batch.Add(x) / batch.AddRange(xs), or a helper the loop passes the batch to (Process(item, batch)).
                    filled |= other.TargetMethod.Name is "Add" or "AddRange" && IsLocal(other.Instance, reference.Local)
                              || other.Arguments.Any(a => IsLocal(a.Value, reference.Local));
                }

                if (filled && flushed)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsLocal(IOperation? operation, ILocalSymbol local)
            => operation?.WalkDownConversions() is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local);

        /// <summary>
        /// The loop works in batches: it iterates chunks, or a query in its body loads a page or a key set (Skip/Take,
        /// Contains) — unless that query filters by the loop element's own key (<c>Take(3)</c> of each blog's posts is
        /// still one query per blog). In a while/do/for loop, a page loaded through a call
        /// (<c>repository.GetPage(lastId, 100)</c>) counts too.
        /// </summary>
        public static bool IsBatchLoop(EfCompilation ef, EnclosingLoop loop, CancellationToken cancellationToken = default)
        {
            if (loop.Loop is IForEachLoopOperation forEach && ef.Symbols.IsSequenceType(ef.Symbols.GetElementType(forEach.Collection.WalkDownConversions().Type)))
            {
                return true;
            }

            List<IInvocationOperation>? calls = null;
            foreach (var op in loop.Body.Descendants())
            {
                if (op is not IInvocationOperation invocation)
                {
                    continue;
                }

                if (ef.TryGetRoundTrip(invocation, out var roundTrip, cancellationToken))
                {
                    if (IsBatchRoundTrip(roundTrip, loop))
                    {
                        return true;
                    }
                }
                else if (invocation.TargetMethod.Locations.Any(l => l.IsInSource))
                {
                    (calls ??= new List<IInvocationOperation>()).Add(invocation);
                }
            }

            // Through a call only in loops without an element (while/do/for: the paging loops); in a foreach, a call
            // that loads a page for something derived from the element is still per element.
            var compilation = loop.Body.SemanticModel?.Compilation;
            if (calls is null || compilation is null || LoopKeyFilters.GetLoopVariable(loop) is not null)
            {
                return false;
            }

            foreach (var call in calls)
            {
                var body = SourceBodies.GetBody(compilation, call.TargetMethod.OriginalDefinition, cancellationToken);
                if (body is not null && body.Descendants().Any(o => o is IInvocationOperation inner && ef.TryGetRoundTrip(inner, out var innerTrip, cancellationToken)
                                                                     && IsBatchQuery(innerTrip.Query)))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>A page or key-set query (<see cref="IsBatchQuery"/>) that does not filter by the loop element's key.</summary>
        public static bool IsBatchRoundTrip(RoundTrip roundTrip, EnclosingLoop loop)
            => IsBatchQuery(roundTrip.Query) && LoopKeyFilters.Find(roundTrip, loop) is null;

        /// <summary>A query that loads a page or a key set: Take(n > 1) / Skip, or a Where with Contains over a collection.</summary>
        public static bool IsBatchQuery(QueryChain query)
        {
            foreach (var op in query.Operators)
            {
                if (op.Name == "Skip")
                {
                    return true;
                }

                if (op.Name == "Take")
                {
                    var count = op.Invocation.GetArgumentValue(1);
                    if (count?.ConstantValue is not { HasValue: true, Value: 1 })
                    {
                        return true;
                    }
                }

                if (op.Name == "Where" && op.Invocation.GetArgumentValue(1) is { } predicate
                    && predicate.Descendants().OfType<IInvocationOperation>().Any(i => i.TargetMethod.Name == "Contains" && i.Arguments.Length >= 1))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// A search: the loop is left as soon as the round trip finds (or does not find) something —
        /// <c>if (await q.AnyAsync(..)) return x;</c>, or <c>var b = q.FirstOrDefault(..); if (b != null) return b;</c>
        /// (also with an assignment, <c>found = Find(..); if (found != null) break;</c>). Such loops (unique-name probes,
        /// fallbacks, first match) usually stop after one or two round trips.
        /// </summary>
        private static bool IsSearchLoop(IOperation operation, EnclosingLoop loop)
        {
            if (loop.Kind == LoopKind.PerElementLambda)
            {
                return false;
            }

            // The round trip is (part of) the condition of an if that leaves the loop.
            IOperation child = operation;
            for (var current = operation.Parent; current is not null && current != loop.Body; child = current, current = current.Parent)
            {
                if (current is IConditionalOperation conditional && conditional.Condition == child)
                {
                    return LeavesLoop(conditional.WhenTrue, loop) || (conditional.WhenFalse is { } whenFalse && LeavesLoop(whenFalse, loop));
                }

                if (current is IBlockOperation)
                {
                    break;
                }
            }

            // var x = <round trip>; (or x = <round trip>;) ... if (<uses x>) <leave the loop>
            var statement = operation.GetContainingStatement();
            if (statement?.Parent is not IBlockOperation block)
            {
                return false;
            }

            var locals = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            switch (statement)
            {
                case IVariableDeclarationGroupOperation declaration:
                    foreach (var declarator in declaration.Declarations.SelectMany(d => d.Declarators))
                    {
                        locals.Add(declarator.Symbol);
                    }

                    break;
                case IExpressionStatementOperation { Operation: ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } }:
                    locals.Add(target.Local);
                    break;
            }

            if (locals.Count == 0)
            {
                return false;
            }

            var index = block.Operations.IndexOf(statement);
            for (var i = index + 1; i < block.Operations.Length; i++)
            {
                if (block.Operations[i] is IConditionalOperation next
                    && next.Condition.DescendantsAndSelf().OfType<ILocalReferenceOperation>().Any(l => locals.Contains(l.Local))
                    && (LeavesLoop(next.WhenTrue, loop) || (next.WhenFalse is { } otherwise && LeavesLoop(otherwise, loop))))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool LeavesLoop(IOperation branch, EnclosingLoop loop)
        {
            var last = branch is IBlockOperation block ? block.Operations.LastOrDefault() : branch;
            // Only a successful exit makes a search; 'throw' after a failed lookup is a guard run for every element.
            switch (last)
            {
                case IReturnOperation:
                    return true;
                case IBranchOperation { BranchKind: BranchKind.Break } branchOperation:
                    return loop.Loop is ILoopOperation statementLoop && SymbolEqualityComparer.Default.Equals(branchOperation.Target, statementLoop.ExitLabel);
                default:
                    return false;
            }
        }

        /// <summary>In the condition of a while/for loop: a drain/poll test (<c>while (await q.AnyAsync())</c>), not per-element work.</summary>
        private static bool IsInLoopCondition(IOperation operation, IOperation loop)
        {
            var condition = loop switch
            {
                IWhileLoopOperation w => w.Condition,
                IForLoopOperation f => f.Condition,
                _ => null,
            };
            return condition is not null && operation.IsDescendantOf(condition);
        }

        /// <summary>
        /// A message loop: <c>await foreach (var m in channel.Reader.ReadAllAsync())</c>,
        /// <c>foreach (var m in queue.GetConsumingEnumerable())</c>, or a while loop that waits for and reads the next
        /// message (<c>while (await reader.WaitToReadAsync())</c>, <c>reader.TryRead</c>, <c>reader.ReadAsync</c>,
        /// <c>BlockingCollection.Take</c>). Messages arrive over time, one at a time: there is no list to load for.
        /// </summary>
        private static bool IsMessageLoop(EnclosingLoop loop)
        {
            switch (loop.Loop)
            {
                case IForEachLoopOperation forEach:
                    return forEach.Collection.WalkDownConversions() is IInvocationOperation source && IsMessageRead(source.TargetMethod);
                case IWhileLoopOperation whileLoop:
                    return (whileLoop.Condition is { } condition && condition.DescendantsAndSelf().Any(o => o is IInvocationOperation i && IsMessageRead(i.TargetMethod)))
                           || whileLoop.Body.Descendants().Any(o => o is IInvocationOperation i && IsMessageRead(i.TargetMethod));
                default:
                    return false;
            }
        }

        private static bool IsMessageRead(IMethodSymbol method)
        {
            for (var type = method.ContainingType; type is not null; type = type.BaseType)
            {
                var ns = type.ContainingNamespace?.ToDisplayString();
                if (type.Name == "ChannelReader" && ns == "System.Threading.Channels")
                {
                    return method.Name is "ReadAllAsync" or "WaitToReadAsync" or "ReadAsync" or "TryRead";
                }

                if (type.Name == "BlockingCollection" && ns == "System.Collections.Concurrent")
                {
                    return method.Name is "GetConsumingEnumerable" or "Take" or "TryTake";
                }
            }

            return false;
        }

        /// <summary>
        /// A while/do loop that waits between passes (<c>Task.Delay</c>, <c>Thread.Sleep</c>, <c>PeriodicTimer</c>, in
        /// its body or its condition) or runs until cancellation (<c>while (!ct.IsCancellationRequested)</c>): a
        /// background job, one pass per tick.
        /// </summary>
        private static bool IsPollingLoop(EnclosingLoop loop)
        {
            if (loop.Kind != LoopKind.While && loop.Kind != LoopKind.DoWhile)
            {
                return false;
            }

            var condition = (loop.Loop as IWhileLoopOperation)?.Condition;
            if (condition is not null
                && condition.DescendantsAndSelf().OfType<IPropertyReferenceOperation>().Any(p => p.Property.Name == "IsCancellationRequested"))
            {
                return true;
            }

            var parts = condition is null ? loop.Body.Descendants() : loop.Body.Descendants().Concat(condition.DescendantsAndSelf());
            foreach (var op in parts)
            {
                if (op is IInvocationOperation invocation)
                {
                    var method = invocation.TargetMethod;
                    if ((method.Name == "Delay" && method.ContainingType?.Name == "Task")
                        || (method.Name == "Sleep" && method.ContainingType?.Name == "Thread")
                        || method.Name == "WaitForNextTickAsync")
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>
        /// The loop iterates values written in the code: an array/collection literal, a local initialized with one and never
        /// changed, a static readonly field initialized with one, or <c>Enum.GetValues</c>/<c>GetNames</c>. The number of
        /// round trips is fixed by the code, not by the data.
        /// </summary>
        public static bool IsConstantCollection(IOperation? source)
        {
            source = source?.WalkDownConversions();
            switch (source)
            {
                case null:
                    return false;
                case ILocalReferenceOperation local:
                    return IsConstantLocal(local);
                case IFieldReferenceOperation field when field.Field.IsReadOnly && field.Field.IsStatic:
                    foreach (var reference in field.Field.DeclaringSyntaxReferences)
                    {
                        if (reference.GetSyntax() is VariableDeclaratorSyntax { Initializer.Value: { } value } && IsLiteralSyntax(value))
                        {
                            return true;
                        }
                    }

                    return false;
                case IInvocationOperation invocation:
                    return invocation.TargetMethod.ContainingType?.SpecialType == SpecialType.System_Enum
                           && invocation.TargetMethod.Name is "GetValues" or "GetNames" or "GetValuesAsUnderlyingType";
                default:
                    return IsLiteralSyntax(source.Syntax);
            }
        }

        /// <summary><c>for (var i = 0; i &lt; 3; i++)</c>: a loop whose count is a constant written in the code.</summary>
        public static bool HasConstantBound(IOperation loop)
        {
            return loop is IForLoopOperation { Condition: IBinaryOperation condition }
                   && condition.OperatorKind is BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual
                       or BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual
                   && (condition.RightOperand.ConstantValue.HasValue || condition.LeftOperand.ConstantValue.HasValue);
        }

        private static bool IsConstantLocal(ILocalReferenceOperation reference)
        {
            var local = reference.Local;
            if (local.DeclaringSyntaxReferences.Length != 1
                || local.DeclaringSyntaxReferences[0].GetSyntax() is not VariableDeclaratorSyntax { Initializer.Value: { } value }
                || !IsLiteralSyntax(value))
            {
                return false;
            }

            // Never reassigned or added to.
            foreach (var op in reference.GetRootOperation().Descendants())
            {
                switch (op)
                {
                    case IAssignmentOperation { Target: ILocalReferenceOperation target } when SymbolEqualityComparer.Default.Equals(target.Local, local):
                        return false;
                    case IInvocationOperation { Instance: ILocalReferenceOperation receiver } invocation
                        when SymbolEqualityComparer.Default.Equals(receiver.Local, local) && invocation.TargetMethod.Name.StartsWith("Add", StringComparison.Ordinal):
                        return false;
                    case IInvocationOperation { Instance: ILocalReferenceOperation receiver } invocation
                        when SymbolEqualityComparer.Default.Equals(receiver.Local, local) && invocation.TargetMethod.Name.StartsWith("Insert", StringComparison.Ordinal):
                        return false;
                }
            }

            return true;
        }

        private static bool IsLiteralSyntax(SyntaxNode syntax)
        {
            switch (syntax)
            {
                case ArrayCreationExpressionSyntax array:
                    return array.Initializer is not null;
                case ImplicitArrayCreationExpressionSyntax:
                case InitializerExpressionSyntax { RawKind: (int)SyntaxKind.ArrayInitializerExpression }:
                    return true;
                case BaseObjectCreationExpressionSyntax creation:
                    return creation.Initializer is { RawKind: (int)SyntaxKind.CollectionInitializerExpression } && (creation.ArgumentList is null || creation.ArgumentList.Arguments.Count == 0);
                default:
                    return syntax.IsKind(SyntaxKind.CollectionExpression);
            }
        }


        /// <summary>
        /// A SaveChanges whose rows later iterations query back: the loop body adds entities of a type that a query in the
        /// same body reads (<c>if (!db.Tags.Any(t => t.Label == name)) { db.Tags.Add(..); db.SaveChanges(); }</c>, running
        /// numbers from <c>Max</c>). A query does not see added rows until they are saved, so saving once after the loop
        /// would insert duplicates: the save per iteration is needed (the query is EFP101's to judge).
        /// </summary>
        private static bool IsReadBackByLaterIterations(EfCompilation ef, IOperation operation, EnclosingLoop loop, CancellationToken cancellationToken)
        {
            if (operation is not IInvocationOperation save || !ef.Symbols.IsSaveChanges(save.TargetMethod))
            {
                return false;
            }

            var added = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
            var queried = new List<ITypeSymbol>();
            foreach (var op in loop.Body.Descendants())
            {
                if (op is not IInvocationOperation invocation)
                {
                    continue;
                }

                var method = invocation.TargetMethod;
                if (TrackerCall.Of(ef.Symbols, invocation) is { } tracker)
                {
                    if (tracker.Kind != TrackerKind.Remove && tracker.Entity is { } entity)
                    {
                        added.Add(entity.OriginalDefinition);
                    }

                    continue;
                }

                if (!ef.Symbols.IsFindMethod(method) && ef.TryGetRoundTrip(invocation, out var roundTrip, cancellationToken)
                    && roundTrip.Kind is RoundTripKind.Query or RoundTripKind.Enumeration && roundTrip.Query.EntityType is { } type)
                {
                    queried.Add(type.OriginalDefinition);
                }
            }

            return queried.Any(added.Contains);
        }
    }
}
