namespace PerfAnalyzers.Rules
{
    /// <summary>
    /// What every PerfAnalyzers rule does first: concurrent execution, no generated code, and nothing at all unless the
    /// compilation references EF Core. The rule registers its actions in <see cref="OnCompilationStart"/> with the
    /// compilation's one <see cref="EfCompilation"/>, which every rule shares (its model scans and query-chain cache run
    /// once per compilation, not once per rule). The rule passes the descriptors it reports to the base constructor.
    /// </summary>
    public abstract class EfAnalyzer(params DiagnosticDescriptor[] supportedDiagnostics) : DiagnosticAnalyzer
    {
        public sealed override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(supportedDiagnostics);

        public sealed override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                var ef = EfCompilation.For(start.Compilation);
                if (ef is not null)
                {
                    OnCompilationStart(start, ef);
                }
            });
        }

        /// <summary>Registers the rule's actions; called once per compilation that references EF Core.</summary>
        private protected abstract void OnCompilationStart(CompilationStartAnalysisContext start, EfCompilation ef);
    }
}
