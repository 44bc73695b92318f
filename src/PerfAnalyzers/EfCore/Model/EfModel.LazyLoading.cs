using System.Collections.Concurrent;

namespace PerfAnalyzers.EfCore
{
    /// <summary>Whether lazy loading is on for an entity's DbContext.</summary>
    internal enum LazyLoadingState
    {
        /// <summary>Off: a navigation that was not loaded stays null/empty.</summary>
        Off,

        /// <summary>On: reading a navigation that was not loaded runs a query.</summary>
        On,

        /// <summary>The configuration is not visible and could turn it on: rules should stay silent.</summary>
        Unknown,
    }

    /// <summary>
    /// Lazy loading: <c>UseLazyLoadingProxies</c> in <c>OnConfiguring</c>, in an <c>AddDbContext&lt;T&gt;</c>-style registration's
    /// options or on a <c>DbContextOptionsBuilder&lt;T&gt;</c>; entities that take an <c>ILazyLoader</c>.
    /// </summary>
    internal sealed partial class EfModel
    {
        private readonly ConcurrentDictionary<ITypeSymbol, bool> _lazyLoaderEntities = new ConcurrentDictionary<ITypeSymbol, bool>(SymbolEqualityComparer.Default);

        /// <summary>The compilation references Microsoft.EntityFrameworkCore.Proxies.</summary>
        public bool ProxiesReferenced { get; }

        /// <summary>Lazy loading for entities of <paramref name="entityType"/> queried through a context of <paramref name="contextType"/> (null when not visible).</summary>
        public LazyLoadingState GetLazyLoading(ITypeSymbol? contextType, ITypeSymbol entityType, IPropertySymbol navigation)
        {
            if (HasLazyLoader(entityType))
            {
                return LazyLoadingState.On;
            }

            var scan = Scan();
            if (contextType is not null && _ef.IsDbContext(contextType))
            {
                if (AnyInHierarchy(contextType, scan.LazyContexts))
                {
                    return navigation.IsVirtual || navigation.IsOverride ? LazyLoadingState.On : LazyLoadingState.Unknown;
                }

                if (AnyInHierarchy(contextType, scan.ConfiguredContexts))
                {
                    return LazyLoadingState.Off;
                }
            }
            else if (scan.LazyContexts.Count > 0)
            {
                // The query's context is not visible: lazy if any context exposing this entity is.
                var exposing = scan.SourceContexts.Where(c => ExposesEntity(c, entityType)).ToList();
                if (exposing.Count > 0 && exposing.All(c => AnyInHierarchy(c, scan.LazyContexts)))
                {
                    return LazyLoadingState.On;
                }

                if (exposing.Any(c => AnyInHierarchy(c, scan.LazyContexts)))
                {
                    return LazyLoadingState.Unknown;
                }
            }

            // The context's own configuration is not visible: fall back to the whole compilation.
            if (scan.LazyUnattributed)
            {
                return navigation.IsVirtual || navigation.IsOverride ? LazyLoadingState.On : LazyLoadingState.Unknown;
            }

            // Proxies referenced but never configured in this compilation: another project (the host) may turn them on.
            // When this compilation does configure proxies, for other contexts, that is where lazy loading is decided.
            if ((navigation.IsVirtual || navigation.IsOverride) && ProxiesReferenced && scan.LazyContexts.Count == 0
                && !(contextType is not null && AnyInHierarchy(contextType, scan.ConfiguredContexts)))
            {
                return LazyLoadingState.Unknown;
            }

            return LazyLoadingState.Off;
        }

        /// <summary>The entity takes EF's lazy loader (an <c>ILazyLoader</c> or <c>Action&lt;object, string&gt;</c> constructor parameter, property or field).</summary>
        public bool HasLazyLoader(ITypeSymbol entityType)
            => _lazyLoaderEntities.GetOrAdd(entityType.OriginalDefinition, t => TakesLazyLoader(t));

        private bool ExposesEntity(ITypeSymbol context, ITypeSymbol entity)
        {
            for (var t = context; t is not null; t = t.BaseType)
            {
                foreach (var member in t.GetMembers())
                {
                    if (member is IPropertySymbol property && property.Type is INamedTypeSymbol set && _ef.IsDbSet(set)
                        && set.TypeArguments.Length == 1 && EfSymbols.InheritsFrom(entity, set.TypeArguments[0]))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static bool TakesLazyLoader(ITypeSymbol type)
        {
            for (var t = type as INamedTypeSymbol; t is not null; t = t.BaseType)
            {
                foreach (var member in t.GetMembers())
                {
                    switch (member)
                    {
                        case IMethodSymbol { MethodKind: MethodKind.Constructor } constructor
                            when constructor.Parameters.Any(p => IsLazyLoaderType(p.Type)):
                            return true;
                        case IPropertySymbol property when IsLazyLoaderType(property.Type):
                            return true;
                        case IFieldSymbol field when IsLazyLoaderType(field.Type):
                            return true;
                    }
                }
            }

            return false;
        }

        private static bool IsLazyLoaderType(ITypeSymbol type)
        {
            if (type.Name == "ILazyLoader" && EfSymbols.IsInEfNamespace(type))
            {
                return true;
            }

            // Action<object, string> lazy-loader delegate injected by EF.
            return type is INamedTypeSymbol { Name: "Action", TypeArguments.Length: 2 } action
                   && action.TypeArguments[0].SpecialType == SpecialType.System_Object
                   && action.TypeArguments[1].SpecialType == SpecialType.System_String;
        }
    }
}
