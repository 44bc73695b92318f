using Microsoft.CodeAnalysis.Text;

namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// On which branch of a body does an operation run? Read from the operation tree: the innermost arm of an
    /// <c>if</c>/<c>else</c>, a <c>switch</c> case or arm, a <c>?:</c>, the right side of <c>??</c>, <c>?.</c>, <c>&amp;&amp;</c>
    /// or <c>||</c>, or the rest of a block after an <c>if (..) return ..;</c> before it. Another operation of the body runs
    /// on a path that reaches the first one only if it sits inside that branch (<see cref="Contains"/>).
    /// </summary>
    internal static class Branches
    {
        /// <summary>
        /// The innermost branch of <paramref name="body"/> that <paramref name="operation"/> runs on, as the text it spans;
        /// null when it runs on every normal path through the body (only loops, blocks, <c>try</c>, <c>using</c> and the like
        /// around it), or when a lambda or local function is between them (when it runs is the caller's). Conditions
        /// <paramref name="incidental"/> says do not choose a path (<c>if (items.Count == 0) return;</c> before a loop over
        /// <c>items</c>) are passed over. A branch that leaves only by <c>throw</c> does not count: it is an error, not a path.
        /// </summary>
        public static TextSpan? Innermost(IOperation operation, IOperation body, Func<IOperation, bool> incidental)
        {
            IOperation child = operation;
            for (var current = operation.Parent; current is not null && current != body; child = current, current = current.Parent)
            {
                switch (current)
                {
                    case IAnonymousFunctionOperation:
                    case ILocalFunctionOperation:
                        return null;
                    case IConditionalOperation conditional when child != conditional.Condition && !incidental(conditional.Condition):
                        return child.Syntax.Span;
                    case ISwitchCaseOperation switchCase when switchCase.Parent is ISwitchOperation { Value: var value } && !incidental(value):
                        return switchCase.Syntax.Span;
                    case ISwitchExpressionArmOperation arm when child == arm.Value && arm.Parent is ISwitchExpressionOperation { Value: var value } && !incidental(value):
                        return child.Syntax.Span;
                    case ICoalesceOperation coalesce when child == coalesce.WhenNull:
                        return child.Syntax.Span;
                    case IConditionalAccessOperation access when child == access.WhenNotNull:
                        return child.Syntax.Span;
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr } binary
                        when child == binary.RightOperand && !incidental(binary.LeftOperand):
                        return child.Syntax.Span;
                    case IBlockOperation block:
                        var index = block.Operations.IndexOf(child);
                        for (var i = index - 1; i >= 0; i--)
                        {
                            if (block.Operations[i] is IConditionalOperation guard && !incidental(guard.Condition)
                                && (Returns(guard.WhenTrue) || guard.WhenFalse is { } whenFalse && Returns(whenFalse)))
                            {
                                return TextSpan.FromBounds(guard.Syntax.Span.End, block.Syntax.Span.End);
                            }
                        }

                        break;
                }
            }

            return null;
        }

        /// <summary>The <paramref name="branch"/> (a span from <see cref="Innermost"/>) holds <paramref name="operation"/>.</summary>
        public static bool Contains(TextSpan branch, IOperation operation)
            => branch.Contains(operation.Syntax.Span);

        /// <summary>The branch holds a <c>return</c> (or <c>yield break</c>) of the body, not of a lambda or local function in it.</summary>
        private static bool Returns(IOperation branch)
        {
            foreach (var op in branch.DescendantsAndSelf())
            {
                if (op is IReturnOperation { Kind: not OperationKind.YieldReturn } && !InFunctionBelow(op, branch))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool InFunctionBelow(IOperation operation, IOperation top)
        {
            for (var current = operation.Parent; current is not null && current != top; current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
