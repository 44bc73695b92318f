using Microsoft.CodeAnalysis.CSharp;

namespace PerfAnalyzers.Rules.Query
{
    /// <summary>
    /// EFP307: a <c>Func&lt;T, bool&gt;</c> (local, parameter, field, property, method group or call result) passed to
    /// Where/Any/First/Count... on an EF query: C# binds Enumerable's overload and the whole query result is loaded.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class FuncPredicateOnQueryAnalyzer() : EfAnalyzer(Descriptors.EFP307_FuncPredicateOnQuery)
    {
        /// <summary>Diagnostic property: "local" or "field" when the fix may retype that declaration to Expression&lt;Func&lt;..&gt;&gt;.</summary>
        public const string FixProperty = "Fix";

        /// <summary>Enumerable methods taking a predicate that have a Queryable twin taking Expression&lt;Func&lt;T, bool&gt;&gt;.</summary>
        private static bool IsPredicateMethod(OperatorKind kind)
            => kind is OperatorKind.Where or OperatorKind.Any or OperatorKind.All or OperatorKind.Count or OperatorKind.LongCount
                or OperatorKind.First or OperatorKind.FirstOrDefault or OperatorKind.Single or OperatorKind.SingleOrDefault
                or OperatorKind.Last or OperatorKind.LastOrDefault or OperatorKind.SkipWhile or OperatorKind.TakeWhile;

        /// <summary>Calls that consume a sequence right away: after the fix they still run the (now filtered) query once.</summary>
        private static bool IsImmediateConsumer(EfCompilation ef, IMethodSymbol method)
            => (ef.Symbols.Operators.Kind(method) is var kind && (QueryOperators.MeaningOf(kind) & OperatorMeaning.Materializing) != 0)
               || kind is OperatorKind.Count or OperatorKind.LongCount or OperatorKind.Any or OperatorKind.First or OperatorKind.FirstOrDefault
                   or OperatorKind.Single or OperatorKind.SingleOrDefault or OperatorKind.Last or OperatorKind.LastOrDefault;

        private protected override void OnCompilationStart(CompilationStartAnalysisContext start, EfCompilation ef)
        {
            start.RegisterOperationAction(c => Analyze(c, ef), OperationKind.Invocation);
        }

        private static void Analyze(OperationAnalysisContext context, EfCompilation ef)
        {
            var invocation = (IInvocationOperation)context.Operation;
            if (!IsPredicateCallOnQueryable(ef, invocation, out var predicate) || invocation.IsInsideExpressionTree())
            {
                return;
            }

            var receiver = invocation.GetReceiverOrThisArgument()!;
            if (!ef.Queries.Build(receiver, context.CancellationToken).IsEfQuery)
            {
                return;
            }

            var name = Describe(predicate);
            if (name is null)
            {
                return;
            }

            var fix = FixKind(ef, predicate, context.CancellationToken);
            var properties = fix is null
                ? ImmutableDictionary<string, string?>.Empty
                : ImmutableDictionary<string, string?>.Empty.Add(FixProperty, fix);
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.EFP307_FuncPredicateOnQuery,
                invocation.GetMethodNameLocation(),
                properties,
                name,
                invocation.TargetMethod.Name));
        }

        /// <summary>Enumerable.Where(queryable, func) and its siblings: the predicate is a delegate, not a lambda.</summary>
        internal static bool IsPredicateCallOnQueryable(EfCompilation ef, IInvocationOperation invocation, out IOperation predicate)
        {
            predicate = null!;
            var method = invocation.TargetMethod;
            if (!IsPredicateMethod(ef.Symbols.Operators.Kind(method)) || !ef.Symbols.IsEnumerableMethod(method) || method.Parameters.Length < 2)
            {
                return false;
            }

            var receiver = invocation.GetReceiverOrThisArgument();
            var receiverType = receiver?.WalkDownConversions().Type;
            if (receiver is null || !(ef.Symbols.IsQueryable(receiverType) || ef.Symbols.IsDbSet(receiverType)))
            {
                return false;
            }

            var argument = invocation.GetArgumentValue(1);
            if (argument is null || argument.AsLambda() is not null || argument.Type is not INamedTypeSymbol { Name: "Func" } func
                || func.TypeArguments.Length != 2 || func.TypeArguments[1].SpecialType != SpecialType.System_Boolean)
            {
                return false; // a lambda binds to Queryable; Func<T, int, bool> (indexed) has no translation anyway
            }

            predicate = argument;
            return true;
        }

        private static string? Describe(IOperation predicate)
        {
            switch (predicate.WalkDownConversions())
            {
                case ILocalReferenceOperation local:
                    return local.Local.Name;
                case IParameterReferenceOperation parameter:
                    return parameter.Parameter.Name;
                case IFieldReferenceOperation field:
                    return field.Field.Name;
                case IPropertyReferenceOperation property:
                    return property.Property.Name;
                case IDelegateCreationOperation { Target: IMethodReferenceOperation method }:
                    return method.Method.Name;
                case IInvocationOperation call:
                    return call.TargetMethod.Name + "(...)";
                default:
                    return predicate.Syntax.ToString();
            }
        }

        /// <summary>
        /// "local"/"field" when the Func is a local or a private field declared with an explicit <c>Func&lt;T, bool&gt;</c>
        /// type and a translatable expression-bodied lambda, never reassigned, and every use of it is a predicate call on
        /// a query whose result is consumed at once (so retyping it only moves the filter into SQL).
        /// </summary>
        private static string? FixKind(EfCompilation ef, IOperation predicate, System.Threading.CancellationToken cancellationToken)
        {
            ISymbol symbol;
            switch (predicate.WalkDownConversions())
            {
                case ILocalReferenceOperation local:
                    symbol = local.Local;
                    break;
                case IFieldReferenceOperation field when field.Field.DeclaredAccessibility == Accessibility.Private:
                    symbol = field.Field;
                    break;
                default:
                    return null;
            }

            if (symbol.DeclaringSyntaxReferences.Length != 1
                || symbol.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not VariableDeclaratorSyntax declarator
                || declarator.Parent is not VariableDeclarationSyntax declaration
                || declaration.Variables.Count != 1
                || declaration.Type.IsVar
                || declarator.Initializer?.Value is not LambdaExpressionSyntax lambdaSyntax
                || !IsExpressionTreeCompatible(lambdaSyntax))
            {
                return null;
            }

            // The lambda must be translatable, and (for a local) every use must be a predicate call on a query.
            var initializer = symbol is ILocalSymbol
                ? BodyIndex.Of(predicate).Writes((ILocalSymbol)symbol).OfType<IVariableDeclaratorOperation>().FirstOrDefault()?.Initializer?.Value
                : null;
            if (symbol is ILocalSymbol)
            {
                if (initializer?.AsLambda() is not { } lambda || !Translatability.IsTranslatable(lambda))
                {
                    return null;
                }

                foreach (var reference in BodyIndex.Of(predicate).References((ILocalSymbol)symbol))
                {
                    if (!IsFixableUse(ef, reference))
                    {
                        return null;
                    }
                }

                return "local";
            }

            // Fields: the fixer checks the lambda and every reference in the containing type (it can see them all).
            return "field";
        }

        /// <summary>A use of the Func that becomes a Queryable call consumed at once after the Func turns into an Expression.</summary>
        internal static bool IsFixableUse(EfCompilation ef, IOperation reference)
        {
            if (reference.Parent is not IArgumentOperation { Parent: IInvocationOperation call } argument
                || argument.Parameter?.Ordinal != 1
                || !IsPredicateCallOnQueryable(ef, call, out _))
            {
                return false;
            }

            if (call.TargetMethod.Name is not ("Where" or "SkipWhile" or "TakeWhile"))
            {
                return true; // Any/Count/First...: a scalar or one row
            }

            // Where(...) must be consumed right away: .ToList()/.Count()... or a foreach.
            var parent = call.Parent;
            while (parent is IConversionOperation or IArgumentOperation)
            {
                if (parent is IArgumentOperation { Parent: IInvocationOperation consumer } && IsImmediateConsumer(ef, consumer.TargetMethod)
                    && consumer.GetReceiverOrThisArgument()?.WalkDownConversions() == call)
                {
                    return true;
                }

                parent = parent.Parent;
            }

            return parent is IInvocationOperation instanceConsumer && IsImmediateConsumer(ef, instanceConsumer.TargetMethod)
                   || parent is IForEachLoopOperation;
        }

        /// <summary>Constructs C# refuses in expression trees (CS8072, CS8110, CS832x...), checked on syntax.</summary>
        internal static bool IsExpressionTreeCompatible(LambdaExpressionSyntax lambda)
        {
            if (lambda.Block is not null || lambda.AsyncKeyword != default)
            {
                return false;
            }

            foreach (var node in lambda.ExpressionBody!.DescendantNodesAndSelf())
            {
                switch (node.Kind())
                {
                    case SyntaxKind.ConditionalAccessExpression:
                    case SyntaxKind.ThrowExpression:
                    case SyntaxKind.SimpleAssignmentExpression:
                    case SyntaxKind.AddAssignmentExpression:
                    case SyntaxKind.SubtractAssignmentExpression:
                    case SyntaxKind.CoalesceAssignmentExpression:
                    case SyntaxKind.PreIncrementExpression:
                    case SyntaxKind.PostIncrementExpression:
                    case SyntaxKind.PreDecrementExpression:
                    case SyntaxKind.PostDecrementExpression:
                    case SyntaxKind.SwitchExpression:
                    case SyntaxKind.IsPatternExpression:
                    case SyntaxKind.AwaitExpression:
                    case SyntaxKind.DeclarationExpression:
                    case SyntaxKind.TupleExpression:
                    case SyntaxKind.RangeExpression:
                    case SyntaxKind.IndexExpression:
                    case SyntaxKind.AnonymousMethodExpression:
                    case SyntaxKind.DefaultLiteralExpression:
                    case SyntaxKind.InterpolatedStringExpression:
                    case SyntaxKind.CollectionExpression:
                    case SyntaxKind.RefExpression:
                        return false;
                    case SyntaxKind.ParenthesizedLambdaExpression:
                    case SyntaxKind.SimpleLambdaExpression:
                        if (node != lambda && ((LambdaExpressionSyntax)node).Block is not null)
                        {
                            return false;
                        }

                        break;
                }
            }

            return true;
        }
    }
}
