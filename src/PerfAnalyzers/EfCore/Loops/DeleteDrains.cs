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

                var parent = top.Parent;
                if (parent is IConversionOperation or IAwaitOperation)
                {
                    top = parent;
                    continue;
                }

                if (parent is IArgumentOperation { Parent: IInvocationOperation next } argument && argument.Parameter?.Ordinal == 0 && next.TargetMethod.IsExtensionMethod)
                {
                    top = next;
                    continue;
                }

                if (parent is IInvocationOperation instanceCall && instanceCall.Instance == top)
                {
                    top = instanceCall;
                    continue;
                }

                break;
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

            var local = top.Parent switch
            {
                IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol,
                ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment when assignment.Value == top => target.Local,
                _ => null,
            };
            if (local is null)
            {
                return false;
            }

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
                if (reference.Parent?.WalkUpConversions() is IForEachLoopOperation forEach && forEach.Collection.WalkDownConversions() == reference
                    && forEach.Body.Descendants().Any(o => o is IInvocationOperation { TargetMethod.Name: "Remove" } remove && IsEfWriter(ef, remove.TargetMethod)))
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
            while (top.Parent is IConversionOperation or IAwaitOperation
                   || top.Parent is IArgumentOperation { Parent: IInvocationOperation { TargetMethod.IsExtensionMethod: true } } argument && argument.Parameter?.Ordinal == 0
                   || top.Parent is IInvocationOperation call && call.Instance == top)
            {
                top = top.Parent is IArgumentOperation { Parent: { } next } ? next : top.Parent!;
            }

            ILocalSymbol? local = top.Parent switch
            {
                IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol,
                ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment when assignment.Value == top => target.Local,
                _ => null,
            };

            var statement = top;
            while (statement.Parent is not null and not IBlockOperation)
            {
                statement = statement.Parent;
            }

            if (local is null || statement.Parent is not IBlockOperation block)
            {
                return false;
            }

            var index = block.Operations.IndexOf(statement);
            for (var i = index + 1; i < block.Operations.Length; i++)
            {
                if (block.Operations[i] is not IWhileLoopOperation loop)
                {
                    continue;
                }

                var deletes = false;
                var readsAgain = false;
                foreach (var reference in loop.Body.Descendants().OfType<ILocalReferenceOperation>())
                {
                    if (!SymbolEqualityComparer.Default.Equals(reference.Local, local))
                    {
                        continue;
                    }

                    if (reference.Parent is ISimpleAssignmentOperation { Target: var assigned } && assigned == reference)
                    {
                        readsAgain = true;
                    }
                    else if (DeletedByAncestor(ef, reference, loop, entityType, cancellationToken))
                    {
                        deletes = true;
                    }
                }

                return deletes && readsAgain;
            }

            return false;
        }

        private static bool DeletesFromSet(EfCompilation ef, IOperation loop, ITypeSymbol entityType, CancellationToken cancellationToken)
        {
            foreach (var op in loop.Descendants())
            {
                if (op is not IInvocationOperation invocation)
                {
                    continue;
                }

                var method = invocation.TargetMethod;
                ITypeSymbol? deleted = null;
                if (method.Name.StartsWith("ExecuteDelete", System.StringComparison.Ordinal)
                    && ef.TryGetRoundTrip(invocation, out var roundTrip, cancellationToken) && roundTrip.Kind == RoundTripKind.BulkDelete)
                {
                    deleted = roundTrip.Query.EntityType;
                }
                else if (method.Name is "Remove" or "RemoveRange" && ef.Symbols.IsDbSet(method.ContainingType)
                         && method.ContainingType is INamedTypeSymbol { TypeArguments.Length: 1 } set)
                {
                    deleted = set.TypeArguments[0];
                }

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

            var method = invocation.TargetMethod;
            ITypeSymbol? deleted;
            if (method.Name == "RemoveRange" && IsEfWriter(ef, method))
            {
                deleted = method.ContainingType is INamedTypeSymbol { TypeArguments.Length: 1 } set && ef.Symbols.IsDbSet(set) ? set.TypeArguments[0] : null;
            }
            else if (method.Name.StartsWith("ExecuteDelete", System.StringComparison.Ordinal)
                     && ef.TryGetRoundTrip(invocation, out var roundTrip, cancellationToken) && roundTrip.Kind == RoundTripKind.BulkDelete)
            {
                deleted = roundTrip.Query.EntityType;
            }
            else
            {
                return false;
            }

            return deleted is null || entityType is null || SymbolEqualityComparer.Default.Equals(deleted.OriginalDefinition, entityType.OriginalDefinition);
        }

        private static bool IsEfWriter(EfCompilation ef, IMethodSymbol method)
            => ef.Symbols.IsDbSet(method.ContainingType) || ef.Symbols.IsDbContext(method.ContainingType);

        private static IOperation WalkUpConversions(this IOperation operation)
        {
            var current = operation;
            while (current is IConversionOperation && current.Parent is not null)
            {
                current = current.Parent;
            }

            return current;
        }
    }
}
