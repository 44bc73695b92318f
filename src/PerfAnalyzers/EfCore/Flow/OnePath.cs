namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// Do two operations of one body both run, once each, on one path? (EFP310 asks it of two runs of a query; any rule
    /// that compares two points of a method can.) Read from the operation tree: loops, lambdas, local functions, catch
    /// blocks, exclusive branches and branches that leave.
    /// </summary>
    internal static class OnePath
    {
        /// <summary>
        /// Both runs execute, once each, on one path: not in a loop (EFP101's finding), not in a lambda or local function the
        /// other is not in (it runs later, or never), not in exclusive branches (if/else, switch arms), not in a catch (a
        /// retry), and the first not in a branch that leaves (<c>if (..) return q.ToList();</c>).
        /// </summary>
        public static bool BothRunOnce(EfCompilation ef, IOperation first, IOperation second)
        {
            var ancestors = new HashSet<IOperation>();
            for (var current = first; current is not null; current = current.Parent)
            {
                ancestors.Add(current);
            }

            IOperation? common = null;
            IOperation secondChild = second;
            for (var current = second.Parent; current is not null; secondChild = current, current = current.Parent)
            {
                if (ancestors.Contains(current))
                {
                    common = current;
                    break;
                }
            }

            IOperation firstChild = first;
            for (var current = first; current.Parent is not null && current.Parent != common; current = current.Parent)
            {
                firstChild = current.Parent;
            }

            if (common is null
                || !PathRunsOnce(second, common, leavesIsExclusive: false)
                || !PathRunsOnce(first, common, leavesIsExclusive: true)
                || ef.Loops.FindEnclosingLoop(first) is not null
                || ef.Loops.FindEnclosingLoop(second) is not null)
            {
                return false;
            }

            // Exclusive arms of the statement both sit in.
            switch (common)
            {
                case IConditionalOperation conditional when firstChild != conditional.Condition && secondChild != conditional.Condition:
                    return false;
                case ISwitchOperation when firstChild != secondChild:
                    return false;
                case ISwitchExpressionOperation switchExpression when firstChild != switchExpression.Value && secondChild != switchExpression.Value:
                    return false;
                case ICoalesceOperation:
                case IConditionalAccessOperation:
                    return false; // 'a ?? q.ToList()': the second runs only when the first did not give a value
                case ITryOperation:
                    return false; // one in the try, the other in a catch or finally
            }

            return true;
        }

        /// <summary>
        /// No lambda, local function or catch between <paramref name="run"/> and <paramref name="common"/>; for the first run
        /// (<paramref name="leavesIsExclusive"/>), no branch around it that leaves the method or the block.
        /// </summary>
        private static bool PathRunsOnce(IOperation run, IOperation common, bool leavesIsExclusive)
        {
            IOperation child = run;
            for (var current = run.Parent; current is not null && current != common; child = current, current = current.Parent)
            {
                switch (current)
                {
                    case ILoopOperation loop when !(loop is IForEachLoopOperation forEach && child == forEach.Collection):
                    case IAnonymousFunctionOperation:
                    case ILocalFunctionOperation:
                    case ICatchClauseOperation:
                        return false;
                    case IConditionalOperation conditional when leavesIsExclusive && child != conditional.Condition && Leaves(child):
                    case ISwitchCaseOperation when leavesIsExclusive && Leaves(current):
                        return false;
                }
            }

            return true;
        }

        /// <summary>The branch holds a return, throw, break, continue or goto: code after the branch may run only without it.</summary>
        private static bool Leaves(IOperation branch)
        {
            foreach (var op in branch.DescendantsAndSelf())
            {
                if (op is IReturnOperation or IThrowOperation or IBranchOperation)
                {
                    if (!op.Syntax.Ancestors().Any(a => a is Microsoft.CodeAnalysis.CSharp.Syntax.AnonymousFunctionExpressionSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.LocalFunctionStatementSyntax))
                    {
                        return true;
                    }
                }
            }

            return false;
        }
    }
}
