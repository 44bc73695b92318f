namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// "What runs when this delegate held in a local is invoked?" <c>Func&lt;Task&gt; save = () =&gt; db.SaveChangesAsync();
    /// ... await save();</c> runs the lambda; <c>Func&lt;int, Blog&gt; find = Load; find(id)</c> runs <c>Load</c>. Answered
    /// only when every value the local is given in its method is a lambda or a method group (a delegate passed in, read
    /// from a field or returned by a call is unknown), and only for locals (a parameter's delegate comes from callers).
    /// </summary>
    internal static class DelegateTargets
    {
        /// <summary>One thing a delegate local may run: a lambda (its operation) or a method (a method group).</summary>
        internal readonly struct Target(IAnonymousFunctionOperation? lambda, IMethodSymbol? method)
        {
            public IAnonymousFunctionOperation? Lambda { get; } = lambda;

            public IMethodSymbol? Method { get; } = method;
        }

        /// <summary>The lambdas/method groups <paramref name="invocation"/> (a delegate invoke on a local) may run, and the local's name.</summary>
        public static bool TryResolve(IInvocationOperation invocation, out ImmutableArray<Target> targets, out string name)
        {
            targets = ImmutableArray<Target>.Empty;
            name = "";
            if (invocation.TargetMethod.MethodKind != MethodKind.DelegateInvoke
                || invocation.Instance?.WalkDownConversions() is not ILocalReferenceOperation reference)
            {
                return false;
            }

            var local = reference.Local;
            var builder = ImmutableArray.CreateBuilder<Target>();
            foreach (var op in reference.GetRootOperation().Descendants())
            {
                IOperation? value = null;
                switch (op)
                {
                    case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local):
                        value = declarator.GetVariableInitializer()?.Value;
                        if (value is null)
                        {
                            continue;
                        }

                        break;
                    case ISimpleAssignmentOperation assignment
                        when assignment.Target is ILocalReferenceOperation target && SymbolEqualityComparer.Default.Equals(target.Local, local):
                        value = assignment.Value;
                        break;
                    case IInvocationOperation or IArgumentOperation when IsPassedByRef(op, local):
                        return false;
                    default:
                        continue;
                }

                switch (value.WalkDownConversions())
                {
                    case IDelegateCreationOperation { Target: IAnonymousFunctionOperation lambda }:
                        builder.Add(new Target(lambda, null));
                        break;
                    case IDelegateCreationOperation { Target: IMethodReferenceOperation methodReference }:
                        builder.Add(new Target(null, methodReference.Method));
                        break;
                    case IAnonymousFunctionOperation lambda:
                        builder.Add(new Target(lambda, null));
                        break;
                    default:
                        return false;
                }
            }

            if (builder.Count == 0)
            {
                return false;
            }

            targets = builder.ToImmutable();
            name = local.Name;
            return true;
        }

        private static bool IsPassedByRef(IOperation op, ILocalSymbol local)
            => op is IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument
               && argument.Value is ILocalReferenceOperation passed && SymbolEqualityComparer.Default.Equals(passed.Local, local);
    }
}
