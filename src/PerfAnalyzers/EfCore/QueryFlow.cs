namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// Where a query goes after a given operator: the calls chained after it in the same expression (the part
    /// <see cref="QueryChainBuilder"/> does not see, since it walks backwards), and whether values produced by the query
    /// leave the method (returned, stored, passed on) or are only read locally (an <see cref="EntityFlow"/> question).
    /// </summary>
    internal static class QueryFlow
    {

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

        /// <summary>
        /// Whether the query that <paramref name="expression"/> runs (a materializing call, or a <c>foreach</c> collection) is
        /// held in a local of <paramref name="body"/> that also leaves the method, as it is or composed further: returned,
        /// stored in a field or property, or passed to a method that is no LINQ/EF operator. Other code then runs the same
        /// query, so how it is built (its tracking, its shape) is not this use's alone (Moonlight: a grid's loader enumerates
        /// its query to fill a cache, then returns the query to the grid, which edits the rows).
        /// </summary>
        public static bool QueryLeavesMethod(IOperation expression, IOperation body, EfSymbols symbols)
        {
            var index = BodyIndex.Of(body);
            var seen = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
            var pending = new Stack<IOperation>();
            pending.Push(expression);
            while (pending.Count > 0)
            {
                var current = pending.Pop().WalkDownConversions();
                switch (current)
                {
                    case IInvocationOperation invocation:
                        var receiver = invocation.Instance
                                       ?? (invocation.TargetMethod.IsExtensionMethod && invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value : null);
                        if (receiver is not null)
                        {
                            pending.Push(receiver);
                        }

                        break;

                    case ILocalReferenceOperation reference when seen.Add(reference.Local):
                        if (LocalLeaves(reference.Local, body, symbols, seen))
                        {
                            return true;
                        }

                        // The query the local is built from (var q = db.Posts.Where(..); var page = q.Take(10);).
                        foreach (var write in index.Writes(reference.Local))
                        {
                            var written = (write as IVariableDeclaratorOperation)?.Initializer?.Value ?? (write as IAssignmentOperation)?.Value;
                            if (written is not null)
                            {
                                pending.Push(written);
                            }
                        }

                        break;
                }
            }

            return false;
        }

        /// <summary>Whether a reference to query local <paramref name="local"/>, or a query composed from it, is handed to other code.</summary>
        private static bool LocalLeaves(ILocalSymbol local, IOperation body, EfSymbols symbols, HashSet<ILocalSymbol> seen)
        {
            foreach (var use in BodyIndex.ReferencesIn(body, local))
            {
                // An operator that still returns a query composes the same query: follow it to the end of the composition.
                var value = use.WalkUpConversions();
                while (NextInChain(ref value) is { } next && symbols.Operators.Kind(next.TargetMethod) != OperatorKind.None && symbols.IsQueryable(next.Type))
                {
                    value = next;
                }

                value = value.WalkUpConversions();
                switch (value.Parent)
                {
                    case IReturnOperation:
                        return true;
                    case ISimpleAssignmentOperation assignment when assignment.Value == value:
                        if (assignment.Target is IMemberReferenceOperation
                            || (assignment.Target is ILocalReferenceOperation target && seen.Add(target.Local) && LocalLeaves(target.Local, body, symbols, seen)))
                        {
                            return true;
                        }

                        break;
                    case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }
                        when seen.Add(declarator.Symbol) && LocalLeaves(declarator.Symbol, body, symbols, seen):
                        return true;
                    case IArgumentOperation { Parent: IInvocationOperation call } when symbols.Operators.Kind(call.TargetMethod) == OperatorKind.None:
                        return true;
                }
            }

            return false;
        }

        public static bool IsIncludeOperator(IMethodSymbol method)
            => (method.Name == "Include" || method.Name == "ThenInclude") && EfSymbols.IsEfExtensionMethod(method);

        /// <summary>
        /// Whether a value (an entity, or a sequence of them; a task of one is awaited) can leave the method or reach code we
        /// cannot see: returned, stored in a field/property/collection, passed to a method, captured in an object. Reads of
        /// its members, comparisons and LINQ to Objects over it (followed, with its lambdas and method groups whose source
        /// body only reads the entities) stay local.
        /// </summary>
        public static bool Escapes(IOperation value, IOperation body, EfSymbols symbols, CancellationToken cancellationToken = default)
        {
            var start = value.AwaitedValue() ?? value;
            var shape = symbols.GetElementType(start.Type) is not null ? FlowShape.Sequence : FlowShape.Entity;
            return !new EntityFlow(symbols, body, EscapeQuestion.Instance, cancellationToken).Value(start, shape, ImmutableArray<string>.Empty, 0);
        }

        /// <summary>"Does the value stay in the method?": member reads, comparisons, tests and discarded values stay; anything else leaves.</summary>
        private sealed class EscapeQuestion() : EntityQuestion(maxDepth: 12)
        {
            public static readonly EscapeQuestion Instance = new EscapeQuestion();

            // A member read stays. An entity-typed member (a navigation) is not followed: passing blog.Author on is fine for blog's Include of Posts.
            public override bool Member(EntityFlow flow, IMemberReferenceOperation member, ImmutableArray<string> path, int depth) => true;

            public override bool SequenceMember(IPropertyReferenceOperation property) => true;

            public override bool OtherUse(IOperation use, IOperation value, FlowShape shape)
                => use is IBinaryOperation or IIsPatternOperation or IIsTypeOperation or IUnaryOperation or IExpressionStatementOperation;

            /// <summary>Followed into the method's source body, where its parameter must stay too; a method without one is code we cannot see.</summary>
            public override bool MethodGroup(EntityFlow flow, IMethodSymbol target, int depth)
            {
                if (depth > MaxDepth || target.Parameters.Length == 0
                    || SourceBodies.GetBody(flow.Symbols.Compilation, target.OriginalDefinition, default) is not { } body)
                {
                    return false;
                }

                return new EntityFlow(flow.Symbols, body, this, default).Parameter(target.OriginalDefinition.Parameters[0], body, ImmutableArray<string>.Empty, depth);
            }

            // Only results that still hold the entities are followed: Select(b => new { b.Id }) leaves them behind.
            public override ResultFlow Result(ITypeSymbol? result, ITypeSymbol? element)
                => result is null || result.IsValueType || result.SpecialType == SpecialType.System_String ? ResultFlow.Stays
                    : element is not null && !EntityFlow.Mentions(result, element) ? ResultFlow.Stays
                    : element is not null && EfSymbols.InheritsFrom(result, element) ? ResultFlow.Entity
                    : ResultFlow.Sequence;
        }
    }
}
