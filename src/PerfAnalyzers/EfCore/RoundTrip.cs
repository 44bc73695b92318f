namespace PerfAnalyzers.EfCore
{
    internal enum RoundTripKind
    {
        /// <summary>ToList, First, Count, Any, ToListAsync... on an EF query.</summary>
        Query,

        /// <summary><c>foreach</c> / <c>await foreach</c> over an EF query.</summary>
        Enumeration,

        /// <summary>DbSet/DbContext.Find(Async).</summary>
        Find,

        /// <summary>Entry(x).Collection(..).Load(), Reference(..).Load(), query.Load().</summary>
        Load,

        /// <summary>SaveChanges(Async).</summary>
        SaveChanges,

        /// <summary>ExecuteUpdate(Async) / ExecuteDelete(Async).</summary>
        BulkUpdate,

        BulkDelete,

        /// <summary>Database.ExecuteSql*(Async).</summary>
        RawSqlCommand,
    }

    /// <summary>An operation that goes to the database: what kind, which call, and which query (if any).</summary>
    internal sealed class RoundTrip(RoundTripKind kind, IOperation operation, string operationName, QueryChain query, bool isAsync)
    {
        public RoundTripKind Kind { get; } = kind;

        /// <summary>The invocation, or the foreach loop for <see cref="RoundTripKind.Enumeration"/>.</summary>
        public IOperation Operation { get; } = operation;

        /// <summary>What to call it in a message: the method name (ToList, SaveChangesAsync...) or "foreach".</summary>
        public string OperationName { get; } = operationName;

        /// <summary>The query executed, or <see cref="QueryChain.None"/> (SaveChanges, ExecuteSql...).</summary>
        public QueryChain Query { get; } = query;

        public bool IsAsync { get; } = isAsync;

        public Location Location => Operation is IInvocationOperation invocation
            ? invocation.GetMethodNameLocation()
            : Operation.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.CommonForEachStatementSyntax forEach
                ? forEach.Expression.GetLocation()
                : Operation.Syntax.GetLocation();

        public override string ToString() => $"{Kind} {OperationName} {Query}";
    }
}
