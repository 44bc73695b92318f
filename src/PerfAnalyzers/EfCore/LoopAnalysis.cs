using Microsoft.CodeAnalysis.CSharp;

namespace PerfAnalyzers.EfCore
{
    internal enum LoopKind
    {
        For,
        ForEach,
        AwaitForEach,
        While,
        DoWhile,

        /// <summary>A lambda run once per element: List.ForEach, Parallel.ForEach(Async), Select/Where/... over an in-memory sequence.</summary>
        PerElementLambda,
    }

    /// <summary>The loop (or per-element lambda) that repeats an operation, and how the operation sits in it.</summary>
    internal sealed class EnclosingLoop(LoopKind kind, IOperation loop, IOperation body, string displayName, IAnonymousFunctionOperation? lambda)
    {
        public LoopKind Kind { get; } = kind;

        /// <summary>The <see cref="ILoopOperation"/>, or the invocation that runs the lambda per element.</summary>
        public IOperation Loop { get; } = loop;

        /// <summary>The part that runs per iteration (loop body or lambda body).</summary>
        public IOperation Body { get; } = body;

        /// <summary>"foreach", "for", "while", "do", "await foreach", "List.ForEach", "Parallel.ForEach", "Select"...</summary>
        public string DisplayName { get; } = displayName;

        public IAnonymousFunctionOperation? Lambda { get; } = lambda;

        /// <summary>The sequence iterated: foreach collection, or the source of the per-element method.</summary>
        public IOperation? Source => Loop switch
        {
            IForEachLoopOperation forEach => forEach.Collection.WalkDownConversions(),
            IInvocationOperation invocation => invocation.GetReceiverOrThisArgument()?.WalkDownConversions(),
            _ => null,
        };
    }

    /// <summary>How an operation executes relative to its enclosing loop.</summary>
    internal sealed class LoopPlacement(EnclosingLoop loop, bool inCatchOrFinally, bool exitsLoopAfter, bool isBatchGuarded)
    {
        public EnclosingLoop Loop { get; } = loop;

        /// <summary>The operation runs in a catch or finally block inside the loop (error handling, not per-row work).</summary>
        public bool InCatchOrFinally { get; } = inCatchOrFinally;

        /// <summary>
        /// The loop is left right after the operation succeeds (<c>break</c>, <c>return</c>, <c>throw</c>, or a flag the
        /// loop condition tests): a retry loop or a search, so the operation completes at most once.
        /// </summary>
        public bool ExitsLoopAfter { get; } = exitsLoopAfter;

        /// <summary>
        /// The operation runs only when a counter reaches a threshold (<c>if (++n % 500 == 0)</c>,
        /// <c>if (batch.Count >= 1000)</c>): a deliberate periodic batch.
        /// </summary>
        public bool IsBatchGuarded { get; } = isBatchGuarded;

        /// <summary>Per-row work: none of the exceptions above apply.</summary>
        public bool RunsPerIteration => !InCatchOrFinally && !ExitsLoopAfter && !IsBatchGuarded;
    }

    /// <summary>Which loop or per-element lambda encloses an operation, and how.</summary>
    internal sealed class LoopAnalysis
    {
        /// <summary>Enumerable methods whose delegate argument runs once per element.</summary>
        private static bool IsPerElementOperator(OperatorKind kind)
            => kind is OperatorKind.Select or OperatorKind.SelectMany or OperatorKind.Where or OperatorKind.Any or OperatorKind.All
                or OperatorKind.Count or OperatorKind.LongCount or OperatorKind.First or OperatorKind.FirstOrDefault or OperatorKind.Single
                or OperatorKind.SingleOrDefault or OperatorKind.Last or OperatorKind.LastOrDefault or OperatorKind.Sum
                or OperatorKind.Min or OperatorKind.Max or OperatorKind.MinBy or OperatorKind.MaxBy or OperatorKind.Average
                or OperatorKind.Aggregate or OperatorKind.OrderBy or OperatorKind.OrderByDescending or OperatorKind.ThenBy
                or OperatorKind.ThenByDescending or OperatorKind.GroupBy or OperatorKind.ToDictionary or OperatorKind.ToLookup
                or OperatorKind.TakeWhile or OperatorKind.SkipWhile or OperatorKind.DistinctBy or OperatorKind.Zip or OperatorKind.Join
                or OperatorKind.GroupJoin or OperatorKind.ToHashSet;

        private readonly EfCompilation _ef;

        public LoopAnalysis(EfCompilation ef)
        {
            _ef = ef;
        }

