namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// "Does this call save changes?" Not only <c>DbContext.SaveChanges[Async]</c>: also the same method on an
    /// application interface over the context (<c>IApplicationDbContext.SaveChangesAsync</c>), a unit of work
    /// (<c>IUnitOfWork.CommitAsync</c>/<c>CompleteAsync</c>/<c>SaveAsync</c>), and a parameterless source method (a
    /// <c>CancellationToken</c> aside) whose body saves (followed two calls deep: <c>repository.SaveAsync()</c> ->
    /// <c>_db.SaveChangesAsync()</c>). A method that takes data (<c>CreateReply(input)</c>) saves its own entities.
    /// </summary>
    internal static class SaveCalls
    {
        private const int MaxDepth = 2;

        public static bool IsSave(IInvocationOperation invocation, EfSymbols symbols, CancellationToken cancellationToken)
            => IsSave(invocation.TargetMethod, symbols, 0, cancellationToken);

        /// <summary>Any call in <paramref name="body"/> saves changes.</summary>
        public static bool AnySave(IOperation body, EfSymbols symbols, CancellationToken cancellationToken)
        {
            // Once per body (BodyIndex), not once per question.
            var index = BodyIndex.Of(body);
            return index.Root == body
                ? index.Fact(AnySaveFact, i => i.Operations.OfType<IInvocationOperation>().Any(call => IsSave(call, symbols, cancellationToken)))
                : body.Descendants().OfType<IInvocationOperation>().Any(i => IsSave(i, symbols, cancellationToken));
        }

        private static readonly object AnySaveFact = new object();

        private static bool IsSave(IMethodSymbol method, EfSymbols symbols, int depth, CancellationToken cancellationToken)
        {
            if (symbols.IsSaveChanges(method))
            {
                return true;
            }

            var type = method.ContainingType;
            if (type is null)
            {
                return false;
            }

            // An abstraction over the context or a unit of work: its implementation is out of sight (an interface or abstract member).
            if ((type.TypeKind == TypeKind.Interface || method.IsAbstract)
                && (method.Name is "SaveChanges" or "SaveChangesAsync"
                    || (method.Name is "Commit" or "CommitAsync" or "Complete" or "CompleteAsync" or "Save" or "SaveAsync" or "SaveEntitiesAsync"
                        && (type.Name.IndexOf("UnitOfWork", StringComparison.Ordinal) >= 0 || type.Name.IndexOf("Context", StringComparison.Ordinal) >= 0
                            || type.Name.IndexOf("Repository", StringComparison.Ordinal) >= 0))))
            {
                return true;
            }

            // Only a parameterless save-like method is followed (repository.SaveAsync(), unitOfWork.Commit(ct)): a method
            // that takes data (MessageRepository.CreateReply(input)) does its own work and saves its own entities.
            if (depth >= MaxDepth || method.DeclaringSyntaxReferences.Length == 0
                || method.Parameters.Any(p => p.Type.Name != "CancellationToken"))
            {
                return false;
            }

            var body = SourceBodies.GetBody(symbols.Compilation, method, cancellationToken);
            return body is not null
                   && body.Descendants().OfType<IInvocationOperation>().Any(i => IsSave(i.TargetMethod, symbols, depth + 1, cancellationToken));
        }
    }
}
