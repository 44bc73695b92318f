using Microsoft.CodeAnalysis;

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
    }
}
