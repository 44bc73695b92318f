namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// Whether the entities a query materializes are only read in a method: no member written (assignment, compound
    /// assignment, ++/--, ref), no navigation collection mutated (<c>blog.Posts.Add(..)</c>), no entity passed to a method,
    /// returned, stored, captured in an object or given a new name we cannot follow; only navigations the query loads
    /// (Include, AutoInclude, owned) are read, since a no-tracking query would not fix up the others from the change tracker.
    /// Follows the local holding the result, foreach variables, indexing, LINQ to Objects lambdas and results, and
    /// navigations. Anything it cannot account for answers "not read-only": callers must not guess.
    /// </summary>
    internal sealed class ReadOnlyEntityUsage
    {
        private const int MaxDepth = 10;

        /// <summary>Enumerable methods whose lambdas and results are followed.</summary>
        private static bool IsFollowed(OperatorKind kind)
            => QueryOperators.IsFollowedInMemory(kind)
               || kind is OperatorKind.TakeWhile or OperatorKind.SkipWhile or OperatorKind.Distinct or OperatorKind.ElementAt
                   or OperatorKind.ElementAtOrDefault or OperatorKind.MinBy or OperatorKind.MaxBy or OperatorKind.Contains;

        private readonly EfSymbols _symbols;
        private readonly NavigationAccess _navigations;
        private readonly ImmutableArray<IncludePath> _includes;
        private readonly IOperation _body;
        private readonly CancellationToken _cancellationToken;
        private readonly HashSet<ILocalSymbol> _visitedLocals = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);

        private ReadOnlyEntityUsage(EfSymbols symbols, NavigationAccess navigations, ImmutableArray<IncludePath> includes, IOperation body, CancellationToken cancellationToken)
        {
            _symbols = symbols;
            _navigations = navigations;
            _includes = includes;
            _body = body;
            _cancellationToken = cancellationToken;
        }

        /// <summary>
        /// Are the entities in <paramref name="result"/> (a sequence when <paramref name="isSequence"/>, else one entity;
        /// an await of the call is followed) only read in <paramref name="body"/>? <paramref name="includes"/> are the
        /// navigation paths the query loads.
        /// </summary>
        public static bool IsOnlyRead(EfSymbols symbols, NavigationAccess navigations, ImmutableArray<IncludePath> includes, IOperation result, bool isSequence, IOperation body, CancellationToken cancellationToken)
        {
            var usage = new ReadOnlyEntityUsage(symbols, navigations, includes, body, cancellationToken);
            var value = result.AwaitedValue();
            if (value is null)
            {
                return false;
            }

            return isSequence ? usage.SequenceIsOnlyRead(value, ImmutableArray<string>.Empty, 0) : usage.EntityIsOnlyRead(value, ImmutableArray<string>.Empty, 0);
        }

        /// <summary>Is the entity held by <paramref name="local"/> (a foreach variable) only read in <paramref name="body"/>?</summary>
        public static bool IsOnlyRead(EfSymbols symbols, NavigationAccess navigations, ImmutableArray<IncludePath> includes, ILocalSymbol local, IOperation body, CancellationToken cancellationToken)
            => new ReadOnlyEntityUsage(symbols, navigations, includes, body, cancellationToken).LocalIsOnlyRead(local, isSequence: false, ImmutableArray<string>.Empty, 0);

        private static bool IsScalar(ITypeSymbol? type)
            => type is not null && (type.IsValueType || type.SpecialType == SpecialType.System_String) && type.TypeKind != TypeKind.TypeParameter;

        /// <summary>Skips conversions, parentheses and the null-conditional wrapper around a member read (<c>a?.B</c> is the B).</summary>
        private static IOperation Skip(IOperation operation, out IOperation? parent)
        {
            var current = operation;
            parent = current.Parent;
            while (parent is IConversionOperation || parent is IParenthesizedOperation
                   || (parent is IConditionalAccessOperation conditional && conditional.WhenNotNull == current))
            {
                current = parent;
                parent = parent.Parent;
            }

            return current;
        }

        private bool LocalIsOnlyRead(ILocalSymbol local, bool isSequence, ImmutableArray<string> path, int depth)
        {
            if (depth > MaxDepth || !_visitedLocals.Add(local))
            {
                return false;
            }

            foreach (var reference in BodyIndex.ReferencesIn(_body, local))
            {
                _cancellationToken.ThrowIfCancellationRequested();
                if (reference.IsDeclaration)
                {
                    continue;
                }

                if (IsWritten(reference))
                {
                    return false; // reassigned: we no longer know what it holds
                }

                if (!(isSequence ? SequenceIsOnlyRead(reference, path, depth + 1) : EntityIsOnlyRead(reference, path, depth + 1)))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>One entity (or an object reached from one): member reads, comparisons and null checks only.</summary>
        private bool EntityIsOnlyRead(IOperation value, ImmutableArray<string> path, int depth)
        {
            if (IsScalar(value.Type))
            {
                return true;
            }

            if (depth > MaxDepth)
            {
                return false;
            }

            var current = Skip(value, out var parent);
            switch (parent)
            {
                case IPropertyReferenceOperation property when property.Instance == current:
                    return !property.Property.IsIndexer && MemberIsOnlyRead(property, property.Property, property.Property.Type, path, depth);

                case IFieldReferenceOperation field when field.Instance == current:
                    return MemberIsOnlyRead(field, null, field.Field.Type, path, depth);

                case IConditionalAccessOperation conditional when conditional.Operation == current:
                    // post?.Title: the member read is on the conditional-access instance.
                    return conditional.WhenNotNull.DescendantsAndSelf().OfType<IConditionalAccessInstanceOperation>().FirstOrDefault() is { } instance
                           && EntityIsOnlyRead(instance, path, depth + 1);

                case IBinaryOperation:
                case IIsTypeOperation:
                case IExpressionStatementOperation:
                    return true;

                case IIsPatternOperation pattern:
                    return pattern.Pattern is IConstantPatternOperation or ITypePatternOperation
                           || pattern.Pattern is INegatedPatternOperation { Pattern: IConstantPatternOperation or ITypePatternOperation };

                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                    return LocalIsOnlyRead(declarator.Symbol, isSequence: false, path, depth + 1);

                default:
                    return false;
            }
        }

        /// <summary>A member of an entity: not written; a navigation must be loaded by the query, and is followed.</summary>
        private bool MemberIsOnlyRead(IOperation member, IPropertySymbol? property, ITypeSymbol type, ImmutableArray<string> path, int depth)
        {
            if (IsWritten(member))
            {
                return false;
            }

            if (IsScalar(type))
            {
                return true;
            }

            if (property is not null && _navigations.TryGetNavigation(property, out var navigation))
            {
                var loaded = path.Add(navigation.Name);
                if (!NavigationAccess.Covers(_includes, loaded) && !_navigations.Model.IsAutoIncluded(property)
                    && !_navigations.Model.IsOwned(property, navigation.TargetType))
                {
                    return false;
                }

                return navigation.IsCollection ? SequenceIsOnlyRead(member, loaded, depth + 1) : EntityIsOnlyRead(member, loaded, depth + 1);
            }

            // An owned/complex value or a primitive collection: part of the entity, so writes to it count too.
            return _symbols.IsSequenceType(type) ? SequenceIsOnlyRead(member, path, depth + 1) : EntityIsOnlyRead(member, path, depth + 1);
        }

        /// <summary>A sequence of entities: the result list, a navigation collection, LINQ to Objects over them.</summary>
        private bool SequenceIsOnlyRead(IOperation value, ImmutableArray<string> path, int depth)
        {
            if (depth > MaxDepth)
            {
                return false;
            }

            var current = Skip(value, out var parent);
            switch (parent)
            {
                case IForEachLoopOperation forEach when forEach.Collection == current:
                    return forEach.LoopControlVariable is IVariableDeclaratorOperation loopVariable
                           && LocalIsOnlyRead(loopVariable.Symbol, isSequence: false, path, depth + 1);

                case IPropertyReferenceOperation property when property.Instance == current:
                    if (IsWritten(property))
                    {
                        return false;
                    }

                    return property.Property.IsIndexer ? EntityIsOnlyRead(property, path, depth + 1) : IsScalar(property.Type);

                case IArrayElementReferenceOperation element when element.ArrayReference == current:
                    return !IsWritten(element) && EntityIsOnlyRead(element, path, depth + 1);

                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                    return LocalIsOnlyRead(declarator.Symbol, isSequence: true, path, depth + 1);

                case IInvocationOperation call when call.Instance == current:
                    return CollectionMethods.OnlyRead(call.TargetMethod.Name) && _symbols.IsList(call.TargetMethod.ContainingType)
                           && CallIsOnlyRead(call, path, depth);

                case IArgumentOperation { Parameter.Ordinal: 0 } argument when argument.Parent is IInvocationOperation extension
                                                                            && extension.TargetMethod.IsExtensionMethod:
                    return _symbols.IsEnumerableMethod(extension.TargetMethod.ReducedFrom ?? extension.TargetMethod)
                           && IsFollowed(_symbols.Operators.Kind(extension.TargetMethod))
                           && CallIsOnlyRead(extension, path, depth);

                default:
                    return false;
            }
        }

        /// <summary>A read-only call over a sequence: its lambdas only read the elements, and its result is followed.</summary>
        private bool CallIsOnlyRead(IInvocationOperation call, ImmutableArray<string> path, int depth)
        {
            var element = _symbols.GetElementType(call.GetReceiverOrThisArgument()?.WalkDownConversions().Type);
            foreach (var argument in call.Arguments)
            {
                if (argument.Parameter?.Ordinal == 0 && call.TargetMethod.IsExtensionMethod && call.Instance is null)
                {
                    continue;
                }

                if (argument.Value.AsLambda() is { } lambda)
                {
                    foreach (var op in lambda.Body.Descendants())
                    {
                        if (op is IParameterReferenceOperation reference && lambda.Symbol.Parameters.Contains(reference.Parameter, SymbolEqualityComparer.Default)
                            && !EntityIsOnlyRead(reference, path, depth + 1))
                        {
                            return false;
                        }
                    }
                }
                else if (argument.Value.Type?.TypeKind == TypeKind.Delegate)
                {
                    return false; // a method group or delegate receives the entities
                }
            }

            var result = call.Type;
            if (result is null || element is null)
            {
                return false;
            }

            if (result.SpecialType == SpecialType.System_Void || IsScalar(result))
            {
                return true;
            }

            if (SymbolEqualityComparer.Default.Equals(result, element))
            {
                return EntityIsOnlyRead(call, path, depth + 1);
            }

            if (_symbols.IsSequenceType(result) && SymbolEqualityComparer.Default.Equals(_symbols.GetElementType(result), element))
            {
                return SequenceIsOnlyRead(call, path, depth + 1);
            }

            // Anything else holding the entities (a dictionary, groups) is not followed; a projection's lambdas could not
            // return them (a returned entity is not a read), so its results hold none.
            return !Mentions(result, element, 0);
        }

        private static bool Mentions(ITypeSymbol type, ITypeSymbol element, int depth)
        {
            if (depth > 4 || EfSymbols.InheritsFrom(type, element) || type.SpecialType == SpecialType.System_Object)
            {
                return true;
            }

            return type switch
            {
                IArrayTypeSymbol array => Mentions(array.ElementType, element, depth + 1),
                INamedTypeSymbol named => named.TypeArguments.Any(t => Mentions(t, element, depth + 1)),
                _ => false,
            };
        }

        private static bool IsWritten(IOperation reference)
        {
            var current = reference;
            var parent = current.Parent;
            while (parent is IParenthesizedOperation || parent is ITupleOperation)
            {
                current = parent;
                parent = parent.Parent;
            }

            return parent switch
            {
                IAssignmentOperation assignment => assignment.Target == current, // also (a.X, b) = ..., through the tuple
                IIncrementOrDecrementOperation => true,
                IArgumentOperation argument => argument.Parameter is { RefKind: not RefKind.None and not RefKind.In },
                _ => false,
            };
        }
    }
}
