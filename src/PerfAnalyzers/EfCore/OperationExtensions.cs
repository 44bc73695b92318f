namespace PerfAnalyzers.EfCore
{
    internal static class OperationExtensions
    {
        /// <summary>What <paramref name="operation"/> writes, conversions skipped: an assignment's target, an increment's, the value of a <c>ref</c>/<c>out</c> argument; else null.</summary>
        public static IOperation? WrittenTarget(this IOperation operation)
        {
            var target = operation switch
            {
                IAssignmentOperation assignment => assignment.Target,
                IIncrementOrDecrementOperation increment => increment.Target,
                IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument => argument.Value,
                _ => null,
            };

            return target?.WalkDownConversions();
        }

        /// <summary>
        /// The operand <paramref name="condition"/> proves non-null when it evaluates to <paramref name="value"/>, conversions
        /// skipped: <c>x != null</c>, <c>null != x</c>, <c>x is not null</c>, <c>x is { }</c>/<c>x is T</c>/<c>x is T t</c> when
        /// true; <c>x == null</c>, <c>x is null</c> when false; through <c>!</c>. Else null.
        /// </summary>
        public static IOperation? NonNullWhen(this IOperation condition, bool value)
        {
            condition = condition.WalkDownConversions();
            IOperation? tested = condition switch
            {
                IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not => not.Operand.NonNullWhen(!value),
                IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } comparison
                    when (comparison.OperatorKind == BinaryOperatorKind.NotEquals) == value
                    => IsNullConstant(comparison.RightOperand) ? comparison.LeftOperand : IsNullConstant(comparison.LeftOperand) ? comparison.RightOperand : null,
                IIsPatternOperation { Pattern: IConstantPatternOperation { Value: var constant } } isNull when !value && IsNullConstant(constant) => isNull.Value,
                IIsPatternOperation { Pattern: INegatedPatternOperation { Pattern: IConstantPatternOperation { Value: var constant } } } isNotNull
                    when value && IsNullConstant(constant) => isNotNull.Value,
                IIsPatternOperation { Pattern: IRecursivePatternOperation or ITypePatternOperation or IDeclarationPatternOperation } isSomething when value => isSomething.Value,
                _ => null,
            };

            return tested?.WalkDownConversions();
        }

        /// <summary>The constant <c>null</c>, conversions skipped.</summary>
        public static bool IsNullConstant(this IOperation value) => value.WalkDownConversions().ConstantValue is { HasValue: true, Value: null };

        /// <summary>Skips implicit/explicit conversions and parentheses.</summary>
        public static IOperation WalkDownConversions(this IOperation operation)
        {
            var current = operation;
            while (true)
            {
                switch (current)
                {
                    case IConversionOperation conversion:
                        current = conversion.Operand;
                        continue;
                    case IParenthesizedOperation parenthesized:
                        current = parenthesized.Operand;
                        continue;
                    default:
                        return current;
                }
            }
        }

        /// <summary>
        /// The outermost of the conversions and parentheses around <paramref name="operation"/> (the operation itself when
        /// there are none): its <c>Parent</c> is what uses the value. The upward counterpart of <see cref="WalkDownConversions"/>.
        /// </summary>
        public static IOperation WalkUpConversions(this IOperation operation)
        {
            while (operation.Parent is IConversionOperation or IParenthesizedOperation)
            {
                operation = operation.Parent;
            }

            return operation;
        }

        /// <summary>
        /// Code that does not bind: an <see cref="IInvalidOperation"/> (a call overload resolution could not pick, for which
        /// Roslyn keeps only candidate symbols; a member that does not exist) or a value of an error type (a missing
        /// reference, half-typed code). Such code is never a query, a round trip, a DbContext or a loop: unbound code
        /// can only hide findings, never invent one. Conversions and parentheses are looked through.
        /// </summary>
        public static bool IsUnbound(this IOperation? operation)
        {
            var op = operation?.WalkDownConversions();
            return op is IInvalidOperation || op?.Type is { TypeKind: TypeKind.Error };
        }

        /// <summary>
        /// An argument of the call (the receiver of an extension method aside) does not bind
        /// (<see cref="IsUnbound"/>): the overload picked may not be the one the code means.
        /// </summary>
        public static bool HasUnboundArgument(this IInvocationOperation invocation)
        {
            foreach (var argument in invocation.Arguments)
            {
                var value = argument.Value;
                if (argument.ArgumentKind == ArgumentKind.ParamArray && value is IArrayCreationOperation { Initializer: { } initializer })
                {
                    foreach (var element in initializer.ElementValues)
                    {
                        if (element.IsUnbound())
                        {
                            return true;
                        }
                    }

                    continue;
                }

                if (value.IsUnbound())
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The receiver of an instance call, or the first argument of an extension method call.</summary>
        public static IOperation? GetReceiverOrThisArgument(this IInvocationOperation invocation)
        {
            if (invocation.Instance is not null)
            {
                return invocation.Instance;
            }

            if (invocation.TargetMethod.IsExtensionMethod && invocation.Arguments.Length > 0)
            {
                return GetArgumentValue(invocation, 0);
            }

            return null;
        }

        /// <summary>The argument bound to parameter <paramref name="ordinal"/> (arguments may be reordered by name).</summary>
        public static IOperation? GetArgumentValue(this IInvocationOperation invocation, int ordinal)
        {
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter?.Ordinal == ordinal)
                {
                    return argument.Value;
                }
            }

            return null;
        }

        /// <summary>The lambda passed as an argument (through delegate creation and conversions), if any.</summary>
        public static IAnonymousFunctionOperation? AsLambda(this IOperation? operation)
        {
            var current = operation?.WalkDownConversions();
            if (current is IDelegateCreationOperation creation)
            {
                current = creation.Target.WalkDownConversions();
            }

            return current as IAnonymousFunctionOperation;
        }

        /// <summary>
        /// True when the operation sits inside a lambda converted to an <c>Expression&lt;T&gt;</c>:
        /// that code is translated (to SQL, for EF), never executed on the client.
        /// </summary>
        public static bool IsInsideExpressionTree(this IOperation operation)
        {
            for (var current = operation.Parent; current is not null; current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation lambda)
                {
                    if (IsExpressionTreeLambda(lambda))
                    {
                        return true;
                    }
                }
                else if (current is IMethodBodyBaseOperation || current is ILocalFunctionOperation)
                {
                    return false;
                }
            }

            return false;
        }

        public static bool IsExpressionTreeLambda(IAnonymousFunctionOperation lambda)
        {
            // A lambda converted to Expression<T> is wrapped in a conversion whose type is the expression type.
            var parent = lambda.Parent;
            if (parent is IDelegateCreationOperation)
            {
                parent = parent.Parent;
            }

            return parent is IConversionOperation conversion
                   && conversion.Type is INamedTypeSymbol type
                   && type.Name == "Expression"
                   && type.ContainingNamespace?.ToDisplayString() == "System.Linq.Expressions";
        }

        /// <summary>
        /// The value a call produces for the code around it: through conversions, <c>await</c> and <c>ConfigureAwait</c>
        /// (<c>await q.ToListAsync(ct).ConfigureAwait(false)</c> is the list). Null when a task is left un-awaited
        /// (returned, stored, <c>.Result</c>).
        /// </summary>
        public static IOperation? AwaitedValue(this IOperation call)
        {
            var current = call;
            while (true)
            {
                var parent = current.Parent;
                if (parent is IConversionOperation || parent is IParenthesizedOperation || parent is IAwaitOperation
                    || (parent is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configureAwait && configureAwait.Instance == current))
                {
                    current = parent;
                    continue;
                }

                break;
            }

            return current.Type is { Name: "Task" or "ValueTask" or "ConfiguredTaskAwaitable" or "ConfiguredValueTaskAwaitable" } ? null : current;
        }

        /// <summary>
        /// The task under an <c>await</c> (<c>await q.ToListAsync()</c>, <c>await q.ToListAsync().ConfigureAwait(false)</c>:
        /// the <c>ToListAsync</c> call), through conversions: the downward counterpart of <see cref="AwaitedValue"/>. One
        /// <c>await</c> and one <c>ConfigureAwait</c> at most; a value that is not awaited is returned as it is (through
        /// conversions), with <paramref name="isAwaited"/> false.
        /// </summary>
        public static IOperation WalkDownAwait(this IOperation value, out bool isAwaited, out bool configureAwait)
        {
            var op = value.WalkDownConversions();
            isAwaited = false;
            configureAwait = false;
            if (op is IAwaitOperation awaited)
            {
                isAwaited = true;
                op = awaited.Operation.WalkDownConversions();
                if (op is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } task })
                {
                    configureAwait = true;
                    op = task.WalkDownConversions();
                }
            }

            return op;
        }

        /// <summary>
        /// What a value is made of under any number of conversions, <c>await</c>s and <c>ConfigureAwait(..)</c> calls (a
        /// <c>ConfigureAwait</c> with no <c>await</c> too): <c>await GetServiceAsync().ConfigureAwait(false)</c> is the
        /// <c>GetServiceAsync</c> call.
        /// </summary>
        public static IOperation WalkDownAwaits(this IOperation value)
        {
            while (true)
            {
                value = value.WalkDownConversions();
                switch (value)
                {
                    case IAwaitOperation awaited:
                        value = awaited.Operation;
                        continue;
                    case IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } awaitable }:
                        value = awaitable;
                        continue;
                    default:
                        return value;
                }
            }
        }

        /// <summary>The location of the invoked method's name (the smallest meaningful span of a call).</summary>
        public static Location GetMethodNameLocation(this IInvocationOperation invocation)
        {
            if (invocation.Syntax is InvocationExpressionSyntax syntax)
            {
                switch (syntax.Expression)
                {
                    case MemberAccessExpressionSyntax member:
                        return member.Name.GetLocation();
                    case MemberBindingExpressionSyntax binding:
                        return binding.Name.GetLocation();
                    case SimpleNameSyntax name:
                        return name.GetLocation();
                }
            }

            return invocation.Syntax.GetLocation();
        }

        /// <summary>The outermost operation of the executable body that contains this operation.</summary>
        public static IOperation GetRootOperation(this IOperation operation)
        {
            var current = operation;
            while (current.Parent is not null)
            {
                current = current.Parent;
            }

            return current;
        }

        /// <summary>The statement (a direct child of a block or switch section) that contains the operation.</summary>
        public static IOperation? GetContainingStatement(this IOperation operation)
        {
            for (var current = operation; current is not null; current = current.Parent)
            {
                if (current.Parent is IBlockOperation || current.Parent is ISwitchCaseOperation)
                {
                    return current;
                }
            }

            return null;
        }

        public static bool IsDescendantOf(this IOperation operation, IOperation ancestor)
        {
            for (var current = operation; current is not null; current = current.Parent)
            {
                if (current == ancestor)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
