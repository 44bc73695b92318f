using System.Collections.Generic;
using System.Linq;

namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// Which database provider a context runs on, from the provider calls the configuration scan attributes to it
    /// (<c>UseSqlite</c>, <c>UseSqlServer</c>, <c>UseNpgsql</c>... in <c>OnConfiguring</c> or an <c>AddDbContext*</c> registration).
    /// </summary>
    internal sealed partial class EfModel
    {
        /// <summary>
        /// The context (a DbContext type, an interface only contexts implement, or when not visible every source context
        /// that exposes <paramref name="entityType"/>) is configured for SQLite and nothing else in this compilation. On
        /// SQLite, Microsoft.Data.Sqlite runs the async methods synchronously: an awaited <c>ToListAsync</c> holds its thread
        /// as <c>ToList</c> does. False when a provider call could not be attributed or the scan is incomplete.
        /// </summary>
        public bool RunsOnSqliteOnly(ITypeSymbol? contextType, ITypeSymbol? entityType)
        {
            var scan = Scan();
            if (scan.Incomplete || scan.OtherProviderUnattributed || scan.SqliteContexts.Count == 0)
            {
                return false;
            }

            // A source context type answers for itself; EF's DbContext base (a generic repository), an interface or no type
            // at all (a transaction) answer for the contexts they can stand for.
            if (contextType is not null && _ef.IsDbContext(contextType) && !SymbolEqualityComparer.Default.Equals(contextType.OriginalDefinition, _ef.DbContext))
            {
                return IsSqliteOnly(contextType, scan);
            }

            var candidates = contextType is INamedTypeSymbol { TypeKind: TypeKind.Interface } contract
                ? _ef.SourceTypes.ConcreteTypesOf(contract).Where(_ef.IsDbContext).Cast<ITypeSymbol>().ToList()
                : new List<ITypeSymbol>();
            if (candidates.Count == 0)
            {
                candidates = entityType is not null
                    ? scan.SourceContexts.Where(c => ExposesEntity(c, entityType)).ToList()
                    : scan.SourceContexts.ToList();
            }

            return candidates.Count > 0 && candidates.All(c => IsSqliteOnly(c, scan));
        }

        private static bool IsSqliteOnly(ITypeSymbol context, ModelScan scan)
            => AnyInHierarchy(context, scan.SqliteContexts)
               && !AnyInHierarchy(context, scan.OtherProviderContexts)
               && !scan.OtherProviderContexts.Any(other => EfSymbols.InheritsFrom(other, context));
    }
}
