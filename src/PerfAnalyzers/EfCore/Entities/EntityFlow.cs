namespace PerfAnalyzers.EfCore
{
    /// <summary>What a value in an <see cref="EntityFlow"/> walk holds: one entity, or a sequence of them.</summary>
    internal enum FlowShape
    {
        Entity,
        Sequence,
    }

    /// <summary>What becomes of the result of a followed call over a sequence (<see cref="EntityQuestion.Result"/>).</summary>
    internal enum ResultFlow
    {
        /// <summary>The result holds no entity: the walk ends here, answered.</summary>
        Stays,

        /// <summary>The result holds the entities in a way the question does not follow: the walk fails.</summary>
        Lost,

        /// <summary>The result is one of the entities: followed.</summary>
        Entity,

        /// <summary>The result is a sequence of the entities: followed.</summary>
        Sequence,
    }

    /// <summary>
    /// A question asked of every use an <see cref="EntityFlow"/> walk meets (the visitor): whether the use keeps the
    /// answer. The walk itself (locals, foreach variables, indexing, the LINQ to Objects operators and <c>List&lt;T&gt;</c>
    /// methods it follows, their lambdas and results) is the same for every question.
    /// </summary>
    internal abstract class EntityQuestion(int maxDepth)
    {
        /// <summary>How many hops the walk follows before it gives up (answering false).</summary>
        public int MaxDepth { get; } = maxDepth;

        /// <summary>A value of this type holds no entity, whatever it flows into.</summary>
        public virtual bool HoldsNothing(ITypeSymbol? type) => false;

        /// <summary>A local the walk follows (its declaration included).</summary>
        public virtual void OnLocal(ILocalSymbol local)
        {
        }

        /// <summary>A lambda of a followed call whose first parameter receives the entities.</summary>
        public virtual void OnLambda(IAnonymousFunctionOperation lambda)
        {
        }

        /// <summary>A member (property, indexer or field) of one entity: true when the read keeps the answer (and what it reads is followed, if the question follows it).</summary>
        public abstract bool Member(EntityFlow flow, IMemberReferenceOperation member, ImmutableArray<string> path, int depth);

        /// <summary>A non-indexer property of a sequence (<c>Count</c>, <c>Length</c>), not written.</summary>
        public abstract bool SequenceMember(IPropertyReferenceOperation property);

        /// <summary>Any use the walk does not follow (a comparison, a pattern, a statement, a return, an argument...).</summary>
        public abstract bool OtherUse(IOperation use, IOperation value, FlowShape shape);

        /// <summary>A LINQ to Objects operator the walk follows (<see cref="QueryOperators.IsFollowedInMemory"/>) that this question does not.</summary>
        public virtual bool Declines(OperatorKind kind) => false;

        /// <summary>Whether the entities may reach this lambda parameter's type (null: walk the parameter's uses).</summary>
        public virtual bool? LambdaParameter(IParameterSymbol parameter) => null;

        /// <summary>A method group given the entities (<c>Select(ToDto)</c>).</summary>
        public abstract bool MethodGroup(EntityFlow flow, IMethodSymbol target, int depth);

        /// <summary>Another argument of a followed call (neither the sequence, nor a lambda, nor a delegate).</summary>
        public virtual bool OtherArgument(IOperation argument, ITypeSymbol? element) => true;

        /// <summary>What becomes of the result of a followed call whose source's elements are <paramref name="element"/>.</summary>
        public abstract ResultFlow Result(ITypeSymbol? result, ITypeSymbol? element);
    }

    /// <summary>
    /// Where an entity, or a sequence of entities, goes in a method body: one forward walk, asked one
    /// <see cref="EntityQuestion"/> at each use. It follows the locals the value is stored in (a reassigned local is not
    /// followed: the walk fails), foreach variables, indexing, the LINQ to Objects operators every question follows
    /// (<see cref="QueryOperators.IsFollowedInMemory"/>) and the <c>List&lt;T&gt;</c> methods that only read the elements
    /// (<see cref="CollectionMethods.ReadsElements"/>), their lambdas' element parameter and their results. Anything the
    /// walk cannot account for answers false: the callers must not guess. The questions: does the value leave the method
    /// (<see cref="QueryFlow.Escapes"/>), which scalar members are read (<see cref="EntityMemberUsage"/>), are the
    /// entities only read (<see cref="ReadOnlyEntityUsage"/>), are they modified or deleted (<see cref="EntityChanges"/>);
    /// the shared answers for a single use (written, changed by a call, null check) are here too.
    /// </summary>
    internal sealed class EntityFlow(EfSymbols symbols, IOperation body, EntityQuestion question, CancellationToken cancellationToken)
    {
        private readonly HashSet<ILocalSymbol> _visitedLocals = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);

        public EfSymbols Symbols { get; } = symbols;

        /// <summary>Every use of <paramref name="local"/> in the body, which holds an entity or a sequence of them.</summary>
        public bool Local(ILocalSymbol local, FlowShape shape, ImmutableArray<string> path, int depth)
        {
            if (depth > question.MaxDepth || !_visitedLocals.Add(local))
            {
                return false;
            }

            question.OnLocal(local);
            foreach (var reference in BodyIndex.ReferencesIn(body, local))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (reference.IsDeclaration)
                {
                    continue;
                }

                if (IsWritten(reference))
                {
                    return false; // reassigned: we no longer know what it holds
                }

                if (!Value(reference, shape, path, depth + 1))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Every use of <paramref name="parameter"/> (of a lambda, or of a method given the entities) in <paramref name="scope"/>, as one entity.</summary>
        public bool Parameter(IParameterSymbol parameter, IOperation scope, ImmutableArray<string> path, int depth)
        {
            foreach (var operation in scope.Descendants())
            {
                if (operation is IParameterReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Parameter, parameter)
                    && !Entity(reference, path, depth))
                {
                    return false;
                }
            }

            return true;
        }

        public bool Value(IOperation value, FlowShape shape, ImmutableArray<string> path, int depth)
            => shape == FlowShape.Entity ? Entity(value, path, depth) : Sequence(value, path, depth);

        /// <summary>One entity (or an object reached from one).</summary>
        public bool Entity(IOperation value, ImmutableArray<string> path, int depth)
        {
            if (question.HoldsNothing(value.Type))
            {
                return true;
            }

            if (depth > question.MaxDepth)
            {
                return false;
            }

            var current = SkipWrappers(value, out var parent);
            switch (parent)
            {
                case IPropertyReferenceOperation property when property.Instance == current:
                    return question.Member(this, property, path, depth);

                case IFieldReferenceOperation field when field.Instance == current:
                    return question.Member(this, field, path, depth);

                case IConditionalAccessOperation conditional when conditional.Operation == current:
                    // post?.Title: the member read is on the conditional-access instance.
                    return conditional.WhenNotNull.DescendantsAndSelf().OfType<IConditionalAccessInstanceOperation>().FirstOrDefault() is { } instance
                           && Entity(instance, path, depth + 1);

                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                    return Local(declarator.Symbol, FlowShape.Entity, path, depth + 1);

                default:
                    return parent is not null && question.OtherUse(parent, current, FlowShape.Entity);
            }
        }

        /// <summary>A sequence of entities: a loaded list, a navigation collection, LINQ to Objects over them.</summary>
        public bool Sequence(IOperation value, ImmutableArray<string> path, int depth)
        {
            if (depth > question.MaxDepth)
            {
                return false;
            }

            var current = SkipWrappers(value, out var parent);
            switch (parent)
            {
                case IForEachLoopOperation forEach when forEach.Collection == current:
                    return forEach.LoopControlVariable is IVariableDeclaratorOperation loopVariable
                           && Local(loopVariable.Symbol, FlowShape.Entity, path, depth + 1);

                case IPropertyReferenceOperation property when property.Instance == current:
                    if (IsWritten(property))
                    {
                        return false;
                    }

                    return property.Property.IsIndexer ? Entity(property, path, depth + 1) : question.SequenceMember(property);

                case IArrayElementReferenceOperation element when element.ArrayReference == current:
                    return !IsWritten(element) && Entity(element, path, depth + 1);

                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                    return Local(declarator.Symbol, FlowShape.Sequence, path, depth + 1);

                case IInvocationOperation call when call.Instance == current:
                    // A list method that only reads is followed; any other (blog.Posts.Add(..)) is the question's to judge.
                    return CollectionMethods.ReadsElements(call.TargetMethod.Name)
                           && (Symbols.IsList(call.TargetMethod.ContainingType) || call.TargetMethod.ContainingType?.SpecialType == SpecialType.System_Array)
                        ? Call(call, path, depth)
                        : question.OtherUse(call, current, FlowShape.Sequence);

                case IArgumentOperation { Parameter.Ordinal: 0 } argument when argument.Parent is IInvocationOperation extension
                                                                            && extension.TargetMethod.IsExtensionMethod:
                    return Symbols.IsEnumerableMethod(extension.TargetMethod.ReducedFrom ?? extension.TargetMethod)
                           && Symbols.Operators.Kind(extension.TargetMethod) is var kind
                           && QueryOperators.IsFollowedInMemory(kind) && !question.Declines(kind)
                           && Call(extension, path, depth);

                default:
                    return parent is not null && question.OtherUse(parent, current, FlowShape.Sequence);
            }
        }

        /// <summary>A followed call over a sequence: its lambdas' element parameter, its other arguments, its result.</summary>
        private bool Call(IInvocationOperation call, ImmutableArray<string> path, int depth)
        {
            var element = Symbols.GetElementType(call.GetReceiverOrThisArgument()?.WalkDownConversions().Type);
            foreach (var argument in call.Arguments)
            {
                if (argument.Parameter?.Ordinal == 0 && call.TargetMethod.IsExtensionMethod && call.Instance is null)
                {
                    continue;
                }

                if (argument.Value.AsLambda() is { } lambda)
                {
                    if (!Lambda(lambda, path, depth + 1))
                    {
                        return false;
                    }
                }
                else if (MethodGroupTarget(argument.Value) is { } target)
                {
                    if (!question.MethodGroup(this, target, depth + 1))
                    {
                        return false;
                    }
                }
                else if (argument.Value.Type?.TypeKind == TypeKind.Delegate)
                {
                    return false; // a delegate we cannot see receives the entities
                }
                else if (!question.OtherArgument(argument.Value, element))
                {
                    return false;
                }
            }

            return question.Result(call.Type, element) switch
            {
                ResultFlow.Stays => true,
                ResultFlow.Entity => Entity(call, path, depth + 1),
                ResultFlow.Sequence => Sequence(call, path, depth + 1),
                _ => false,
            };
        }

        private bool Lambda(IAnonymousFunctionOperation lambda, ImmutableArray<string> path, int depth)
        {
            if (lambda.Symbol.Parameters.Length == 0)
            {
                return true;
            }

            // The element is the first parameter; the others of a followed operator are indexes.
            var parameter = lambda.Symbol.Parameters[0];
            if (question.LambdaParameter(parameter) is { } answer)
            {
                return answer;
            }

            question.OnLambda(lambda);
            return Parameter(parameter, lambda.Body, path, depth);
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

        /// <summary>Up through conversions, parentheses, an <c>await</c> and the null-conditional wrapper around a member read (<c>a?.B</c> is the B).</summary>
        public static IOperation SkipWrappers(IOperation operation, out IOperation? parent)
        {
            var current = operation;
            parent = current.Parent;
            while (parent is IConversionOperation || parent is IParenthesizedOperation || parent is IAwaitOperation
                   || (parent is IConditionalAccessOperation conditional && conditional.WhenNotNull == current))
            {
                current = parent;
                parent = parent.Parent;
            }

            return current;
        }

        /// <summary>
        /// Whether a reference (a local, a member, an element) is written: the target of an assignment (also through a
        /// tuple, <c>(a.X, b) = ..</c>), of <c>++</c>/<c>--</c>, or passed by <c>ref</c>/<c>out</c>.
        /// </summary>
        public static bool IsWritten(IOperation reference)
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
                IAssignmentOperation assignment => assignment.Target == current,
                IIncrementOrDecrementOperation => true,
                IArgumentOperation argument => argument.Parameter is { RefKind: not RefKind.None and not RefKind.In },
                _ => false,
            };
        }

        /// <summary>
        /// What <paramref name="use"/> does to the entities in <paramref name="value"/> (one entity, or a sequence of them):
        /// given to the change tracker's Remove/RemoveRange (deleted) or Update/UpdateRange (modified) (<see cref="TrackerCall"/>),
        /// or, for a sequence, given elements (<see cref="CollectionMethods.AddsElements"/>, <c>blog.Posts.Add(..)</c>: modified).
        /// A member write is <see cref="IsWritten"/>'s.
        /// </summary>
        public static EntityChange ChangeOf(EfSymbols symbols, IOperation use, IOperation value, FlowShape shape)
        {
            switch (use)
            {
                case IArgumentOperation { Parent: IInvocationOperation call } argument when argument.Value == value
                                                                                           && TrackerCall.Is(symbols, call.TargetMethod, out var kind, out var isRange)
                                                                                           && isRange == (shape == FlowShape.Sequence):
                    return kind switch
                    {
                        TrackerKind.Remove => EntityChange.Deleted,
                        TrackerKind.Update => EntityChange.Modified,
                        _ => EntityChange.None,
                    };

                case IInvocationOperation call when shape == FlowShape.Sequence && call.Instance == value
                                                    && CollectionMethods.AddsElements(call.TargetMethod, value.Type):
                    return EntityChange.Modified;

                default:
                    return EntityChange.None;
            }
        }

        /// <summary>Whether <paramref name="reference"/> (through conversions and parentheses) is only checked for null.</summary>
        public static bool IsNullCheck(IOperation reference)
            => SkipWrappers(reference, out var use) is var value && use is not null && IsNullCheck(use, value);

        /// <summary>
        /// Whether <paramref name="use"/> only checks <paramref name="value"/> for null: <c>x == null</c>, <c>x != null</c>,
        /// <c>x is null</c>, <c>x is not null</c>, <c>x is { }</c>.
        /// </summary>
        public static bool IsNullCheck(IOperation use, IOperation value) => use switch
        {
            IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary
                => (binary.LeftOperand == value ? binary.RightOperand : binary.LeftOperand).IsNullConstant(),
            IIsPatternOperation { Pattern: var pattern } => pattern is IConstantPatternOperation { Value: var constant } && constant.IsNullConstant()
                || pattern is INegatedPatternOperation { Pattern: IConstantPatternOperation { Value: var negated } } && negated.IsNullConstant()
                || pattern is IRecursivePatternOperation { DeconstructionSubpatterns.IsEmpty: true, PropertySubpatterns.IsEmpty: true, DeclaredSymbol: null },
            _ => false,
        };

        /// <summary>
        /// Whether a type is, or is built from, the element type (<c>List&lt;Post&gt;</c>, <c>Dictionary&lt;int, Post&gt;</c>,
        /// <c>Post[]</c>, an anonymous type with a <c>Post</c> member, <c>object</c>): a value of it may hold the entities.
        /// </summary>
        public static bool Mentions(ITypeSymbol type, ITypeSymbol element, int depth = 0)
        {
            if (depth > 4 || EfSymbols.InheritsFrom(type, element) || type.SpecialType == SpecialType.System_Object)
            {
                return true;
            }

            return type switch
            {
                IArrayTypeSymbol array => Mentions(array.ElementType, element, depth + 1),
                INamedTypeSymbol named => named.TypeArguments.Any(t => Mentions(t, element, depth + 1))
                                          || (named.IsAnonymousType && named.GetMembers().OfType<IPropertySymbol>().Any(p => Mentions(p.Type, element, depth + 1))),
                _ => false,
            };
        }
    }
}
