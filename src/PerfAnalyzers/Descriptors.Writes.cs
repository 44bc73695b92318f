namespace PerfAnalyzers
{
    internal static partial class Descriptors
    {
        internal static readonly DiagnosticDescriptor EFP201_SaveChangesInLoop = new DiagnosticDescriptor(
            RuleIds.SaveChangesInLoop,
            title: "SaveChanges is called inside a loop",
            messageFormat: "'{0}' runs once per iteration of this '{1}' loop: each call is a database round trip and its own transaction; call it once after the loop",
            category: Performance,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "Calling SaveChanges or SaveChangesAsync on every iteration sends one batch, one transaction and one round trip per row. Let the change tracker collect the changes and save them once after the loop.",
            helpLinkUri: RuleIds.HelpUri(RuleIds.SaveChangesInLoop));

        internal static readonly DiagnosticDescriptor EFP202_AddInLoop = new DiagnosticDescriptor(
            RuleIds.AddInLoop,
            title: "Entities are added one at a time in a loop",
            messageFormat: "'{0}' adds one entity per iteration of this '{1}' loop that only builds and adds entities; collect them and call {2} once after the loop",
            category: Performance,
            defaultSeverity: DiagnosticSeverity.Hidden,
            isEnabledByDefault: false,
            description: "Retired (off by default): measured, collecting the entities and calling AddRange once saves nothing worth a finding (1,000 adds: 85 -> 84 ms and 15.5 -> 15.4 MB on SQLite, 580 -> 667 ms on PostgreSQL); the INSERT statements sent by SaveChanges are the same either way. Enable it by setting its severity if you want the style advice. The ID is never reused.",
            helpLinkUri: RuleIds.HelpUri(RuleIds.AddInLoop));

        internal static readonly DiagnosticDescriptor EFP203_UpdateLoop = new DiagnosticDescriptor(
            RuleIds.UpdateLoop,
            title: "Entities are loaded and updated one by one; use ExecuteUpdate",
            messageFormat: "These '{0}' entities are loaded, changed in a loop and saved: one ExecuteUpdate does the same in a single statement without loading them{1}",
            category: Performance,
            defaultSeverity: DiagnosticSeverity.Info,
            isEnabledByDefault: true,
            description: "Loading entities only to set columns from constants, captured values or their own columns, then saving them, costs a query, the transfer of every row and one UPDATE per row. ExecuteUpdate (EF Core 7+) sends one UPDATE statement.",
            helpLinkUri: RuleIds.HelpUri(RuleIds.UpdateLoop));

        internal static readonly DiagnosticDescriptor EFP204_DeleteLoop = new DiagnosticDescriptor(
            RuleIds.DeleteLoop,
            title: "Entities are loaded only to be deleted; use ExecuteDelete",
            messageFormat: "'{0}' deletes '{1}' entities that are loaded only to be deleted: one ExecuteDelete does the same in a single statement without loading them{2}",
            category: Performance,
            defaultSeverity: DiagnosticSeverity.Info,
            isEnabledByDefault: true,
            description: "Loading entities to pass them to Remove/RemoveRange and SaveChanges costs a query, the transfer of every row and one DELETE per row. ExecuteDelete (EF Core 7+) sends one DELETE statement.",
            helpLinkUri: RuleIds.HelpUri(RuleIds.DeleteLoop));

        internal static readonly DiagnosticDescriptor EFP205_BulkOperationWithoutFilter = new DiagnosticDescriptor(
            RuleIds.BulkOperationWithoutFilter,
            title: "Bulk update or delete without a filter",
            messageFormat: "'{0}' runs on every row of '{1}': the query has no Where filter",
            category: Performance,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "ExecuteUpdate and ExecuteDelete on a query without a Where clause change or delete the whole table in one statement, bypassing the change tracker. Make sure that is intended, or add the missing filter.",
            helpLinkUri: RuleIds.HelpUri(RuleIds.BulkOperationWithoutFilter));

        internal static readonly DiagnosticDescriptor EFP206_ReadModifyWrite = new DiagnosticDescriptor(
            RuleIds.ReadModifyWrite,
            title: "A column is read, changed from its own value and saved back; use ExecuteUpdate",
            messageFormat: "'{0}.{1}' is loaded, changed from its own value and saved: two round trips, and two requests at once overwrite each other's change (a lost update); one ExecuteUpdate computes it in the database{2}",
            category: Performance,
            defaultSeverity: DiagnosticSeverity.Info,
            isEnabledByDefault: true,
            description: "Loading an entity only to change a column relative to its own value (count += n, balance -= amount) and saving it costs a SELECT and an UPDATE, and the UPDATE writes the value computed from what was read: two requests that read the same value both write their result and one change is lost. ExecuteUpdate (EF Core 7+) with SetProperty(x => x.Count, x => x.Count + n) sends one UPDATE that computes the new value from the current one.",
            helpLinkUri: RuleIds.HelpUri(RuleIds.ReadModifyWrite));
    }
}
