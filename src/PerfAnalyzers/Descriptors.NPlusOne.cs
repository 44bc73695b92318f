using Microsoft.CodeAnalysis;

namespace PerfAnalyzers
{
    internal static partial class Descriptors
    {
        internal static readonly DiagnosticDescriptor EFP101_QueryInLoop = new DiagnosticDescriptor(
            RuleIds.QueryInLoop,
            title: "Database query inside a loop",
            messageFormat: "'{0}' runs a database {1} on every {2}; load what the loop needs with one query before it",
            category: Performance,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "A query, Find, Load, ExecuteUpdate/ExecuteDelete or ExecuteSql inside a loop (or a lambda run per element of an in-memory sequence) costs one database round trip per element: the N of an N+1. Load the rows for all keys with one query (Contains over the keys, then ToLookup/ToDictionary), or Include the navigation on the query the loop iterates.",
            helpLinkUri: RuleIds.HelpUri(RuleIds.QueryInLoop));

        internal static readonly DiagnosticDescriptor EFP104_NPlusOneThroughCall = new DiagnosticDescriptor(
            RuleIds.NPlusOneThroughCall,
            title: "Database round trip through a call inside a loop",
            messageFormat: "'{0}' performs a database round trip on every {1} ({2}); load what the loop needs before it or give the method a batch overload",
            category: Performance,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "A method of this compilation that queries or saves (directly or through up to three further calls, interface calls with a single implementation included) is called once per element of a loop: an N+1 hidden behind a repository or helper method. Give the method a batch form that takes all keys, or load the data before the loop.",
            helpLinkUri: RuleIds.HelpUri(RuleIds.NPlusOneThroughCall));
    }
}
