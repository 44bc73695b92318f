namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// Which scalar members of materialized entities a method reads, when the entities themselves stay inside the method:
    /// never returned, stored, passed to a method, modified or tracked on. Follows the local that holds the result, foreach
    /// variables over it, indexing/First on it and LINQ to Objects lambdas over it. Anything it cannot account for makes the
    /// whole analysis fail (<see cref="TryCollect"/> returns false): the callers must not guess.
    /// </summary>
    internal sealed class EntityMemberUsage
    {
        private const int MaxDepth = 8;

        /// <summary>LINQ to Objects methods whose lambdas and results are followed. Distinct/Contains/GroupBy(e => e)... compare entities by reference and are not here.</summary>
        private static bool IsFollowed(OperatorKind kind)
            => QueryOperators.IsFollowedInMemory(kind)
               || kind is OperatorKind.ToDictionary or OperatorKind.TakeWhile or OperatorKind.SkipWhile or OperatorKind.ElementAt
                   or OperatorKind.ElementAtOrDefault;

        private readonly EfSymbols _symbols;
        private readonly ITypeSymbol _entityType;
        private readonly IOperation _body;
        private readonly CancellationToken _cancellationToken;
        private readonly HashSet<ILocalSymbol> _visitedLocals = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);

        private EntityMemberUsage(EfSymbols symbols, ITypeSymbol entityType, IOperation body, CancellationToken cancellationToken)
        {
            _symbols = symbols;
            _entityType = entityType;
            _body = body;
            _cancellationToken = cancellationToken;
        }

        /// <summary>The scalar properties read, in first-read order.</summary>
        public List<IPropertySymbol> Members { get; } = new List<IPropertySymbol>();

        /// <summary>False when some declaration names the entity type explicitly (List&lt;Post&gt; list, foreach (Post p ...), (Post p) =&gt;): an anonymous type would not fit there.</summary>
        public bool AllDeclarationsImplicit { get; private set; } = true;

        /// <summary>
        /// Follows <paramref name="local"/> (holding a sequence of entities when <paramref name="isSequence"/>, else one entity)
        /// through <paramref name="body"/>. Returns null when any use is not a plain member read.
        /// </summary>
        public static EntityMemberUsage? TryCollect(EfSymbols symbols, ITypeSymbol entityType, ILocalSymbol local, bool isSequence, IOperation body, CancellationToken cancellationToken)
        {
            var usage = new EntityMemberUsage(symbols, entityType, body, cancellationToken);
            return usage.LocalStaysLocal(local, isSequence, 0) ? usage : null;
        }

        private bool LocalStaysLocal(ILocalSymbol local, bool isSequence, int depth)
        {
            if (depth > MaxDepth || !_visitedLocals.Add(local))
            {
                return false;
            }

            if (!IsImplicitlyTyped(local))
            {
                AllDeclarationsImplicit = false;
            }

            foreach (var reference in BodyIndex.ReferencesIn(_body, local))
            {
                _cancellationToken.ThrowIfCancellationRequested();
                {
                    if (reference.IsDeclaration)
                    {
                        continue;
                    }

                    if (!(isSequence ? SequenceStaysLocal(reference, depth) : EntityStaysLocal(reference, depth)))
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        private static bool IsImplicitlyTyped(ILocalSymbol local)
        {
            foreach (var reference in local.DeclaringSyntaxReferences)
            {
                var syntax = reference.GetSyntax();
                TypeSyntax? type = syntax switch
                {
                    VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax declaration } => declaration.Type,
                    ForEachStatementSyntax forEach => forEach.Type,
                    SingleVariableDesignationSyntax => null,
                    _ => null,
                };

                if (type is null || !type.IsVar)
                {
                    return false;
                }
            }

            return true;
        }

        private static IOperation SkipConversions(IOperation operation, out IOperation? parent)
        {
            var current = operation;
            parent = current.Parent;
            while (parent is IConversionOperation || parent is IParenthesizedOperation || parent is IAwaitOperation)
            {
                current = parent;
                parent = parent.Parent;
            }

            return current;
        }

        /// <summary>A value that is a sequence of entities (the result list, or Where/OrderBy over it).</summary>
        private bool SequenceStaysLocal(IOperation value, int depth)
        {
            if (depth > MaxDepth)
            {
                return false;
            }

            var current = SkipConversions(value, out var parent);
            switch (parent)
            {
                case IForEachLoopOperation forEach when forEach.Collection == current:
                    if (forEach.LoopControlVariable is not IVariableDeclaratorOperation loopVariable)
                    {
                        return false;
                    }

                    return LocalStaysLocal(loopVariable.Symbol, isSequence: false, depth + 1);

                case IPropertyReferenceOperation property when property.Instance == current:
                    if (property.Property.IsIndexer)
                    {
                        return !IsWritten(property) && EntityStaysLocal(property, depth + 1);
                    }

                    return property.Property.Name == "Count" || property.Property.Name == "Length";

                case IArrayElementReferenceOperation element when element.ArrayReference == current:
                    return !IsWritten(element) && EntityStaysLocal(element, depth + 1);

                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                    return LocalStaysLocal(declarator.Symbol, isSequence: true, depth + 1);

                case IInvocationOperation call when call.Instance == current:
                    return SequenceCallStaysLocal(call, depth);

                case IArgumentOperation { Parameter.Ordinal: 0 } argument when argument.Parent is IInvocationOperation extension
                                                                            && extension.TargetMethod.IsExtensionMethod:
                    return SequenceCallStaysLocal(extension, depth);

                default:
                    return false;
            }
        }

        private bool SequenceCallStaysLocal(IInvocationOperation call, int depth)
        {
            var method = call.TargetMethod;
            if (!_symbols.IsEnumerableMethod(method.ReducedFrom ?? method) || !IsFollowed(_symbols.Operators.Kind(method)))
            {
                return false;
            }

            foreach (var argument in call.Arguments)
            {
                if (argument.Parameter?.Ordinal == 0 && method.IsExtensionMethod)
                {
                    continue;
                }

                if (argument.Value.AsLambda() is { } lambda)
                {
                    if (!LambdaStaysLocal(lambda, depth + 1))
                    {
                        return false;
                    }
                }
                else if (argument.Value.Type is { } argumentType && Mentions(argumentType))
                {
                    return false;
                }
            }

            return ResultStaysLocal(call, depth);
        }

        private bool ResultStaysLocal(IOperation result, int depth)
        {
            var type = result.Type;
            if (type is null)
            {
                return false;
            }

            if (SymbolEqualityComparer.Default.Equals(type, _entityType))
            {
                return EntityStaysLocal(result, depth + 1);
            }

            if (!Mentions(type))
            {
                return true;
            }

            var element = _symbols.GetElementType(type);
            if (element is not null && SymbolEqualityComparer.Default.Equals(element, _entityType)
                && type is INamedTypeSymbol or IArrayTypeSymbol)
            {
                return SequenceStaysLocal(result, depth + 1);
            }

            return false;
        }

        private bool LambdaStaysLocal(IAnonymousFunctionOperation lambda, int depth)
        {
            if (lambda.Symbol.Parameters.Length == 0)
            {
                return true;
            }

            var parameter = lambda.Symbol.Parameters[0];
            if (!SymbolEqualityComparer.Default.Equals(parameter.Type, _entityType))
            {
                return !Mentions(parameter.Type);
            }

            if (lambda.Syntax is ParenthesizedLambdaExpressionSyntax parenthesized
                && parenthesized.ParameterList.Parameters.Any(p => p.Type is not null))
            {
                AllDeclarationsImplicit = false;
            }

            foreach (var op in lambda.Body.Descendants())
            {
                if (op is IParameterReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Parameter, parameter)
                    && !EntityStaysLocal(reference, depth))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>A value that is one entity: only scalar member reads and null checks are allowed.</summary>
        private bool EntityStaysLocal(IOperation value, int depth)
        {
            if (depth > MaxDepth)
            {
                return false;
            }

            var current = SkipConversions(value, out var parent);
            switch (parent)
            {
                case IPropertyReferenceOperation property when property.Instance == current:
                    return ReadsScalar(property);

                case IConditionalAccessOperation conditional when conditional.Operation == current:
                    return conditional.WhenNotNull is IPropertyReferenceOperation { Instance: IConditionalAccessInstanceOperation } whenNotNull
                           && ReadsScalar(whenNotNull);

                case IBinaryOperation binary when binary.OperatorMethod is null
                                                  && (binary.OperatorKind == BinaryOperatorKind.Equals || binary.OperatorKind == BinaryOperatorKind.NotEquals):
                    var other = binary.LeftOperand == current ? binary.RightOperand : binary.LeftOperand;
                    return other.WalkDownConversions().ConstantValue is { HasValue: true, Value: null };

                case IIsPatternOperation { Pattern: IConstantPatternOperation constant }:
                    return constant.Value.WalkDownConversions().ConstantValue is { HasValue: true, Value: null };

                case IIsPatternOperation { Pattern: INegatedPatternOperation { Pattern: IConstantPatternOperation negated } }:
                    return negated.Value.WalkDownConversions().ConstantValue is { HasValue: true, Value: null };

                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                    return LocalStaysLocal(declarator.Symbol, isSequence: false, depth + 1);

                default:
                    return false;
            }
        }

        /// <summary>A read (not a write, not by ref) of a mapped scalar property: a settable property of a value type, string or byte[].</summary>
        private bool ReadsScalar(IPropertyReferenceOperation property)
        {
            var symbol = property.Property;
            if (symbol.IsIndexer || symbol.IsStatic || IsWritten(property) || !IsMappedScalar(symbol))
            {
                return false;
            }

            if (!Members.Any(m => m.Name == symbol.Name))
            {
                Members.Add(symbol);
            }

            return true;
        }

        /// <summary>Settable, not [NotMapped], of a scalar type: what EF maps to a column (computed C# getters are not).</summary>
        public static bool IsMappedScalar(IPropertySymbol symbol)
        {
            if (symbol.SetMethod is null || symbol.GetMethod is null || symbol.IsIndexer || symbol.IsStatic
                || symbol.DeclaredAccessibility != Accessibility.Public
                || symbol.GetAttributes().Any(a => a.AttributeClass?.Name == "NotMappedAttribute"))
            {
                return false;
            }

            var type = symbol.Type;
            if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
            {
                type = nullable.TypeArguments[0];
            }

            return type.SpecialType == SpecialType.System_String
                   || type.TypeKind == TypeKind.Enum
                   || (type.IsValueType && (type.SpecialType != SpecialType.None || IsWellKnownScalarStruct(type)))
                   || (type is IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_Byte });
        }

        private static bool IsWellKnownScalarStruct(ITypeSymbol type)
            => type.ContainingNamespace?.ToDisplayString() == "System"
               && (type.Name == "DateTime" || type.Name == "DateTimeOffset" || type.Name == "TimeSpan" || type.Name == "Guid"
                   || type.Name == "DateOnly" || type.Name == "TimeOnly" || type.Name == "Decimal");

        private static bool IsWritten(IOperation reference)
        {
            var current = reference;
            var parent = current.Parent;
            while (parent is IParenthesizedOperation)
            {
                current = parent;
                parent = parent.Parent;
            }

            return parent switch
            {
                IAssignmentOperation assignment => assignment.Target == current,
                IIncrementOrDecrementOperation => true,
                IArgumentOperation argument => argument.Parameter is { RefKind: not RefKind.None and not RefKind.In },
                _ => false,
            };
        }

        /// <summary>Whether a type is, or is built from, the entity type (List&lt;Post&gt;, Dictionary&lt;int, Post&gt;, Post[]).</summary>
        private bool Mentions(ITypeSymbol type, int depth = 0)
        {
            if (depth > 4)
            {
                return true;
            }

            if (EfSymbols.InheritsFrom(type, _entityType) || type.SpecialType == SpecialType.System_Object)
            {
                return true;
            }

            return type switch
            {
                IArrayTypeSymbol array => Mentions(array.ElementType, depth + 1),
                INamedTypeSymbol named => named.TypeArguments.Any(t => Mentions(t, depth + 1))
                                          || (named.IsAnonymousType && named.GetMembers().OfType<IPropertySymbol>().Any(p => Mentions(p.Type, depth + 1))),
                _ => false,
            };
        }
    }
}
