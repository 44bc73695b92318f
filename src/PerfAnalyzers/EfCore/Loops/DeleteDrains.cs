namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// "Does this <c>Take(n)</c> pick the next batch of rows to delete, until none is left?" — a delete-in-batches loop:
    /// a <c>while</c>/<c>do</c>/<c>for</c> loop that takes a batch of a query and deletes it
    /// (<c>q.Take(100).ExecuteDelete()</c>; or loads it and passes it to <c>RemoveRange</c>, removes each row, or deletes
    /// by its keys with <c>Where(x => ids.Contains(x.Id)).ExecuteDelete()</c>; or the loop deletes rows of the same
    /// entity set in its body, after copying the batch elsewhere). Every row is visited, so which rows
    /// make up a batch, and therefore the order, does not matter.
    /// </summary>
    internal static class DeleteDrains
    {
        public static bool IsDeleteDrain(EfCompilation ef, IInvocationOperation take, ITypeSymbol? entityType, CancellationToken cancellationToken)
        {
            var placement = ef.Loops.FindEnclosingLoop(take);
            if (placement is null || placement.Loop.Kind is not (LoopKind.While or LoopKind.DoWhile or LoopKind.For))
            {
                // The first batch read before the loop: var batch = q.Take(100).ToList(); while (batch.Count > 0) { db.RemoveRange(batch); ...; batch = q.Take(100).ToList(); }
                return IsPrimedDrain(ef, take, entityType, cancellationToken);
            }

            var loop = placement.Loop.Loop;

            // Up the chain: q.Take(100)[.Select(..)].ExecuteDelete() / .ToList() / await .ToListAsync().ConfigureAwait(false).
            IOperation top = take;
            while (true)
            {
                if (IsDelete(ef, top, entityType, cancellationToken))
                {
                    return true;
                }

                if (Up(top) is not { } next)
                {
                    break;
                }

                top = next;
            }

            // db.Posts.RemoveRange(q.Take(100)) and friends: an enclosing delete.
            if (DeletedByAncestor(ef, top, loop, entityType, cancellationToken))
            {
                return true;
            }

            // Or the loop deletes rows of the same entity set as it goes (the batch copied into a buffer first, then
            // deleted by keys: jellyfin's PeopleValidationTask).
            if (entityType is not null && DeletesFromSet(ef, loop, entityType, cancellationToken))
            {
                return true;
            }

            return AssignedLocal(top) is { } local && DeletesBatch(ef, loop, local, entityType, cancellationToken);
        }

        /// <summary>
        /// The loop deletes the batch held in <paramref name="local"/>: an enclosing delete (RemoveRange(batch), ExecuteDelete
        /// by the batch's keys), or the batch's rows removed (<see cref="EntityChanges"/>: <c>foreach (var row in batch) db.Remove(row);</c>).
        /// </summary>
        private static bool DeletesBatch(EfCompilation ef, IOperation loop, ILocalSymbol local, ITypeSymbol? entityType, CancellationToken cancellationToken)
        {
            foreach (var reference in loop.Descendants().OfType<ILocalReferenceOperation>())
            {
                if (!SymbolEqualityComparer.Default.Equals(reference.Local, local) || reference.Parent is ISimpleAssignmentOperation { Target: var t } && t == reference)
                {
                    continue;
                }

                if (DeletedByAncestor(ef, reference, loop, entityType, cancellationToken))
                {
                    return true;
                }

                // foreach (var row in batch) db.Remove(row);
                if ((EntityChanges.Of(ef.Symbols, reference, FlowShape.Sequence, loop, cancellationToken) & EntityChange.Deleted) != 0)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The batch is read once before a <c>while</c>/<c>do</c> loop, into a local that the loop deletes and reads again:
        /// the first batch of the drain (Oqtane's <c>DeleteAllSearchContent</c>).
        /// </summary>
        private static bool IsPrimedDrain(EfCompilation ef, IInvocationOperation take, ITypeSymbol? entityType, CancellationToken cancellationToken)
        {
            IOperation top = take;
            while (Up(top) is { } next)
            {
                top = next;
            }

            var statement = top;
            while (statement.Parent is not null and not IBlockOperation)
            {
                statement = statement.Parent;
            }

            if (AssignedLocal(top) is not { } local || statement.Parent is not IBlockOperation block)
            {
                return false;
            }

            // The first while loop after the read: it deletes the batch and reads the next one into the same local.
            var loop = block.Operations.Skip(block.Operations.IndexOf(statement) + 1).OfType<IWhileLoopOperation>().FirstOrDefault();
            return loop is not null
                   && loop.Body.Descendants().OfType<ILocalReferenceOperation>().Any(r => SymbolEqualityComparer.Default.Equals(r.Local, local)
                                                                                          && r.Parent is ISimpleAssignmentOperation { Target: var assigned } && assigned == r)
                   && DeletesBatch(ef, loop, local, entityType, cancellationToken);
        }

        /// <summary>One step up a query chain: a conversion or await, the extension call it is the source of, or the instance call on it.</summary>
        private static IOperation? Up(IOperation top)
            => top.Parent switch
            {
                IConversionOperation or IAwaitOperation => top.Parent,
                IArgumentOperation { Parent: IInvocationOperation next } argument when argument.Parameter?.Ordinal == 0 && next.TargetMethod.IsExtensionMethod => next,
                IInvocationOperation instanceCall when instanceCall.Instance == top => instanceCall,
                _ => null,
            };

        /// <summary>The local a chain's result is declared into or assigned to (<c>var batch = ...</c>, <c>batch = ...</c>).</summary>
        private static ILocalSymbol? AssignedLocal(IOperation top)
            => top.Parent switch
            {
                IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol,
                ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment when assignment.Value == top => target.Local,
                _ => null,
            };

        private static bool DeletesFromSet(EfCompilation ef, IOperation loop, ITypeSymbol entityType, CancellationToken cancellationToken)
        {
            foreach (var op in loop.Descendants())
            {
                if (op is not IInvocationOperation invocation)
                {
                    continue;
                }

                var deleted = Deleted(ef, invocation, cancellationToken);
                if (deleted is not null && SymbolEqualityComparer.Default.Equals(deleted.OriginalDefinition, entityType.OriginalDefinition))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool DeletedByAncestor(EfCompilation ef, IOperation operation, IOperation loop, ITypeSymbol? entityType, CancellationToken cancellationToken)
        {
            for (var current = operation.Parent; current is not null && current != loop; current = current.Parent)
            {
                if (IsDelete(ef, current, entityType, cancellationToken))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>ExecuteDelete(Async) or RemoveRange (on a DbSet/DbContext) of the batch's entity set, when both are known.</summary>
        private static bool IsDelete(EfCompilation ef, IOperation operation, ITypeSymbol? entityType, CancellationToken cancellationToken)
        {
            if (operation is not IInvocationOperation invocation)
            {
                return false;
            }

            var isRemoveRange = TrackerCall.Of(ef.Symbols, invocation) is { Kind: TrackerKind.Remove, IsRange: true };
            if (!isRemoveRange && !IsExecuteDelete(ef, invocation, out _, cancellationToken))
            {
                return false;
            }

            var deleted = Deleted(ef, invocation, cancellationToken);
            return deleted is null || entityType is null || SymbolEqualityComparer.Default.Equals(deleted.OriginalDefinition, entityType.OriginalDefinition);
        }

        /// <summary>
        /// The entity type a delete call deletes: ExecuteDelete's query's, a Remove/RemoveRange's (<see cref="TrackerCall.Entity"/>;
        /// a context's params <c>object</c> overload says nothing), or null.
        /// </summary>
        private static ITypeSymbol? Deleted(EfCompilation ef, IInvocationOperation invocation, CancellationToken cancellationToken)
        {
            if (IsExecuteDelete(ef, invocation, out var query, cancellationToken))
            {
                return query;
            }

            return TrackerCall.Of(ef.Symbols, invocation) is { Kind: TrackerKind.Remove, Entity: { SpecialType: not SpecialType.System_Object } entity } ? entity : null;
        }

        private static bool IsExecuteDelete(EfCompilation ef, IInvocationOperation invocation, out ITypeSymbol? deleted, CancellationToken cancellationToken)
        {
            deleted = null;
            if (!invocation.TargetMethod.Name.StartsWith("ExecuteDelete", System.StringComparison.Ordinal)
                || !ef.TryGetRoundTrip(invocation, out var roundTrip, cancellationToken) || roundTrip.Kind != RoundTripKind.BulkDelete)
            {
                return false;
            }

            deleted = roundTrip.Query.EntityType;
            return true;
        }
    }
}
