namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// "Does this operation run only on the iteration whose element has one key?" A loop that lets through only the element
    /// whose key equals one value from outside the loop (<c>if (pm.Id != paymentMethodId) continue;</c>,
    /// <c>if (kv.Key == name) { .. }</c>, <c>foreach (var x in xs.Where(x =&gt; x.Id == id))</c>) runs the guarded operation at
    /// most once, when the collection cannot hold that key twice. The key is proved by types and the model, never by a
    /// member's name:
    /// <list type="bullet">
    /// <item>the element itself, in a set (<c>ISet&lt;T&gt;</c>, <c>IReadOnlySet&lt;T&gt;</c>), a dictionary's <c>Keys</c> or after
    /// <c>Distinct()</c>;</item>
    /// <item><c>Key</c> of a dictionary's entries (<c>KeyValuePair</c>) or of the groups of <c>GroupBy</c>/an <c>ILookup</c>;</item>
    /// <item>a column of an entity that is unique per row in the model (the primary key, an alternate key, a unique index);</item>
    /// <item>the element's only member of type <c>K</c>, in a keyed collection: a type whose indexer takes a <c>K</c> (not a
    /// position) and returns the element (<c>KeyedCollection&lt;K, T&gt;</c>, BTCPay Server's <c>PaymentPromptDictionary</c>).</item>
    /// </list>
    /// The value compared with must not change in the loop: a constant, or locals, parameters, fields and properties of them
    /// that the loop does not assign (no call). A test of a status, a flag or a foreign key (<c>if (o.Status != Paid)
    /// continue;</c>) lets many elements through and is not such a match.
    /// </summary>
    internal static class KeyMatches
    {
        /// <summary>The operation runs only on iterations whose element's key equals one loop-invariant value: at most once.</summary>
        public static bool RunsForOneKey(EfCompilation ef, IOperation operation, EnclosingLoop loop)
        {
            var element = ElementOf(loop);
            if (element is null || loop.Source is not { } source)
            {
                return false;
            }

            // Once per pass of this loop is once per element of an outer one (foreach order, foreach customer, if (c.Id !=
            // order.CustomerId) continue;): a join by key, still one round trip per outer element.
            if (ef.Loops.FindEnclosingLoop(loop.Loop) is not null)
            {
                return false;
            }

            var context = new Context(ef, loop, source);

            // foreach (var x in xs.Where(x => x.Id == id)): the source lets only the one key through.
            if (context.SourceFiltersToOneKey())
            {
                return true;
            }

            IOperation child = operation;
            for (var current = operation.Parent; current is not null; child = current, current = current.Parent)
            {
                switch (current)
                {
                    case IConditionalOperation conditional when child == conditional.WhenTrue && context.EqualWhenTrue(conditional.Condition, element):
                    case IConditionalOperation other when child == other.WhenFalse && context.EqualWhenFalse(other.Condition, element):
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } both when child == both.RightOperand && context.EqualWhenTrue(both.LeftOperand, element):
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr } either when child == either.RightOperand && context.EqualWhenFalse(either.LeftOperand, element):
                        return true;
                    case IBlockOperation block:
                        // if (x.Id != id) continue; before the operation, in this block.
                        var index = block.Operations.IndexOf(child);
                        for (var i = 0; i < index; i++)
                        {
                            if (block.Operations[i] is IConditionalOperation { WhenFalse: null } guard && SkipsElement(guard.WhenTrue, loop)
                                && context.EqualWhenFalse(guard.Condition, element))
                            {
                                return true;
                            }
                        }

                        break;
                }

                if (current == loop.Body || current is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    break;
                }
            }

            return false;
        }

        /// <summary>The loop's element: the foreach variable, or the per-element lambda's parameter.</summary>
        private static ISymbol? ElementOf(EnclosingLoop loop) => loop.Loop switch
        {
            IForEachLoopOperation { LoopControlVariable: IVariableDeclaratorOperation declarator } => declarator.Symbol,
            _ when loop.Kind == LoopKind.PerElementLambda && loop.Lambda?.Symbol.Parameters is { Length: 1 } parameters => parameters[0],
            _ => null,
        };

        /// <summary><c>continue;</c> (of this loop), or a block ending with one; in a per-element lambda, <c>return</c>.</summary>
        private static bool SkipsElement(IOperation statement, EnclosingLoop loop)
        {
            var last = statement is IBlockOperation block ? block.Operations.LastOrDefault() : statement;
            return last switch
            {
                IBranchOperation { BranchKind: BranchKind.Continue } branch => loop.Loop is ILoopOperation l && SymbolEqualityComparer.Default.Equals(branch.Target, l.ContinueLabel),
                IReturnOperation => loop.Kind == LoopKind.PerElementLambda,
                _ => false,
            };
        }

        private sealed class Context(EfCompilation ef, EnclosingLoop loop, IOperation source)
        {
            private Dictionary<ISymbol, IOperation>? _aliases;

            /// <summary>The source, or what a chain of element-keeping operators over it starts from, with the Where filters on the way.</summary>
            public bool SourceFiltersToOneKey()
            {
                for (var current = source.WalkDownConversions(); current is IInvocationOperation call && KeepsElements(call); current = call.GetReceiverOrThisArgument()?.WalkDownConversions())
                {
                    if (ef.Symbols.Operators.Kind(call.TargetMethod) == OperatorKind.Where
                        && call.GetArgumentValue(1)?.WalkDownConversions() is IDelegateCreationOperation { Target: IAnonymousFunctionOperation { Symbol.Parameters: { Length: 1 } parameters } lambda }
                        && ReturnedValue(lambda) is { } predicate
                        && call.GetReceiverOrThisArgument() is { } receiver
                        && new Context(ef, loop, receiver).EqualWhenTrue(predicate, parameters[0]))
                    {
                        return true;
                    }
                }

                return false;
            }

            private static IOperation? ReturnedValue(IAnonymousFunctionOperation lambda)
                => lambda.Body.Operations is { Length: >= 1 } operations && operations[0] is IReturnOperation { ReturnedValue: { } value } ? value : null;

            /// <summary>The condition is true only when the element's key equals the invariant value.</summary>
            public bool EqualWhenTrue(IOperation condition, ISymbol of)
            {
                switch (condition.WalkDownConversions())
                {
                    case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                        return EqualWhenFalse(not.Operand, of);
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } both:
                        return EqualWhenTrue(both.LeftOperand, of) || EqualWhenTrue(both.RightOperand, of);
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr } either:
                        return EqualWhenTrue(either.LeftOperand, of) && EqualWhenTrue(either.RightOperand, of);
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.ObjectValueEquals } equals:
                        return IsKeyTest(equals.LeftOperand, equals.RightOperand, of);
                    case IInvocationOperation invocation when IsEqualsCall(invocation, out var left, out var right):
                        return IsKeyTest(left, right, of);
                    case IIsPatternOperation { Pattern: IConstantPatternOperation constant } pattern:
                        return IsKeyTest(pattern.Value, constant.Value, of);
                    default:
                        return false;
                }
            }

            /// <summary>The condition is false only when the element's key equals the invariant value.</summary>
            public bool EqualWhenFalse(IOperation condition, ISymbol of)
            {
                switch (condition.WalkDownConversions())
                {
                    case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                        return EqualWhenTrue(not.Operand, of);
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr } either:
                        return EqualWhenFalse(either.LeftOperand, of) || EqualWhenFalse(either.RightOperand, of);
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } both:
                        return EqualWhenFalse(both.LeftOperand, of) && EqualWhenFalse(both.RightOperand, of);
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.NotEquals or BinaryOperatorKind.ObjectValueNotEquals } notEquals:
                        return IsKeyTest(notEquals.LeftOperand, notEquals.RightOperand, of);
                    case IIsPatternOperation { Pattern: INegatedPatternOperation { Pattern: IConstantPatternOperation constant } } pattern:
                        return IsKeyTest(pattern.Value, constant.Value, of);
                    default:
                        return false;
                }
            }

            /// <summary><c>a.Equals(b)</c>, <c>Equals(a, b)</c>, <c>string.Equals(a, b)</c>: the equality protocol of .NET.</summary>
            private static bool IsEqualsCall(IInvocationOperation invocation, out IOperation left, out IOperation right)
            {
                var method = invocation.TargetMethod;
                left = right = null!;
                if (method.Name != "Equals" || method.ReturnType.SpecialType != SpecialType.System_Boolean)
                {
                    return false;
                }

                // Only the two-value forms: a comparison (string.Equals(a, b, OrdinalIgnoreCase)) can match keys a set holds apart.
                var arguments = invocation.Arguments.OrderBy(a => a.Parameter?.Ordinal ?? 0).Select(a => a.Value).ToList();
                if (!method.IsStatic && invocation.Instance is { } instance && arguments.Count == 1)
                {
                    (left, right) = (instance, arguments[0]);
                    return true;
                }

                if (method.IsStatic && arguments.Count == 2)
                {
                    (left, right) = (arguments[0], arguments[1]);
                    return true;
                }

                return false;
            }

            /// <summary>One side is the element's key, the other a value that does not change in the loop.</summary>
            private bool IsKeyTest(IOperation left, IOperation right, ISymbol of)
                => (IsKey(left, of) && IsInvariant(right, of)) || (IsKey(right, of) && IsInvariant(left, of));

            /// <summary>A value of which the collection cannot hold two elements (see <see cref="KeyMatches"/>).</summary>
            private bool IsKey(IOperation value, ISymbol of)
            {
                value = value.WalkDownConversions();
                if (value is ILocalReferenceOperation alias && Aliases().TryGetValue(alias.Local, out var initial))
                {
                    value = initial.WalkDownConversions();
                }

                var collection = Unwrapped(source, out var distinct);
                if (IsElement(value, of))
                {
                    return distinct || ef.Symbols.IsSet(collection.Type)
                           || collection is IPropertyReferenceOperation { Property.Name: "Keys", Instance: { } owner } && ef.Symbols.IsDictionary(owner.Type);
                }

                if (value is not IPropertyReferenceOperation { Instance: { } instance, Property: { Parameters.IsEmpty: true } property } || !IsElement(instance, of))
                {
                    return false;
                }

                var elementType = instance.WalkDownConversions().Type;
                if (elementType is not INamedTypeSymbol named)
                {
                    return false;
                }

                // A dictionary's entries, the groups of GroupBy or of a lookup.
                if (SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, ef.Symbols.KeyValuePair) && property.Name == "Key")
                {
                    return ef.Symbols.IsDictionary(collection.Type);
                }

                if (ef.Symbols.Grouping is { } grouping && SymbolEqualityComparer.Default.Equals(property.ContainingType.OriginalDefinition, grouping))
                {
                    return ef.Symbols.IsLookup(collection.Type)
                           || collection is IInvocationOperation groupBy && ef.Symbols.Operators.Kind(groupBy.TargetMethod) == OperatorKind.GroupBy;
                }

                // A column unique per row of an entity.
                if (ef.Model.IsEntityType(named) && ef.Uniqueness.IsUnique(named, new[] { property }))
                {
                    return true;
                }

                return IsKeyOfKeyedCollection(collection.Type, named, property);
            }

            /// <summary>
            /// The collection type has an indexer that takes a <paramref name="property"/>'s type (not a position) and returns the
            /// element, and the element has no other member of that type: the collection is keyed by it.
            /// </summary>
            private static bool IsKeyOfKeyedCollection(ITypeSymbol? collectionType, INamedTypeSymbol elementType, IPropertySymbol property)
            {
                var keyType = property.Type;
                if (collectionType is null || IsPosition(keyType))
                {
                    return false;
                }

                var keyed = false;
                for (var type = collectionType; type is not null && !keyed; type = type.BaseType)
                {
                    keyed = type.GetMembers().OfType<IPropertySymbol>().Any(p => p.IsIndexer && p.Parameters.Length == 1
                        && SymbolEqualityComparer.Default.Equals(p.Parameters[0].Type, keyType)
                        && SymbolEqualityComparer.Default.Equals(p.Type, elementType));
                }

                if (!keyed)
                {
                    return false;
                }

                var members = 0;
                for (var type = (ITypeSymbol?)elementType; type is not null; type = type.BaseType)
                {
                    foreach (var member in type.GetMembers())
                    {
                        var memberType = member switch
                        {
                            IPropertySymbol { IsStatic: false, IsIndexer: false } p => p.Type,
                            IFieldSymbol { IsStatic: false, IsImplicitlyDeclared: false } f => f.Type,
                            _ => null,
                        };
                        if (SymbolEqualityComparer.Default.Equals(memberType, keyType))
                        {
                            members++;
                        }
                    }
                }

                return members == 1;
            }

            private static bool IsPosition(ITypeSymbol type)
                => type.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_UInt32 or SpecialType.System_UInt64
                       or SpecialType.System_Int16 or SpecialType.System_UInt16 or SpecialType.System_Byte or SpecialType.System_SByte
                   || type.ContainingNamespace?.ToDisplayString() == "System" && type.Name is "Index" or "Range";

            private static bool IsElement(IOperation value, ISymbol of) => value.WalkDownConversions() switch
            {
                ILocalReferenceOperation local => SymbolEqualityComparer.Default.Equals(local.Local, of),
                IParameterReferenceOperation parameter => SymbolEqualityComparer.Default.Equals(parameter.Parameter, of),
                _ => false,
            };

            /// <summary>
            /// What the loop iterates under the operators that keep its elements (Where, OrderBy, ToList, Take...), and whether
            /// one of them is <c>Distinct</c>.
            /// </summary>
            private IOperation Unwrapped(IOperation collection, out bool distinct)
            {
                distinct = false;
                var current = collection.WalkDownConversions();
                while (current is IInvocationOperation call && KeepsElements(call) && call.GetReceiverOrThisArgument() is { } receiver)
                {
                    distinct |= ef.Symbols.Operators.Kind(call.TargetMethod) is OperatorKind.Distinct or OperatorKind.ToHashSet;
                    current = receiver.WalkDownConversions();
                }

                return current;
            }

            /// <summary>A LINQ operator whose results are elements of its source (filtered, ordered, paged, streamed or collected).</summary>
            private bool KeepsElements(IInvocationOperation call)
                => (ef.Symbols.IsEnumerableMethod(call.TargetMethod) || ef.Symbols.IsQueryableMethod(call.TargetMethod))
                   && ef.Symbols.Operators.Is(call.TargetMethod, OperatorMeaning.ElementPreserving | OperatorMeaning.Streaming | OperatorMeaning.ToCollection);

            /// <summary>
            /// A value that is the same on every iteration (<see cref="LoopInvariance"/>), not the element, not a null constant,
            /// and simple: a constant, a local, a parameter, or a field or property of this instance, static, or of such a value.
            /// </summary>
            private bool IsInvariant(IOperation value, ISymbol of)
            {
                value = value.WalkDownConversions();
                if (value.ConstantValue.HasValue)
                {
                    return value.ConstantValue.Value is not null;
                }

                return IsSimpleReference(value) && !IsElement(value, of) && LoopInvariance.IsInvariant(value, loop);
            }

            private static bool IsSimpleReference(IOperation value) => value.WalkDownConversions() switch
            {
                ILocalReferenceOperation or IParameterReferenceOperation => true,
                IFieldReferenceOperation field => field.Instance is null or IInstanceReferenceOperation || IsSimpleReference(field.Instance),
                IPropertyReferenceOperation { Property.Parameters.IsEmpty: true } property => property.Instance is null or IInstanceReferenceOperation || IsSimpleReference(property.Instance),
                _ => false,
            };

            /// <summary>Locals declared in the loop body with an initializer and never assigned again (<c>var pmi = pm.PaymentMethodId;</c>).</summary>
            private Dictionary<ISymbol, IOperation> Aliases()
            {
                if (_aliases is not null)
                {
                    return _aliases;
                }

                var aliases = new Dictionary<ISymbol, IOperation>(SymbolEqualityComparer.Default);
                var index = BodyIndex.Of(loop.Body);
                foreach (var op in loop.Body.Descendants())
                {
                    if (op is IVariableDeclaratorOperation { Initializer.Value: { } initial } declarator && index.Writes(declarator.Symbol).Count == 1)
                    {
                        aliases[declarator.Symbol] = initial;
                    }
                }

                return _aliases = aliases;
            }
        }
    }
}
