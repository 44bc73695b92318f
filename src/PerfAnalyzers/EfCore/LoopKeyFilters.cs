namespace PerfAnalyzers.EfCore
{
    /// <summary>How a query run per loop element can be replaced by one query for all elements.</summary>
    internal enum BatchShape
    {
        None,

        /// <summary>ToList/ToArray: one query for all keys, <c>ToLookup</c> by key, <c>lookup[key].ToList()</c> in the loop.</summary>
        Lookup,

        /// <summary>First/FirstOrDefault/Single/SingleOrDefault: <c>lookup[key].FirstOrDefault()</c> (same operator, same order).</summary>
        LookupElement,

        /// <summary>Count/LongCount: GroupBy key + count, <c>ToDictionary</c>, <c>GetValueOrDefault(key)</c>.</summary>
        Count,

        /// <summary>Any: the distinct keys that have rows, <c>ToHashSet</c>, <c>Contains(key)</c>.</summary>
        Any,

        /// <summary>The loop iterates an EF query of the principal: <c>Include</c> the navigation there, read it in the loop.</summary>
        Include,
    }

    /// <summary>
    /// A query in a loop that filters by equality between a member of its entity and a member of the loop element
    /// (<c>db.Posts.Where(p =&gt; p.BlogId == blog.Id)</c> in <c>foreach (var blog in blogs)</c>).
    /// </summary>
    internal sealed class LoopKeyFilter(
        RoundTrip roundTrip,
        EnclosingLoop loop,
        ISymbol loopVariable,
        IAnonymousFunctionOperation predicate,
        IInvocationOperation predicateOwner,
        IBinaryOperation equality,
        IPropertyReferenceOperation entityKey,
        IOperation loopKey,
        IPropertySymbol? loopMember)
    {
        public RoundTrip RoundTrip { get; } = roundTrip;

        public EnclosingLoop Loop { get; } = loop;

        /// <summary>The foreach iteration variable or the per-element lambda's parameter.</summary>
        public ISymbol LoopVariable { get; } = loopVariable;

        /// <summary>The predicate lambda holding the key equality.</summary>
        public IAnonymousFunctionOperation Predicate { get; } = predicate;

        /// <summary>The Where call (or the terminal First/Count/Any call) the predicate is passed to.</summary>
        public IInvocationOperation PredicateOwner { get; } = predicateOwner;

        public IBinaryOperation Equality { get; } = equality;

        /// <summary><c>p.BlogId</c>: the entity member compared.</summary>
        public IPropertyReferenceOperation EntityKey { get; } = entityKey;

        public IPropertySymbol EntityMember => EntityKey.Property;

        /// <summary><c>blog.Id</c> (or <c>id</c> when the loop iterates keys).</summary>
        public IOperation LoopKey { get; } = loopKey;

        /// <summary><c>Id</c>, or null when the loop variable itself is the key.</summary>
        public IPropertySymbol? LoopMember { get; } = loopMember;

        /// <summary>Both sides have the same type (no nullable/numeric conversion in the comparison).</summary>
        public bool KeyTypesMatch => SymbolEqualityComparer.Default.Equals(EntityMember.Type, LoopMember?.Type ?? LoopVariableType);

        public ITypeSymbol? LoopVariableType => LoopVariable switch
        {
            ILocalSymbol local => local.Type,
            IParameterSymbol parameter => parameter.Type,
            _ => null,
        };

        public bool IsWholePredicate => Equality.Parent is IReturnOperation || Predicate.Body.Operations.Length == 1 && Predicate.Body.Operations[0] is IReturnOperation { ReturnedValue: var value } && value?.WalkDownConversions() == Equality;
    }

    /// <summary>A query in a loop that can be rewritten to one query for all loop elements, and how.</summary>
    internal sealed class BatchPlan(BatchShape shape, LoopKeyFilter filter, IPropertySymbol? navigation)
    {
        public BatchShape Shape { get; } = shape;

        public LoopKeyFilter Filter { get; } = filter;

        /// <summary>For <see cref="BatchShape.Include"/>: the collection navigation of the loop element (<c>Blog.Posts</c>).</summary>
        public IPropertySymbol? Navigation { get; } = navigation;
    }

    /// <summary>Finds key-equality filters between a query and its loop, and decides whether batching them is safe.</summary>
    internal static class LoopKeyFilters
    {
        /// <summary>The loop variable of a foreach or per-element lambda (null for for/while loops).</summary>
        public static ISymbol? GetLoopVariable(EnclosingLoop loop)
        {
            switch (loop.Loop)
            {
                case IForEachLoopOperation forEach when forEach.LoopControlVariable is IVariableDeclaratorOperation declarator:
                    return declarator.Symbol;
                case IInvocationOperation when loop.Lambda is { } lambda && lambda.Symbol.Parameters.Length >= 1:
                    return lambda.Symbol.Parameters[0];
                default:
                    return null;
            }
        }

        /// <summary>The equality between an entity member and the loop element in the round trip's query, if exactly one.</summary>
        public static LoopKeyFilter? Find(RoundTrip roundTrip, EnclosingLoop loop)
        {
            if (roundTrip.Operation is not IInvocationOperation terminal || !roundTrip.Query.HasKnownRoot)
            {
                return null;
            }

            var loopVariable = GetLoopVariable(loop);
            if (loopVariable is null)
            {
                return null;
            }

            LoopKeyFilter? found = null;
            var owners = roundTrip.Query.Operators.Where(o => o.Name == "Where").Select(o => o.Invocation).ToList();
            if (terminal.Arguments.Length >= 2)
            {
                owners.Add(terminal);
            }

            foreach (var owner in owners)
            {
                var predicate = owner.GetArgumentValue(1).AsLambda();
                if (predicate is null || predicate.Symbol.Parameters.Length != 1)
                {
                    continue;
                }

                foreach (var conjunct in Conjuncts(PredicateBody(predicate)))
                {
                    if (conjunct is IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals } equality
                        && TryMatch(equality, predicate.Symbol.Parameters[0], loopVariable, out var entityKey, out var loopKey, out var loopMember))
                    {
                        if (found is not null)
                        {
                            return null; // two key filters: a composite key, not something we batch
                        }

                        found = new LoopKeyFilter(roundTrip, loop, loopVariable, predicate, owner, equality, entityKey, loopKey, loopMember);
                    }
                }
            }

            return found;
        }

        /// <summary>Decides the batch rewrite for a query in a loop, or null when no rewrite keeps the results identical.</summary>
        public static BatchPlan? Plan(EfCompilation ef, RoundTrip roundTrip, LoopPlacement placement)
        {
            if (roundTrip.Kind != RoundTripKind.Query || roundTrip.Operation is not IInvocationOperation terminal)
            {
                return null;
            }

            var loop = placement.Loop;
            var filter = Find(roundTrip, loop);
            if (filter is null || !filter.KeyTypesMatch)
            {
                return null;
            }

            var chain = roundTrip.Query;
            if (chain.RootKind != QueryRootKind.DbSet && chain.RootKind != QueryRootKind.SetMethod)
            {
                return null;
            }

            if (chain.Operators.Any(o => !QueryOperators.KeepsRootRows(o.Kind) || o.IsClientSide || o.IsConditional))
            {
                return null;
            }

            // The whole query must be written in one expression (no query locals built elsewhere).
            var terminalSyntax = terminal.Syntax;
            if (chain.Root?.Syntax is not { } rootSyntax || !terminalSyntax.Span.Contains(rootSyntax.Span)
                || chain.Operators.Any(o => !terminalSyntax.Span.Contains(o.Invocation.Syntax.Span)))
            {
                return null;
            }

            // Nothing but the key may depend on the loop element or on anything declared in the loop.
            var loopLocals = LocalsDeclaredIn(loop);
            foreach (var op in terminal.DescendantsAndSelf())
            {
                if (op.IsDescendantOf(filter.LoopKey))
                {
                    continue;
                }

                if (ReferencesAny(op, loopLocals, filter.LoopVariable))
                {
                    return null;
                }
            }

            if (roundTrip.IsAsync && !IsAwaitedDirectly(terminal))
            {
                return null;
            }

            var syncName = EfSymbols.SyncName(terminal.TargetMethod.Name);

            // Include on the loop's own query, when the loop iterates the principal entity and the filter is its navigation.
            if (IsQueryOfLoop(ef, loop, out var sourceChain))
            {
                if ((syncName == "ToList" || syncName == "ToArray") && filter.IsWholePredicate && filter.PredicateOwner != terminal
                    && chain.Operators.Length == 1 && filter.LoopMember is { } principalKey && !roundTrip.IsAsync
                    && sourceChain.Operators.All(o => o.Name != "Select" && o.Name != "SelectMany" && o.Name != "GroupBy" && !o.IsClientSide)
                    && SymbolEqualityComparer.Default.Equals(sourceChain.EntityType, filter.LoopVariableType)
                    && ModelConventions.FindCollectionNavigation(ef.Model, filter.LoopVariableType, chain.EntityType, filter.EntityMember, principalKey) is { } navigation)
                {
                    return new BatchPlan(BatchShape.Include, filter, navigation);
                }

                return null;
            }

            if (!IsStableLocalSource(loop, ef) || !EnclosingFunctionAllowsHoisting(loop, roundTrip.IsAsync))
            {
                return null;
            }

            if (filter.LoopMember is null && !IsMaterializedCollection(loop.Source?.Type, ef))
            {
                return null;
            }

            BatchShape shape;
            switch (syncName)
            {
                case "ToList":
                case "ToArray":
                    shape = BatchShape.Lookup;
                    break;
                case "First":
                case "FirstOrDefault":
                case "Single":
                case "SingleOrDefault":
                    shape = BatchShape.LookupElement;
                    break;
                case "Count":
                case "LongCount":
                    // Dictionary keys cannot be null: a nullable key (null == null matches in EF) has no safe count dictionary.
                    shape = chain.Operators.Any(o => o.Name == "Include" || o.Name == "ThenInclude") || filter.EntityMember.Type.IsReferenceType
                            || filter.EntityMember.Type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T
                        ? BatchShape.None
                        : BatchShape.Count;
                    break;
                case "Any":
                    shape = BatchShape.Any;
                    break;
                default:
                    shape = BatchShape.None;
                    break;
            }

            // A terminal with arguments besides the predicate and a cancellation token (ToDictionary selectors...) is not ours.
            foreach (var argument in terminal.Arguments)
            {
                var ordinal = argument.Parameter?.Ordinal ?? -1;
                if (ordinal == 0 || (ordinal == 1 && terminal == filter.PredicateOwner) || argument.Parameter?.Type.Name == "CancellationToken")
                {
                    continue;
                }

                if (argument.ArgumentKind == ArgumentKind.DefaultValue)
                {
                    continue;
                }

                if (ordinal == 1 && argument.Value.AsLambda() is not null && shape != BatchShape.None)
                {
                    // A predicate on the terminal that is not the key filter: it moves into the hoisted Where as is.
                    continue;
                }

                return null;
            }

            return shape == BatchShape.None ? null : new BatchPlan(shape, filter, null);
        }

        /// <summary>The foreach collection is itself an EF query (or a list materialized from one) of the loop element.</summary>
        public static bool IsQueryOfLoop(EfCompilation ef, EnclosingLoop loop, out QueryChain sourceChain)
        {
            sourceChain = QueryChain.None;
            if (loop.Loop is not IForEachLoopOperation { IsAsynchronous: false } forEach)
            {
                return false;
            }

            var collection = forEach.Collection.WalkDownConversions();
            if (collection is IAwaitOperation awaited)
            {
                collection = awaited.Operation.WalkDownConversions();
            }

            if (collection is IInvocationOperation materializing && ef.Queries.IsMaterializingCall(materializing.TargetMethod)
                && EfSymbols.SyncName(materializing.TargetMethod.Name) is "ToList" or "ToArray")
            {
                collection = materializing.GetReceiverOrThisArgument()?.WalkDownConversions() ?? collection;
            }

            if (!ef.Symbols.IsQueryable(collection.Type))
            {
                return false;
            }

            var chain = ef.Queries.Build(collection);
            if (chain.RootKind != QueryRootKind.DbSet && chain.RootKind != QueryRootKind.SetMethod
                || chain.Root?.Syntax is not { } rootSyntax || !forEach.Collection.Syntax.Span.Contains(rootSyntax.Span))
            {
                return false;
            }

            sourceChain = chain;
            return true;
        }

        private static IOperation PredicateBody(IAnonymousFunctionOperation lambda)
        {
            var body = lambda.Body;
            if (body.Operations.Length == 1 && body.Operations[0] is IReturnOperation { ReturnedValue: { } value })
            {
                return value.WalkDownConversions();
            }

            return body;
        }

        private static IEnumerable<IOperation> Conjuncts(IOperation operation)
        {
            var op = operation.WalkDownConversions();
            if (op is IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } and)
            {
                foreach (var left in Conjuncts(and.LeftOperand))
                {
                    yield return left;
                }

                foreach (var right in Conjuncts(and.RightOperand))
                {
                    yield return right;
                }
            }
            else
            {
                yield return op;
            }
        }

        private static bool TryMatch(IBinaryOperation equality, IParameterSymbol entityParameter, ISymbol loopVariable,
            out IPropertyReferenceOperation entityKey, out IOperation loopKey, out IPropertySymbol? loopMember)
        {
            if (TryMatchSides(equality.LeftOperand, equality.RightOperand, entityParameter, loopVariable, out entityKey, out loopKey, out loopMember))
            {
                return true;
            }

            return TryMatchSides(equality.RightOperand, equality.LeftOperand, entityParameter, loopVariable, out entityKey, out loopKey, out loopMember);
        }

        private static bool TryMatchSides(IOperation entitySide, IOperation loopSide, IParameterSymbol entityParameter, ISymbol loopVariable,
            out IPropertyReferenceOperation entityKey, out IOperation loopKey, out IPropertySymbol? loopMember)
        {
            entityKey = null!;
            loopKey = loopSide;
            loopMember = null;
            if (entitySide.WalkDownConversions() is not IPropertyReferenceOperation { Instance: IParameterReferenceOperation entityParam } property
                || !SymbolEqualityComparer.Default.Equals(entityParam.Parameter, entityParameter))
            {
                return false;
            }

            entityKey = property;
            var loop = loopSide.WalkDownConversions();
            loopKey = loop;
            switch (loop)
            {
                case IPropertyReferenceOperation { Instance: { } instance } loopProperty when IsReferenceTo(instance, loopVariable):
                    loopMember = loopProperty.Property;
                    return true;
                case var _ when IsReferenceTo(loop, loopVariable):
                    return true;
                default:
                    return false;
            }
        }

        private static bool IsReferenceTo(IOperation operation, ISymbol symbol) => operation.WalkDownConversions() switch
        {
            ILocalReferenceOperation local => SymbolEqualityComparer.Default.Equals(local.Local, symbol),
            IParameterReferenceOperation parameter => SymbolEqualityComparer.Default.Equals(parameter.Parameter, symbol),
            _ => false,
        };

        private static HashSet<ISymbol> LocalsDeclaredIn(EnclosingLoop loop)
        {
            var result = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach (var op in loop.Body.DescendantsAndSelf())
            {
                if (op is IVariableDeclaratorOperation declarator)
                {
                    result.Add(declarator.Symbol);
                }
            }

            if (loop.Loop is ILoopOperation statementLoop)
            {
                foreach (var local in statementLoop.Locals)
                {
                    result.Add(local);
                }
            }

            if (loop.Lambda is { } lambda)
            {
                foreach (var parameter in lambda.Symbol.Parameters)
                {
                    result.Add(parameter);
                }
            }

            return result;
        }

        private static bool ReferencesAny(IOperation op, HashSet<ISymbol> symbols, ISymbol loopVariable) => op switch
        {
            ILocalReferenceOperation local => symbols.Contains(local.Local) || SymbolEqualityComparer.Default.Equals(local.Local, loopVariable),
            IParameterReferenceOperation parameter => symbols.Contains(parameter.Parameter) || SymbolEqualityComparer.Default.Equals(parameter.Parameter, loopVariable),
            _ => false,
        };

        private static bool IsAwaitedDirectly(IInvocationOperation terminal)
        {
            var parent = terminal.Parent;
            if (parent is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configureAwait && configureAwait.Instance == terminal)
            {
                parent = configureAwait.Parent;
            }

            return parent is IAwaitOperation;
        }

        /// <summary>The loop source is a local, parameter or field that the loop does not reassign.</summary>
        private static bool IsStableLocalSource(EnclosingLoop loop, EfCompilation ef)
        {
            var source = loop.Source;
            if (loop.Kind != LoopKind.ForEach && loop.Kind != LoopKind.PerElementLambda)
            {
                return false;
            }

            if (loop.Kind == LoopKind.PerElementLambda && loop.Loop is IInvocationOperation perElement && perElement.TargetMethod.ContainingType?.Name == "Parallel")
            {
                source = perElement.GetArgumentValue(0)?.WalkDownConversions();
            }

            ISymbol? symbol = source switch
            {
                ILocalReferenceOperation local => local.Local,
                IParameterReferenceOperation parameter => parameter.Parameter,
                IFieldReferenceOperation field when field.Instance is null or IInstanceReferenceOperation => field.Field,
                _ => null,
            };
            if (symbol is null || ef.Symbols.IsQueryable(source!.Type) || ef.Symbols.IsAsyncEnumerable(source.Type))
            {
                return false;
            }

            foreach (var op in loop.Body.DescendantsAndSelf())
            {
                if (op is IAssignmentOperation assignment && assignment.Target switch
                    {
                        ILocalReferenceOperation l => SymbolEqualityComparer.Default.Equals(l.Local, symbol),
                        IParameterReferenceOperation p => SymbolEqualityComparer.Default.Equals(p.Parameter, symbol),
                        IFieldReferenceOperation f => SymbolEqualityComparer.Default.Equals(f.Field, symbol),
                        _ => false,
                    })
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Statements can be inserted before the loop (it is a statement in a block), awaited ones only in async code.</summary>
        private static bool EnclosingFunctionAllowsHoisting(EnclosingLoop loop, bool isAsync)
        {
            var statement = loop.Loop is ILoopOperation ? loop.Loop : loop.Loop.GetContainingStatement();
            if (statement?.Parent is not IBlockOperation)
            {
                return false;
            }

            if (!isAsync)
            {
                return true;
            }

            // The function that contains the loop statement must be async.
            for (var current = statement.Parent; current is not null; current = current.Parent)
            {
                switch (current)
                {
                    case IAnonymousFunctionOperation lambda:
                        return lambda.Symbol.IsAsync;
                    case ILocalFunctionOperation local:
                        return local.Symbol.IsAsync;
                    case IMethodBodyBaseOperation:
                        return statement.SemanticModel?.GetEnclosingSymbol(statement.Syntax.SpanStart) is IMethodSymbol { IsAsync: true };
                }
            }

            return false;
        }

        private static bool IsMaterializedCollection(ITypeSymbol? type, EfCompilation ef)
        {
            if (type is null)
            {
                return false;
            }

            if (type is IArrayTypeSymbol || ef.Symbols.IsList(type))
            {
                return true;
            }

            var name = type.OriginalDefinition.ToDisplayString();
            return name is "System.Collections.Generic.HashSet<T>" or "System.Collections.Generic.IReadOnlyCollection<T>"
                or "System.Collections.Generic.IReadOnlyList<T>" or "System.Collections.Generic.ICollection<T>"
                or "System.Collections.Generic.IList<T>" or "System.Collections.Generic.ISet<T>";
        }
    }
}
