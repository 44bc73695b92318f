using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace PerfAnalyzers.EfCore
{
    /// <summary>Options shared by the N+1 rules (EFP101, EFP104), read from .editorconfig.</summary>
    internal readonly struct NPlusOneOptions
    {
        public NPlusOneOptions(bool reportConstantCollections, bool reportSeedingCode)
        {
            ReportConstantCollections = reportConstantCollections;
            ReportSeedingCode = reportSeedingCode;
        }

        /// <summary>Report loops over collection literals (<c>new[] { a, b }</c>, <c>Enum.GetValues</c>): off by default.</summary>
        public bool ReportConstantCollections { get; }

        /// <summary>Report loops in setup code (<see cref="SetupCode"/>: seeding, migrations, installation, start-up): off by default.</summary>
        public bool ReportSeedingCode { get; }

        public static NPlusOneOptions Read(AnalyzerOptions options, SyntaxTree tree, string ruleId)
        {
            var config = options.AnalyzerConfigOptionsProvider.GetOptions(tree);
            return new NPlusOneOptions(
                ReadBool(config, ruleId, "report_constant_collections"),
                ReadBool(config, ruleId, SetupCode.ReportOptionName));
        }

        private static bool ReadBool(AnalyzerConfigOptions config, string ruleId, string name)
        {
            if (config.TryGetValue("dotnet_code_quality." + ruleId + "." + name, out var value)
                || config.TryGetValue("dotnet_code_quality." + name, out value))
            {
                return string.Equals(value?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
            }

            return false;
        }
    }

    /// <summary>
    /// Whether an operation inside a loop really repeats per element of data (an N+1), as opposed to the loops real
    /// applications write on purpose: retries, error handling, batches and pages, polling/background loops, loop
    /// conditions, loops over a fixed set of values written in the code, and setup code (<see cref="SetupCode"/>).
    /// </summary>
    internal static class NPlusOneLoops
    {
        public static bool RepeatsPerElement(EfCompilation ef, IOperation operation, LoopPlacement placement, NPlusOneOptions options)
        {
            if (!placement.RunsPerIteration)
            {
                return false;
            }

            var loop = placement.Loop;
            if (IsInLoopCondition(operation, loop.Loop) || IsPollingLoop(loop))
            {
                return false;
            }

            if (!options.ReportConstantCollections && (IsConstantCollection(loop.Source) || HasConstantBound(loop.Loop)))
            {
                return false;
            }

            if (!options.ReportSeedingCode && SetupCode.IsSetupCode(ef, operation))
            {
                return false;
            }

            return !IsSearchLoop(operation, loop) && !IsBatchLoop(ef, loop);
        }

        /// <summary>
        /// The loop works in batches: it iterates chunks, or a query in its body loads a page or a key set (Skip/Take,
        /// Contains) — unless that query filters by the loop element's own key (<c>Take(3)</c> of each blog's posts is
        /// still one query per blog).
        /// </summary>
        public static bool IsBatchLoop(EfCompilation ef, EnclosingLoop loop)
        {
            if (loop.Loop is IForEachLoopOperation forEach && ef.Symbols.IsSequenceType(ef.Symbols.GetElementType(forEach.Collection.WalkDownConversions().Type)))
            {
                return true;
            }

            foreach (var op in loop.Body.Descendants())
            {
                if (op is IInvocationOperation invocation && ef.TryGetRoundTrip(invocation, out var roundTrip)
                    && IsBatchRoundTrip(roundTrip, loop))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>A page or key-set query (<see cref="LoopAnalysis.IsBatchQuery"/>) that does not filter by the loop element's key.</summary>
        public static bool IsBatchRoundTrip(RoundTrip roundTrip, EnclosingLoop loop)
            => LoopAnalysis.IsBatchQuery(roundTrip.Query) && LoopKeyFilters.Find(roundTrip, loop) is null;

        /// <summary>
        /// A search: the loop is left as soon as the round trip finds (or does not find) something —
        /// <c>if (await q.AnyAsync(..)) return x;</c>, or <c>var b = q.FirstOrDefault(..); if (b != null) return b;</c>.
        /// Such loops (unique-name probes, fallbacks, first match) usually stop after one or two round trips.
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

            // var x = <round trip>; if (<uses x>) <leave the loop>
            var statement = operation.GetContainingStatement();
            if (statement is IVariableDeclarationGroupOperation declaration && statement.Parent is IBlockOperation block)
            {
                var locals = declaration.Declarations.SelectMany(d => d.Declarators).Select(d => (ISymbol)d.Symbol).ToList();
                var index = block.Operations.IndexOf(statement);
                if (index + 1 < block.Operations.Length && block.Operations[index + 1] is IConditionalOperation next
                    && next.Condition.DescendantsAndSelf().OfType<ILocalReferenceOperation>().Any(l => locals.Contains(l.Local, SymbolEqualityComparer.Default))
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
        /// A while/do loop that waits between passes (<c>Task.Delay</c>, <c>Thread.Sleep</c>, <c>PeriodicTimer</c>) or runs
        /// until cancellation (<c>while (!ct.IsCancellationRequested)</c>): a background job, one pass per tick.
        /// </summary>
        private static bool IsPollingLoop(EnclosingLoop loop)
        {
            if (loop.Kind != LoopKind.While && loop.Kind != LoopKind.DoWhile)
            {
                return false;
            }

            if (loop.Loop is IWhileLoopOperation { Condition: { } condition }
                && condition.DescendantsAndSelf().OfType<IPropertyReferenceOperation>().Any(p => p.Property.Name == "IsCancellationRequested"))
            {
                return true;
            }

            foreach (var op in loop.Body.Descendants())
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
    }
}
