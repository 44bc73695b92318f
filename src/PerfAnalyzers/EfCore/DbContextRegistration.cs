namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// What EF Core requires of a DbContext registered in DI, and whether it can be pooled
    /// (<c>AddDbContextPool</c>): EF Core's pool builds each instance through a public constructor taking only
    /// <c>DbContextOptions</c>, keeps it alive across requests and resets only EF's own state. A context that takes other
    /// services, keeps its own mutable state, or configures itself from instance state in OnConfiguring cannot be
    /// pooled without changing behaviour.
    /// </summary>
    internal sealed class DbContextRegistration
    {
        private readonly EfSymbols _ef;
        private readonly INamedTypeSymbol? _extensions;
        private readonly INamedTypeSymbol? _options;
        private readonly INamedTypeSymbol? _optionsOfT;

        public DbContextRegistration(EfSymbols ef)
        {
            _ef = ef;
            _extensions = ef.Compilation.GetTypeByMetadataName("Microsoft.Extensions.DependencyInjection.EntityFrameworkServiceCollectionExtensions");
            _options = ef.Compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.DbContextOptions");
            _optionsOfT = ef.Compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.DbContextOptions`1");
            ServiceLifetime = ef.Compilation.GetTypeByMetadataName("Microsoft.Extensions.DependencyInjection.ServiceLifetime");
        }

        public INamedTypeSymbol? ServiceLifetime { get; }

        public bool IsAvailable => _extensions is not null && _options is not null;

        /// <summary>EF Core's <c>services.AddDbContext&lt;T&gt;(...)</c> (one or two type arguments).</summary>
        public bool IsAddDbContext(IMethodSymbol method)
            => method.Name == "AddDbContext" && _extensions is not null
               && SymbolEqualityComparer.Default.Equals(method.ContainingType, _extensions);

        /// <summary>AddDbContextPool with the same type arity exists in the referenced EF Core.</summary>
        public bool HasPoolFor(IMethodSymbol addDbContext)
        {
            if (_extensions is null)
            {
                return false;
            }

            foreach (var member in _extensions.GetMembers("AddDbContextPool"))
            {
                if (member is IMethodSymbol pool && pool.Arity == addDbContext.Arity)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The context type can be pooled: exactly one constructor, taking only DbContextOptions&lt;T&gt; (or
        /// DbContextOptions); no mutable instance state of its own; no OnConfiguring that reads instance state.
        /// </summary>
        public bool IsPoolable(INamedTypeSymbol contextType, CancellationToken cancellationToken)
        {
            if (!_ef.IsDbContext(contextType) || contextType.IsAbstract)
            {
                return false;
            }

            var constructors = contextType.InstanceConstructors;
            if (constructors.Length != 1)
            {
                return false;
            }

            var constructor = constructors[0];
            if (constructor.DeclaredAccessibility != Accessibility.Public || constructor.Parameters.Length != 1 || !IsOptions(constructor.Parameters[0].Type))
            {
                return false;
            }

            for (var type = contextType; type is not null && !SymbolEqualityComparer.Default.Equals(type, _ef.DbContext); type = type.BaseType)
            {
                if (HasMutableState(type) || ConfiguresFromInstanceState(type, cancellationToken))
                {
                    return false;
                }
            }

            return true;
        }

        private bool IsOptions(ITypeSymbol type)
            => SymbolEqualityComparer.Default.Equals(type, _options)
               || (_optionsOfT is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, _optionsOfT));

        /// <summary>
        /// Instance fields that are not readonly, other than DbSet properties' backing fields: state that a pooled
        /// instance would carry from one request to the next (EF resets only its own state).
        /// </summary>
        private bool HasMutableState(INamedTypeSymbol type)
        {
            foreach (var member in type.GetMembers())
            {
                if (member is IFieldSymbol field && !field.IsStatic && !field.IsReadOnly && !field.IsConst)
                {
                    var owner = field.AssociatedSymbol as IPropertySymbol;
                    if (_ef.IsDbSet(field.Type) || (owner is not null && _ef.IsDbSet(owner.Type)))
                    {
                        continue;
                    }

                    return true;
                }
            }

            return false;
        }

        /// <summary>An OnConfiguring override that reads a field or property of the context instance.</summary>
        private bool ConfiguresFromInstanceState(INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            foreach (var member in type.GetMembers("OnConfiguring"))
            {
                if (member is not IMethodSymbol { IsOverride: true } method)
                {
                    continue;
                }

                if (method.DeclaringSyntaxReferences.Length == 0)
                {
                    // Compiled elsewhere: we cannot see what it reads.
                    return true;
                }

                var body = SourceBodies.GetBody(_ef.Compilation, method, cancellationToken);
                if (body is null)
                {
                    return true;
                }

                foreach (var operation in body.DescendantsAndSelf())
                {
                    var instance = operation switch
                    {
                        IFieldReferenceOperation field => field.Instance,
                        IPropertyReferenceOperation property => property.Instance,
                        _ => null,
                    };
                    if (instance is IInstanceReferenceOperation)
                    {
                        return true;
                    }
                }
            }

            return false;
        }
    }
}
