namespace PerfAnalyzers.CodeFixes.Rules.Writes
{
    /// <summary>
    /// EFP206: replaces the load, the change of the column and (when it saved nothing else) the save with the
    /// ExecuteUpdate statement the analyzer built; the same replace-and-remove protocol as the EFP203/EFP204 fixes.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ReadModifyWriteFixer))]
    public sealed class ReadModifyWriteFixer() : LoopToBulkStatementFixer(RuleIds.ReadModifyWrite, Title, EquivalenceKey)
    {
        public const string EquivalenceKey = "EFP206_UseExecuteUpdate";

        // The UPDATE no longer goes through the change tracker: no SaveChanges interceptors or events, no concurrency check,
        // it runs when called, outside the transaction of a later SaveChanges. The title says it changes behaviour.
        public const string Title = "Use ExecuteUpdate (changes behaviour: runs immediately, bypasses the change tracker and SaveChanges)";
    }
}