        /// <summary>The innermost loop or per-element lambda that repeats <paramref name="operation"/>, or null.</summary>
        public LoopPlacement? FindEnclosingLoop(IOperation operation)
        {
            var inCatchOrFinally = false;
            IOperation child = operation;
            for (var current = operation.Parent; current is not null; child = current, current = current.Parent)
            {
                switch (current)
                {
                    case ICatchClauseOperation:
                        inCatchOrFinally = true;
                        break;

                    case ITryOperation tryOperation when tryOperation.Finally == child:
                        inCatchOrFinally = true;
                        break;

                    case ILoopOperation loop when IsRepeatedPart(loop, child):
                        if (loop is IForEachLoopOperation { Collection: var collection } forEach)
                        {
                            if (collection.IsUnbound())
                            {
                                // A loop over something that does not bind: what it iterates (a constant list, batches...) is unknown.
                                return null;
                            }

                            if (IteratesAtMostOnce(forEach))
                            {
                                // `foreach (var playout in maybePlayout)` over an optional value: no repetition; an enclosing loop may still repeat it.
                                break;
                            }
                        }

                        var enclosing = new EnclosingLoop(KindOf(loop), loop, loop.Body, DisplayName(loop), null);
                        return new LoopPlacement(enclosing, inCatchOrFinally, ExitsAfter(operation, enclosing), IsBatchGuarded(operation, enclosing));

                    case IAnonymousFunctionOperation lambda:
                        if (OperationExtensions.IsExpressionTreeLambda(lambda))
                        {
                            return null;
                        }

                        var perElement = GetPerElementInvocation(lambda);
                        if (perElement is null)
                        {
                            // A callback run at an unknown time (Task.Run, an event handler...): not a loop we can see.
                            return null;
                        }

                        var lambdaLoop = new EnclosingLoop(LoopKind.PerElementLambda, perElement, lambda.Body, PerElementDisplayName(perElement.TargetMethod), lambda);
                        return new LoopPlacement(lambdaLoop, inCatchOrFinally, ExitsAfter(operation, lambdaLoop), IsBatchGuarded(operation, lambdaLoop));

                    case ILocalFunctionOperation:
                    case IMethodBodyBaseOperation:
                        return null;
                }
            }

            return null;
        }

        /// <summary>The Select/ForEach/Parallel.ForEach call that runs this lambda once per element of an in-memory sequence.</summary>
        public IInvocationOperation? GetPerElementInvocation(IAnonymousFunctionOperation lambda)
        {
            IOperation? current = lambda.Parent;
            while (current is IDelegateCreationOperation || current is IConversionOperation)
            {
                current = current.Parent;
            }

            if (current is not IArgumentOperation argument || argument.Parent is not IInvocationOperation invocation)
            {
                return null;
            }

            var method = invocation.TargetMethod;
            // Enumerable's operators by symbol; List/Array/Parallel methods and ForEach helpers by name (CollectionMethods).
            var symbols = _ef.Symbols;
            var isEnumerable = symbols.IsEnumerableMethod(method);
            if (!(isEnumerable ? IsPerElementOperator(symbols.Operators.Kind(method)) : CollectionMethods.TakesEachElement(method.Name))
                || invocation.GetReceiverOrThisArgument().IsUnbound())
            {
                return null;
            }

            if (isEnumerable)
            {
                // LINQ to Objects over an EF query is the query's own (client-side) evaluation, not a loop of ours to judge
                // differently: the lambda still runs per row, so it counts.
                return invocation;
            }

            var containing = method.ContainingType;
            if (symbols.IsList(containing) || SymbolEqualityComparer.Default.Equals(containing, symbols.Array)
                || SymbolEqualityComparer.Default.Equals(containing, symbols.Parallel))
            {
                return invocation;
            }

            // Collection types with their own ForEach/Find (ImmutableList, ...) and extension ForEach helpers over sequences.
            if ((method.Name == "ForEach" || method.Name == "ForEachAsync") && !EfSymbols.IsEfExtensionMethod(method)
                && symbols.IsSequenceType(invocation.GetReceiverOrThisArgument()?.Type))
            {
                return invocation;
            }

            return null;
        }

