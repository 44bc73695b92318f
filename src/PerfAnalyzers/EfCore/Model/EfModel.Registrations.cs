namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// Contexts and their registrations: the DbContext types declared in source, <c>AddDbContext</c>/<c>AddDbContextPool</c>/
    /// <c>AddDbContextFactory</c>/<c>AddPooledDbContextFactory</c> registrations, and which contexts' options are visible
    /// (an <c>OnConfiguring</c> override or a registration). The options inside them (lazy loading, split queries, tracking)
    /// are read by the same scan and answered in their own files.
    /// </summary>
    internal sealed partial class EfModel
    {
        /// <summary>The DbContext types declared in source.</summary>
        public IEnumerable<ITypeSymbol> SourceContexts => Scan().SourceContexts;

        /// <summary>The context (or a base) is registered with one of the AddDbContext* methods; the method names.</summary>
        public IEnumerable<string> GetRegistrations(ITypeSymbol contextType)
            => Scan().Registrations.Where(r => EfSymbols.InheritsFrom(contextType, r.Context)).Select(r => r.Method).Distinct();

        /// <summary>The context's options are visible in this compilation: an OnConfiguring override or an AddDbContext*-style registration.</summary>
        public bool IsConfigured(ITypeSymbol contextType) => AnyInHierarchy(contextType, Scan().ConfiguredContexts);

        /// <summary>EF Core's DI registration methods (AddDbContext, AddDbContextPool, AddDbContextFactory, AddPooledDbContextFactory).</summary>
        public static bool IsRegistrationMethodName(string name) => ModelScan.RegistrationMethods.Contains(name);
    }
}
