namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// "Does this loop work off a queue, recording each item's outcome as it goes?" — an outbox dispatcher or a retry queue:
    /// <c>foreach (var message in pending)</c> whose body <b>marks its own element</b> (assigns one of its members,
    /// <c>request.Completed = now</c>, or hands it to a call, <c>MarkAsProcessedAsync(message)</c>, <c>queue.Delete(request)</c>)
    /// <b>depending on the outcome of an action taken in the same iteration</b>:
    /// <list type="bullet">
    /// <item>inside an <c>if</c> whose condition reads a <c>bool</c> member of a result object set in the iteration from an
    /// awaited call that is not itself a database round trip (<c>var result = await sender.Send(r); if (result.Success)
    /// { r.Completed = now; await SaveChangesAsync(); }</c>); the result must not be an entity, a list or a plain value (a
    /// lookup whose answer decides an update is a query per row), or</item>
    /// <item>in a <c>try</c> after an awaited call, with a <c>catch</c> in the loop body that marks the element too
    /// (<c>try { await bus.PublishAsync(e); await MarkAsProcessedAsync(m); } catch { await MarkAsFailedAsync(m); }</c>).</item>
    /// </list>
    /// The commit per item is the point: it records that this item's message was sent (or failed), so that a crash does not
    /// send the whole batch again. A loop that marks its elements without such an outcome (<c>o.Shipped = true;
    /// SaveChanges();</c> per order) is an ordinary save per row.
    /// </summary>
    internal static class WorkQueues
    {
        public static bool IsWorkQueue(EfCompilation ef, EnclosingLoop loop, CancellationToken cancellationToken = default)
        {
            if (loop.Loop is not IForEachLoopOperation forEach
                || LoopKeyFilters.GetLoopVariable(loop) is not ILocalSymbol element
                || forEach.Body is not { } body)
            {
                return false;
            }

            foreach (var op in body.Descendants())
            {
                if (!IsMark(op, element))
                {
                    continue;
                }

                if (IsOutcomeGuarded(ef, op, body, cancellationToken) || IsTriedWithFailureMark(op, body, element)
                    || IsMarkedAfterSend(ef, op, body, element, cancellationToken))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary><c>item.X = ..</c>, or a call that receives the element (<c>Mark(item)</c>, <c>repo.Delete(item)</c>, <c>db.Remove(item)</c>).</summary>
        private static bool IsMark(IOperation op, ILocalSymbol element)
        {
            switch (op)
            {
                case ISimpleAssignmentOperation { Target: IMemberReferenceOperation { Instance: { } instance } }:
                    return IsElement(instance, element);
                case IInvocationOperation invocation:
                    return invocation.Arguments.Any(a => a.ArgumentKind == ArgumentKind.Explicit && IsElement(a.Value, element));
                default:
                    return false;
            }
        }

        private static bool IsElement(IOperation value, ILocalSymbol element)
            => value.WalkDownConversions() is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, element);

        /// <summary>The mark sits in an <c>if</c> (inside the loop body) whose condition reads a local set from an awaited non-round-trip call.</summary>
        private static bool IsOutcomeGuarded(EfCompilation ef, IOperation mark, IOperation body, CancellationToken cancellationToken)
        {
            IOperation child = mark;
            for (var current = mark.Parent; current is not null && current != body.Parent; child = current, current = current.Parent)
            {
                if (current is IConditionalOperation conditional && conditional.Condition != child
                    && conditional.Condition.DescendantsAndSelf().OfType<IMemberReferenceOperation>()
                        .Any(m => m.Type?.SpecialType == SpecialType.System_Boolean
                                  && m.Instance?.WalkDownConversions() is ILocalReferenceOperation l && IsOutcomeLocal(ef, l, body, cancellationToken)))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>A local declared in the loop body and initialized from <c>await</c> of a call that is not a database round trip.</summary>
        private static bool IsOutcomeLocal(EfCompilation ef, ILocalReferenceOperation reference, IOperation body, CancellationToken cancellationToken)
        {
            foreach (var op in body.Descendants())
            {
                if (op is IVariableDeclaratorOperation declarator && SymbolEqualityComparer.Default.Equals(declarator.Symbol, reference.Local))
                {
                    var value = declarator.Initializer?.Value ?? (declarator.Parent as IVariableDeclarationOperation)?.Initializer?.Value;
                    return value?.WalkDownConversions() is IAwaitOperation awaited && IsAction(ef, awaited.Operation, cancellationToken);
                }
            }

            return false;
        }

        /// <summary>The mark is in a try block (inside the loop body) after an awaited action, and a catch clause of that try marks the element too.</summary>
        private static bool IsTriedWithFailureMark(IOperation mark, IOperation body, ILocalSymbol element)
        {
            IOperation child = mark;
            for (var current = mark.Parent; current is not null && current != body.Parent; child = current, current = current.Parent)
            {
                if (current is ITryOperation tryOperation && tryOperation.Body == child)
                {
                    var awaitsBefore = tryOperation.Body.Descendants().OfType<IAwaitOperation>()
                        .Any(a => a.Syntax.SpanStart < mark.Syntax.SpanStart && !a.IsDescendantOf(mark) && !mark.IsDescendantOf(a));
                    return awaitsBefore && tryOperation.Catches.Any(c => c.Handler.Descendants().Any(o => IsMark(o, element)));
                }
            }

            return false;
        }

        /// <summary>
        /// The mark (an assignment to a member of the element, an entity) follows, in the loop body's own block, an awaited
        /// action that receives the element or what the iteration built from it (<c>await bus.SendAsync(new Outgoing { Id = e.Id, .. }); e.Published = true; await SaveChangesAsync();</c>,
        /// <c>var found = await idp.GetUserAsync(u.UserName); .. u.ExternalId = found.Id;</c>): an exception from the action
        /// leaves the loop before the mark, so the mark records that the action was taken. The action is a call that neither is
        /// nor reaches a database round trip (<see cref="RoundTripSummaries"/>) and answers nothing or a result object.
        /// </summary>
        private static bool IsMarkedAfterSend(EfCompilation ef, IOperation mark, IOperation body, ILocalSymbol element, CancellationToken cancellationToken)
        {
            // The mark is a column of the element's row (a call that receives the element is not one here: a loop that builds
            // order lines hands each cart item to helpers after awaiting others).
            if (body is not IBlockOperation block || mark is not ISimpleAssignmentOperation
                || !ef.GetModel(cancellationToken).IsEntityType(element.Type))
            {
                return false;
            }

            var statement = mark;
            while (statement.Parent is { } parent && parent != block)
            {
                statement = parent;
            }

            var index = block.Operations.IndexOf(statement);
            for (var i = 0; i < index; i++)
            {
                var awaited = block.Operations[i] switch
                {
                    IExpressionStatementOperation { Operation: IAwaitOperation await } => await.Operation,
                    IVariableDeclarationGroupOperation { Declarations.Length: 1 } group when group.Declarations[0].Declarators.Length == 1
                        => (group.Declarations[0].Declarators[0].Initializer?.Value.WalkDownConversions() as IAwaitOperation)?.Operation,
                    _ => null,
                };

                if (awaited is not null && IsSendOf(ef, awaited, block, element, cancellationToken))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>An action (not a round trip, reaching none) with an argument that reads the element or a local of the body built from it.</summary>
        private static bool IsSendOf(EfCompilation ef, IOperation call, IBlockOperation body, ILocalSymbol element, CancellationToken cancellationToken)
        {
            call = call.WalkDownConversions();
            if (call is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } awaitable })
            {
                call = awaitable.WalkDownConversions();
            }

            if (call is not IInvocationOperation invocation
                || !(invocation.Type is INamedTypeSymbol { Name: "Task" or "ValueTask", TypeArguments.Length: 0 } || IsResultObject(ef, invocation.Type, cancellationToken)
                     || IsResultContract(ef, invocation.Type, cancellationToken))
                || !invocation.Arguments.Any(a => ReadsElement(a.Value, body, element))
                || ef.TryGetRoundTrip(invocation, out _, cancellationToken)
                || ef.Summaries.Get(invocation, cancellationToken).PerformsRoundTrip)
            {
                return false;
            }

            return true;
        }

        /// <summary>
        /// An answer typed by an interface no entity type implements and that is not a sequence (an identity provider's
        /// <c>IUser</c>): what an outside service answers, not rows.
        /// </summary>
        private static bool IsResultContract(EfCompilation ef, ITypeSymbol? type, CancellationToken cancellationToken)
        {
            return AnswerOf(type) is INamedTypeSymbol { TypeKind: TypeKind.Interface } contract
                   && !ef.Symbols.IsSequenceType(contract)
                   && !ef.GetModel(cancellationToken).MayHoldEntities(contract);
        }

        /// <summary>The value reads the element, directly or through a local of <paramref name="body"/> initialized from it.</summary>
        private static bool ReadsElement(IOperation value, IBlockOperation body, ILocalSymbol element)
        {
            foreach (var reference in value.DescendantsAndSelf().OfType<ILocalReferenceOperation>())
            {
                if (SymbolEqualityComparer.Default.Equals(reference.Local, element))
                {
                    return true;
                }

                foreach (var write in BodyIndex.Of(body).Writes(reference.Local))
                {
                    if (write is IVariableDeclaratorOperation declarator && declarator.Initializer?.Value is { } initializer
                        && write.IsDescendantOf(body)
                        && initializer.DescendantsAndSelf().OfType<ILocalReferenceOperation>().Any(r => SymbolEqualityComparer.Default.Equals(r.Local, element)))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static bool IsAction(EfCompilation ef, IOperation call, CancellationToken cancellationToken)
        {
            call = call.WalkDownConversions();
            if (call is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } awaitable })
            {
                call = awaitable.WalkDownConversions();
            }

            return call is IInvocationOperation invocation && !ef.TryGetRoundTrip(invocation, out _, cancellationToken)
                   && IsResultObject(ef, invocation.Type, cancellationToken);
        }

        /// <summary>
        /// What an action answers: a result object (<c>SendResult</c>, a response), not a value, an entity or a list of them
        /// (a repository lookup whose answer decides an update is a query per row, not a queue).
        /// </summary>
        private static bool IsResultObject(EfCompilation ef, ITypeSymbol? type, CancellationToken cancellationToken)
        {
            return AnswerOf(type) is INamedTypeSymbol { SpecialType: SpecialType.None, TypeKind: TypeKind.Class or TypeKind.Struct } named
                   && !ef.Symbols.IsSequenceType(named)
                   && !ef.GetModel(cancellationToken).IsEntityType(named);
        }

        /// <summary>What an awaited call answers: the T of <c>Task&lt;T&gt;</c>/<c>ValueTask&lt;T&gt;</c>, else the type itself.</summary>
        private static ITypeSymbol? AnswerOf(ITypeSymbol? type)
            => type is INamedTypeSymbol { Name: "Task" or "ValueTask", TypeArguments.Length: 1 } task ? task.TypeArguments[0] : type;
    }
}