        /// <summary>
        /// A <c>foreach</c> over a value that holds at most one element: an optional value (LanguageExt's <c>Option&lt;T&gt;</c>,
        /// <c>Either&lt;L, R&gt;</c> and types of the same shape), iterated to run code only when it has a value
        /// (<c>foreach (Playout playout in maybePlayout)</c>). Recognized by shape, not by name: the collection's type converts
        /// implicitly from its own element type (a value becomes a container holding just that value) and is not a collection
        /// (<c>ICollection&lt;T&gt;</c>/<c>IReadOnlyCollection&lt;T&gt;</c>, which a list-like type with such a conversion would implement).
        /// </summary>
        internal static bool IteratesAtMostOnce(IForEachLoopOperation loop)
        {
            if (loop.Collection.WalkDownConversions().Type is not INamedTypeSymbol type
                || loop.Syntax is not CommonForEachStatementSyntax syntax
                || loop.SemanticModel is not { } model
                || model.GetForEachStatementInfo(syntax).ElementType is not { } element)
            {
                return false;
            }

            foreach (var @interface in type.AllInterfaces)
            {
                if (@interface.OriginalDefinition.SpecialType is SpecialType.System_Collections_Generic_ICollection_T
                    or SpecialType.System_Collections_Generic_IReadOnlyCollection_T)
                {
                    return false;
                }
            }

            foreach (var member in type.GetMembers(WellKnownMemberNames.ImplicitConversionName))
            {
                if (member is IMethodSymbol { Parameters.Length: 1 } conversion
                    && SymbolEqualityComparer.Default.Equals(conversion.Parameters[0].Type, element)
                    && SymbolEqualityComparer.Default.Equals(conversion.ReturnType, type))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>For a foreach, only the body repeats; for for/while/do, also the condition and the increment.</summary>
        private static bool IsRepeatedPart(ILoopOperation loop, IOperation child)
        {
            switch (loop)
            {
                case IForEachLoopOperation forEach:
                    return child == forEach.Body;
                case IForLoopOperation forLoop:
                    return child == forLoop.Body || child == forLoop.Condition || forLoop.AtLoopBottom.Contains(child);
                case IWhileLoopOperation whileLoop:
                    return child == whileLoop.Body || child == whileLoop.Condition;
                default:
                    return child == loop.Body;
            }
        }

        private static LoopKind KindOf(ILoopOperation loop) => loop switch
        {
            IForEachLoopOperation { IsAsynchronous: true } => LoopKind.AwaitForEach,
            IForEachLoopOperation => LoopKind.ForEach,
            IForLoopOperation => LoopKind.For,
            IWhileLoopOperation { ConditionIsTop: false } => LoopKind.DoWhile,
            _ => LoopKind.While,
        };

        private static string DisplayName(ILoopOperation loop) => KindOf(loop) switch
        {
            LoopKind.AwaitForEach => "await foreach",
            LoopKind.ForEach => "foreach",
            LoopKind.For => "for",
            LoopKind.DoWhile => "do",
            _ => "while",
        };

        private static string PerElementDisplayName(IMethodSymbol method)
            => method.IsExtensionMethod || method.ContainingType is null ? method.Name : method.ContainingType.Name + "." + method.Name;

        /// <summary>
        /// Whether the loop is left right after the operation: a following <c>break</c>/<c>return</c>/<c>throw</c> in the
        /// same or an enclosing block, the operation inside a return, or a following assignment to a variable that the loop
        /// condition reads (<c>saved = true</c> in <c>while (!saved)</c>).
        /// </summary>
        private static bool ExitsAfter(IOperation operation, EnclosingLoop loop)
        {
            var conditionSymbols = ConditionSymbols(loop.Loop);
            for (var current = operation; current is not null && current != loop.Body && current != loop.Loop; current = current.Parent)
            {
                // In a per-element lambda, 'return' (explicit, or the implicit one of an expression body) only ends this element.
                if ((current is IReturnOperation && loop.Kind != LoopKind.PerElementLambda) || current is IThrowOperation)
                {
                    return true;
                }

                if (current.Parent is IBlockOperation block)
                {
                    var index = block.Operations.IndexOf(current);
                    for (var i = index + 1; i < block.Operations.Length; i++)
                    {
                        var next = block.Operations[i];
                        if (IsLoopExit(next, loop) || AssignsAny(next, conditionSymbols))
                        {
                            return true;
                        }
                    }
                }

                if (current is IAnonymousFunctionOperation)
                {
                    break;
                }
            }

            return false;
        }

        private static bool IsLoopExit(IOperation statement, EnclosingLoop loop)
        {
            switch (statement)
            {
                case IReturnOperation:
                    // In a per-element lambda, 'return' only ends this element.
                    return loop.Kind != LoopKind.PerElementLambda;
                case IExpressionStatementOperation { Operation: IThrowOperation }:
                case IThrowOperation:
                    return true;
                case IBranchOperation branch when branch.BranchKind == BranchKind.Break:
                    return loop.Loop is ILoopOperation l && SymbolEqualityComparer.Default.Equals(branch.Target, l.ExitLabel);
                case IBranchOperation branch when branch.BranchKind == BranchKind.GoTo:
                    return true;
                default:
                    return false;
            }
        }

        private static HashSet<ISymbol> ConditionSymbols(IOperation loop)
        {
            var result = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            var condition = loop switch
            {
                IWhileLoopOperation w => w.Condition,
                IForLoopOperation f => f.Condition,
                _ => null,
            };
            if (condition is null)
            {
                return result;
            }

            foreach (var op in condition.DescendantsAndSelf())
            {
                AddLocalOrField(result, op);
            }

            return result;
        }

        /// <summary>Adds the local or field <paramref name="reference"/> reads or writes (anything else: nothing).</summary>
        private static void AddLocalOrField(HashSet<ISymbol> symbols, IOperation? reference)
        {
            switch (reference)
            {
                case ILocalReferenceOperation local:
                    symbols.Add(local.Local);
                    break;
                case IFieldReferenceOperation field:
                    symbols.Add(field.Field);
                    break;
            }
        }

        private static bool AssignsAny(IOperation statement, HashSet<ISymbol> symbols)
        {
            if (symbols.Count == 0)
            {
                return false;
            }

            foreach (var op in statement.DescendantsAndSelf())
            {
                if (op is ISimpleAssignmentOperation assignment)
                {
                    var target = assignment.Target switch
                    {
                        ILocalReferenceOperation local => (ISymbol)local.Local,
                        IFieldReferenceOperation field => field.Field,
                        _ => null,
                    };
                    if (target is not null && symbols.Contains(target))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>
        /// Whether the operation only runs when a counter reaches a threshold: an enclosing <c>if</c> (inside the loop)
        /// whose condition uses <c>%</c>, or compares a Count/Length or a counter incremented in the loop.
        /// </summary>
        private static bool IsBatchGuarded(IOperation operation, EnclosingLoop loop)
        {
            IOperation child = operation;
            for (var current = operation.Parent; current is not null && current != loop.Loop; child = current, current = current.Parent)
            {
                if (current is IConditionalOperation conditional && child != conditional.Condition && IsThresholdCondition(conditional.Condition, loop))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsThresholdCondition(IOperation condition, EnclosingLoop loop)
        {
            HashSet<ISymbol>? counters = null;
            foreach (var op in condition.DescendantsAndSelf())
            {
                if (op is not IBinaryOperation binary)
                {
                    continue;
                }

                if (binary.OperatorKind == BinaryOperatorKind.Remainder)
                {
                    return true;
                }

                if (binary.OperatorKind is BinaryOperatorKind.GreaterThanOrEqual or BinaryOperatorKind.GreaterThan
                    or BinaryOperatorKind.Equals or BinaryOperatorKind.LessThanOrEqual or BinaryOperatorKind.LessThan)
                {
                    counters ??= IncrementedInLoop(loop);
                    if (IsCountLike(binary.LeftOperand, counters) || IsCountLike(binary.RightOperand, counters))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static bool IsCountLike(IOperation operand, HashSet<ISymbol> counters)
        {
            var op = operand.WalkDownConversions();
            switch (op)
            {
                case IPropertyReferenceOperation property:
                    return property.Property.Name is "Count" or "Length" or "LongLength" or "LongCount";
                case IInvocationOperation invocation:
                    return invocation.TargetMethod.Name is "Count" or "LongCount";
                case ILocalReferenceOperation local:
                    return counters.Contains(local.Local);
                case IFieldReferenceOperation field:
                    return counters.Contains(field.Field);
                case IIncrementOrDecrementOperation increment:
                    return true;
                default:
                    return false;
            }
        }

        /// <summary>The locals and fields a loop increments, once per loop (issue 14: asked for every guarded call in the loop, each answer walked the whole loop).</summary>
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IOperation, HashSet<ISymbol>> Counters =
            new System.Runtime.CompilerServices.ConditionalWeakTable<IOperation, HashSet<ISymbol>>();

        private static HashSet<ISymbol> IncrementedInLoop(EnclosingLoop loop)
            => Counters.GetValue(loop.Loop, _ => ComputeIncrementedInLoop(loop));

        private static HashSet<ISymbol> ComputeIncrementedInLoop(EnclosingLoop loop)
        {
            var result = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach (var op in loop.Loop.DescendantsAndSelf())
            {
                AddLocalOrField(result, op switch
                {
                    IIncrementOrDecrementOperation inc => inc.Target,
                    ICompoundAssignmentOperation compound => compound.Target,
                    _ => null,
                });
            }

            return result;
        }
    }
}
