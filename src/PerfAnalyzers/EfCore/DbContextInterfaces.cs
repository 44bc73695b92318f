using System.Collections.Concurrent;

namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// "Is this interface a DbContext?" (<c>IApplicationDbContext</c>, <c>IUnitOfWork</c>...). Yes when every concrete
    /// type of the compilation that implements it is a DbContext (and there is at least one); or, when none of the
    /// compilation implements it (the Clean Architecture layout: the interface lives in the application project, the
    /// context in an infrastructure project that references it), when it declares both a DbSet&lt;T&gt; property and a
    /// SaveChanges(Async) method. An interface with an implementation that is not a DbContext (a unit of work that
    /// wraps one, an in-memory fake) is not: calls through it are followed by <see cref="RoundTripSummaries"/> instead.
    /// Answers are cached per interface.
    /// </summary>
    internal sealed class DbContextInterfaces
    {
        private readonly EfSymbols _ef;
        private readonly ConcurrentDictionary<INamedTypeSymbol, bool> _cache = new ConcurrentDictionary<INamedTypeSymbol, bool>(SymbolEqualityComparer.Default);

        public DbContextInterfaces(EfSymbols ef) => _ef = ef;

        public bool IsDbContextInterface(ITypeSymbol? type)
            => type is INamedTypeSymbol { TypeKind: TypeKind.Interface } named
               && _cache.GetOrAdd(named.OriginalDefinition, Compute);

        private bool Compute(INamedTypeSymbol type)
        {
            var implementations = _ef.SourceTypes.ConcreteTypesOf(type);
            if (implementations.Length > 0)
            {
                return implementations.All(_ef.IsDbContext);
            }

            var hasDbSet = false;
            var hasSaveChanges = false;
            foreach (var member in new[] { type }.Concat(type.AllInterfaces).SelectMany(i => i.GetMembers()))
            {
                switch (member)
                {
                    case IPropertySymbol property when _ef.IsDbSet(property.Type):
                        hasDbSet = true;
                        break;
                    case IMethodSymbol { Name: "SaveChanges" or "SaveChangesAsync" }:
                        hasSaveChanges = true;
                        break;
                }
            }

            return hasDbSet && hasSaveChanges;
        }
    }
}
