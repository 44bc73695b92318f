namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// Where a query goes after a given operator: the calls chained after it in the same expression (the part
    /// <see cref="QueryChainBuilder"/> does not see, since it walks backwards), and whether values produced by the query
    /// leave the method (returned, stored, passed on) or are only read locally.
    /// </summary>
    internal static class QueryFlow
    {
        private const int MaxEscapeDepth = 6;

        /// <summary>LINQ to Objects methods whose results are the source's elements (or a scalar): their use is followed, not treated as an escape.</summary>
        private static bool IsLocalSequenceOperator(OperatorKind kind)
            => QueryOperators.IsFollowedInMemory(kind)
               || kind is OperatorKind.Distinct or OperatorKind.SelectMany or OperatorKind.GroupBy or OperatorKind.ToDictionary
                   or OperatorKind.ToLookup or OperatorKind.OfType or OperatorKind.Contains;

        /// <summary>The calls chained after <paramref name="invocation"/> in the same expression, innermost first, and the outermost one (or the invocation).</summary>
        public static ImmutableArray<IInvocationOperation> ChainedAfter(IInvocationOperation invocation, out IOperation top)
        {
            var builder = ImmutableArray.CreateBuilder<IInvocationOperation>();
            IOperation current = invocation;
            while (NextInChain(ref current) is { } next)
            {
                builder.Add(next);
                current = next;
            }

            top = current;
            return builder.ToImmutable();
        }

        /// <summary>
        /// The calls of <see cref="ChainedAfter"/>, one at a time, innermost first: a rule that stops at the first call it
        /// looks for does not walk the rest of a long chain (issue 14).
        /// </summary>
        public static IEnumerable<IInvocationOperation> ChainedAfterLazily(IInvocationOperation invocation)
        {
            IOperation current = invocation;
            while (NextInChain(ref current) is { } next)
            {
                yield return next;
                current = next;
            }
        }

        /// <summary>
        /// The call chained directly after <paramref name="current"/> (an extension method taking it as <c>this</c>, or an
        /// instance method called on it), through conversions and parentheses; null at the end of the chain.
        /// <paramref name="current"/> moves up to the outermost of those conversions and parentheses.
        /// </summary>
        private static IInvocationOperation? NextInChain(ref IOperation current)
        {
            current = current.WalkUpConversions();
            var parent = current.Parent;
            if (parent is IArgumentOperation argument && argument.Parent is IInvocationOperation next
                && next.TargetMethod.IsExtensionMethod && argument.Parameter?.Ordinal == 0)
            {
                return next;
            }

            return parent is IInvocationOperation instanceCall && instanceCall.Instance == current ? instanceCall : null;
        }

        public static bool IsIncludeOperator(IMethodSymbol method)
            => (method.Name == "Include" || method.Name == "ThenInclude") && EfSymbols.IsEfExtensionMethod(method);

        /// <summary>
        /// Whether a value (an entity, or a sequence of them) can leave the method or reach code we cannot see: returned,
        /// stored in a field/property/collection, passed to a method, captured in an object. Reads of its members, null
        /// checks and LINQ to Objects over it (followed) stay local.
        /// </summary>
        public static bool Escapes(IOperation value, IOperation body, EfSymbols symbols, int depth = 0)
        {
            if (depth > MaxEscapeDepth)
            {
                return true;
            }

            var current = value;
            var parent = current.Parent;
            while (parent is IConversionOperation || parent is IParenthesizedOperation || parent is IAwaitOperation)
            {
                current = parent;
                parent = parent.Parent;
            }

            switch (parent)
            {
                case IPropertyReferenceOperation property when property.Instance == current:
                    // A member read. An entity-typed member (a navigation) is followed: passing blog.Author on is fine for blog's Include of Posts.
                    return false;

                case IFieldReferenceOperation field when field.Instance == current:
                case IBinaryOperation:
                case IIsPatternOperation:
                case IIsTypeOperation:
                case IUnaryOperation:
                case IExpressionStatementOperation:
                    return false;

                case IForEachLoopOperation forEach when forEach.Collection == current:
                    foreach (var local in forEach.Locals)
                    {
                        if (LocalEscapes(local, body, symbols, depth + 1))
                        {
                            return true;
                        }
                    }

                    return false;

                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                    return LocalEscapes(declarator.Symbol, body, symbols, depth + 1);

                case IInvocationOperation call when call.Instance == current:
                    return !IsLocalSequenceCall(call, symbols) || CallEscapes(call, body, symbols, depth);

                case IArgumentOperation { Parameter.Ordinal: 0 } argument when argument.Parent is IInvocationOperation extension
                                                                            && extension.TargetMethod.IsExtensionMethod:
                    return !IsLocalSequenceCall(extension, symbols) || CallEscapes(extension, body, symbols, depth);

                default:
                    return true;
            }
        }

        private static bool IsLocalSequenceCall(IInvocationOperation call, EfSymbols symbols)
            => symbols.IsEnumerableMethod(call.TargetMethod)
                ? IsLocalSequenceOperator(symbols.Operators.Kind(call.TargetMethod))
                : CollectionMethods.KeepElementsLocal(call.TargetMethod.Name)
                  && (symbols.IsList(call.TargetMethod.ContainingType) || call.TargetMethod.ContainingType?.SpecialType == SpecialType.System_Array);

        /// <summary>A LINQ to Objects call over the value: its lambdas' element parameters and its result must stay local too.</summary>
        private static bool CallEscapes(IInvocationOperation call, IOperation body, EfSymbols symbols, int depth)
        {
            foreach (var argument in call.Arguments)
            {
                // A method group (Select(ToDto)): the entities are passed to that method. Followed into its source body,
                // where its parameter may only be read (members, comparisons); a method without a source body is code we
                // cannot see, so the entities escape.
                if (MethodGroupTarget(argument.Value) is { } target)
                {
                    if (MethodParameterEscapes(target, symbols, depth + 1))
                    {
                        return true;
                    }

                    continue;
                }

                if (argument.Value.AsLambda() is { } lambda && lambda.Symbol.Parameters.Length > 0)
                {
                    var parameter = lambda.Symbol.Parameters[0];
                    foreach (var op in lambda.Body.Descendants())
                    {
                        if (op is IParameterReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Parameter, parameter)
                            && ParameterEscapes(reference, lambda, symbols, depth + 1))
                        {
                            return true;
                        }
                    }
                }
            }

            var resultType = call.Type;
            if (resultType is null || resultType.IsValueType || resultType.SpecialType == SpecialType.System_String)
            {
                return false;
            }

            // Only results that still hold the entities are followed: Select(b => new { b.Id }) leaves them behind.
            var source = call.GetReceiverOrThisArgument()?.WalkDownConversions().Type;
            var sourceElement = symbols.GetElementType(source);
            if (sourceElement is not null && !ContainsType(resultType, sourceElement, symbols))
            {
                return false;
            }

            return Escapes(call, body, symbols, depth + 1);
        }

        /// <summary>The method of a method-group argument (<c>Select(ToDto)</c>, <c>ForEach(Console.WriteLine)</c>), or null.</summary>
        public static IMethodSymbol? MethodGroupTarget(IOperation value)
        {
            var current = value;
            while (current is IConversionOperation or IDelegateCreationOperation or IParenthesizedOperation)
            {
                current = current switch
                {
                    IConversionOperation conversion => conversion.Operand,
                    IDelegateCreationOperation creation => creation.Target,
                    IParenthesizedOperation parenthesized => parenthesized.Operand,
                    _ => current,
                };
            }

            return current is IMethodReferenceOperation reference ? reference.Method : null;
        }

        /// <summary>
        /// Whether the entity passed as the first parameter of <paramref name="method"/> can escape there: true when the
        /// method has no source body, or when its parameter is used for anything but member reads and comparisons.
        /// </summary>
        private static bool MethodParameterEscapes(IMethodSymbol method, EfSymbols symbols, int depth)
        {
            if (depth > MaxEscapeDepth || method.Parameters.Length == 0)
            {
                return true;
            }

            var body = SourceBodies.GetBody(symbols.Compilation, method.OriginalDefinition, default);
            if (body is null)
            {
                return true;
            }

            var parameter = method.OriginalDefinition.Parameters[0];
            foreach (var op in body.Descendants())
            {
                if (op is not IParameterReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Parameter, parameter))
                {
                    continue;
                }

                var current = reference.WalkUpConversions();
                var parent = current.Parent;

                var stays = parent switch
                {
                    IPropertyReferenceOperation property => property.Instance == current,
                    IFieldReferenceOperation field => field.Instance == current,
                    IBinaryOperation or IIsPatternOperation or IIsTypeOperation => true,
                    _ => false,
                };
                if (!stays)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool ContainsType(ITypeSymbol type, ITypeSymbol element, EfSymbols symbols)
        {
            if (EfSymbols.InheritsFrom(type, element))
            {
                return true;
            }

            var inner = symbols.GetElementType(type);
            if (inner is not null && !SymbolEqualityComparer.Default.Equals(inner, type) && ContainsType(inner, element, symbols))
            {
                return true;
            }

            return type is INamedTypeSymbol { IsGenericType: true } named && named.TypeArguments.Any(t => EfSymbols.InheritsFrom(t, element));
        }

        /// <summary>A lambda parameter escapes when it is the lambda's result (Select(b => b)) or flows anywhere but a member read or comparison.</summary>
        private static bool ParameterEscapes(IParameterReferenceOperation reference, IAnonymousFunctionOperation lambda, EfSymbols symbols, int depth)
        {
            var current = reference.WalkUpConversions();
            var parent = current.Parent;

            switch (parent)
            {
                case IPropertyReferenceOperation property when property.Instance == current:
                case IFieldReferenceOperation field when field.Instance == current:
                case IBinaryOperation:
                case IIsPatternOperation:
                case IIsTypeOperation:
                    return false;
                case IReturnOperation when lambda.Symbol.ReturnType.SpecialType == SpecialType.System_Boolean:
                    return false;
                default:
                    return true;
            }
        }

        private static bool LocalEscapes(ILocalSymbol local, IOperation body, EfSymbols symbols, int depth)
        {
            // The local's references from the body's index when the body is a whole operation tree (one walk per body).
            foreach (var reference in BodyIndex.ReferencesIn(body, local))
            {
                if (SymbolEqualityComparer.Default.Equals(reference.Local, local))
                {
                    if (reference.Parent is IAssignmentOperation assignment && assignment.Target == reference)
                    {
                        // Reassigned: we no longer know what it holds.
                        return true;
                    }

                    if (Escapes(reference, body, symbols, depth))
                    {
                        return true;
                    }
                }
            }

            return false;
        }
    }
}
