namespace PerfAnalyzers
{
    internal static partial class Descriptors
    {
        internal static readonly DiagnosticDescriptor EFP401_SyncCallInAsyncCode = new DiagnosticDescriptor(
            RuleIds.SyncCallInAsyncCode,
            title: "Synchronous EF Core call in async code",
            messageFormat: "'{0}' blocks a thread-pool thread until the database answers; in this async code await '{1}' instead",
            category: Performance,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "A synchronous EF Core round trip (ToList, First, Count, Any, Find, SaveChanges, Load, ExecuteUpdate, ExecuteSql, foreach over a query...) inside an async method, lambda or local function holds its thread for the whole database round trip, defeating the point of async code and starving the thread pool under load. Await the Async form (and pass the CancellationToken in scope).",
            helpLinkUri: RuleIds.HelpUri(RuleIds.SyncCallInAsyncCode));

        /// <summary>EFP401, second shape: a synchronous wait on the task of an EF Core async call (same ID and title).</summary>
        internal static readonly DiagnosticDescriptor EFP401_BlockingWaitOnEfTask = new DiagnosticDescriptor(
            RuleIds.SyncCallInAsyncCode,
            title: "Synchronous EF Core call in async code",
            messageFormat: "'{0}' on the task of '{1}' blocks a thread for the whole database round trip and can deadlock under a synchronization context; await the task (or call the synchronous EF Core method in synchronous code)",
            category: Performance,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "'.Result', '.Wait()' or '.GetAwaiter().GetResult()' on the task returned by an EF Core async call (ToListAsync, SaveChangesAsync, FindAsync...) holds a thread-pool thread for the whole round trip, in sync and async code alike, and deadlocks when a synchronization context waits for the continuation. Await the task, or use the synchronous EF Core method where the code must stay synchronous.",
            helpLinkUri: RuleIds.HelpUri(RuleIds.SyncCallInAsyncCode));

        internal static readonly DiagnosticDescriptor EFP402_ConcurrentContextOperations = new DiagnosticDescriptor(
            RuleIds.ConcurrentContextOperations,
            title: "Operations on one DbContext run concurrently",
            messageFormat: "Operations on DbContext '{0}' run at the same time ({1}); a DbContext allows one operation at a time: await them one after another, or give each task its own context",
            category: Performance,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "A DbContext is not thread-safe and allows one database operation at a time. Tasks on the same context awaited together (Task.WhenAll/WhenAny, Select(async x => ...)), a task started and awaited after another operation on the context, or Parallel/Task.Run bodies that use a context of the enclosing scope throw 'A second operation was started on this context instance' at run time, or corrupt the change tracker. Await the operations one after another, or create a context per task (IDbContextFactory<T>, a new DI scope).",
            helpLinkUri: RuleIds.HelpUri(RuleIds.ConcurrentContextOperations));

        internal static readonly DiagnosticDescriptor EFP403_ContextCapturedBeyondScope = new DiagnosticDescriptor(
            RuleIds.ContextCapturedBeyondScope,
            title: "DbContext captured beyond its scope",
            messageFormat: "DbContext '{0}' {1}, which outlives the scope the context belongs to: create the context where the work runs (IServiceScopeFactory, IDbContextFactory<T>)",
            category: Performance,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "A DbContext from dependency injection lives for one scope (a web request) and is disposed when it ends. Used from fire-and-forget work (an un-awaited Task.Run, StartNew or async call, a Timer or ThreadPool callback) it is used after disposal or concurrently with the request; kept in a static field or a singleton it is shared by every request and never refreshed. Create the context where the work runs: IServiceScopeFactory.CreateScope in the background work, IDbContextFactory<T>, or a queue drained by a hosted service.",
            helpLinkUri: RuleIds.HelpUri(RuleIds.ContextCapturedBeyondScope));
    }
}
