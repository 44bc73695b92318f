using Microsoft.CodeAnalysis;

namespace PerfAnalyzers
{
    internal static partial class Descriptors
    {
        internal static readonly DiagnosticDescriptor EFP304_CountInsteadOfAny = new DiagnosticDescriptor(
            RuleIds.CountInsteadOfAny,
            title: "Count() compared with 0 instead of Any()",
            messageFormat: "'{0}' counts every matching row only to compare the count with 0; use '{1}', which stops at the first row",
            category: Performance,
            defaultSeverity: DiagnosticSeverity.Info,
            isEnabledByDefault: true,
            description: "SELECT COUNT(*) must visit every matching row (or index entry); EXISTS stops at the first one. When only 'is there any?' matters, Any()/AnyAsync() is never slower and usually much faster on large tables.",
            helpLinkUri: RuleIds.HelpUri(RuleIds.CountInsteadOfAny));
    

        internal static readonly DiagnosticDescriptor EFP306_PagingWithoutOrderBy = new DiagnosticDescriptor(
            RuleIds.PagingWithoutOrderBy,
            title: "Paging without OrderBy",
            messageFormat: "'{0}' on a query without OrderBy{1} picks rows in an undefined order: the result can change from one run to the next; order the query first{2}",
            category: Performance,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "Without ORDER BY a relational database returns rows in whatever order its plan produces, which changes with data, indexes, parallelism and provider. Skip/Take/ElementAt then page over an undefined order (rows repeat or go missing between pages), and First() without a filter returns an arbitrary row; EF Core itself logs RowLimitingOperationWithoutOrderByWarning and FirstWithoutOrderByAndFilterWarning at run time.",
            helpLinkUri: RuleIds.HelpUri(RuleIds.PagingWithoutOrderBy));
    }
}
