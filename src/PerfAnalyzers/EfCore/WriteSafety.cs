using System.Collections.Concurrent;

namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// What the code shows about whether a set-based write (<c>ExecuteUpdate</c>/<c>ExecuteDelete</c>) can replace
    /// loading entities and saving them through the change tracker without changing behaviour. A bulk statement skips
    /// the change tracker, optimistic concurrency checks, SaveChanges overrides/interceptors/events, and client-side
    /// cascades, so any of these visible in the compilation makes a fix unsafe.
    /// <para>
    /// One per compilation (<see cref="EfCompilation.Writes"/>). The reasons, in the order they are reported, over the facts
    /// of the one EF model (<see cref="EfModel"/>: concurrency tokens, owned and complex types, inheritance, query filters,
    /// interceptors and save events); per-entity and per-context answers are cached.
    /// </para>
    /// </summary>
    internal sealed class WriteSafety
    {
        /// <summary>Property names that mark an entity as soft-deletable: a delete in code may be an update in the database.</summary>
        private static readonly ImmutableHashSet<string> SoftDeleteNames = ImmutableHashSet.Create(
            StringComparer.OrdinalIgnoreCase,
            "IsDeleted", "Deleted", "IsSoftDeleted", "SoftDeleted", "IsRemoved", "Removed", "DeletedAt", "DeletedOn",
            "DeletedUtc", "DeletedAtUtc", "DeletedDate", "DeletionDate", "DeletedBy");

        private readonly EfSymbols _symbols;
        private readonly EfModel _model;
        private readonly ConcurrentDictionary<ITypeSymbol, string?> _entityUpdateBlockers = new ConcurrentDictionary<ITypeSymbol, string?>(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<ITypeSymbol, string?> _contextBlockers = new ConcurrentDictionary<ITypeSymbol, string?>(SymbolEqualityComparer.Default);

        public WriteSafety(EfSymbols symbols, EfModel model)
        {
            _symbols = symbols;
            _model = model;
            SupportsBulkOperations = symbols.EfMajorVersion >= 7 && HasExecuteMethods(symbols.Compilation);
        }

        /// <summary>EF Core 7 or newer is referenced and ExecuteUpdate/ExecuteDelete are actually callable.</summary>
        public bool SupportsBulkOperations { get; }

        /// <summary>
        /// Why an ExecuteUpdate of <paramref name="entity"/> through <paramref name="contextType"/> would behave
        /// differently from tracked updates, or null when nothing in the code says so.
        /// </summary>
        public string? GetUpdateBlocker(ITypeSymbol? contextType, ITypeSymbol entity)
        {
            if (!SupportsBulkOperations)
            {
                return "ExecuteUpdate/ExecuteDelete need EF Core 7 or newer (with a relational provider)";
            }

            return GetBypassedBehaviour(contextType, entity);
        }

        /// <summary>
        /// What an ExecuteUpdate of <paramref name="entity"/> through <paramref name="contextType"/> would skip or change
        /// whatever the EF Core version (SaveChanges interceptors, overrides and events; concurrency tokens; owned/complex
        /// types; inheritance), or null. A rule that exists only to suggest the bulk statement stays silent on these.
        /// </summary>
        public string? GetBypassedBehaviour(ITypeSymbol? contextType, ITypeSymbol entity)
            => GetContextBlocker(contextType) ?? _entityUpdateBlockers.GetOrAdd(entity, ComputeEntityBlocker);

        /// <summary>As <see cref="GetUpdateBlocker"/>, plus soft-delete conventions (a query filter or an IsDeleted-style flag).</summary>
        public string? GetDeleteBlocker(ITypeSymbol? contextType, ITypeSymbol entity)
        {
            var blocker = GetUpdateBlocker(contextType, entity);
            if (blocker is not null)
            {
                return blocker;
            }

            if (_model.HasQueryFilter(entity))
            {
                return $"'{entity.Name}' has a query filter (HasQueryFilter), often a soft-delete convention";
            }

            var flag = AllProperties(entity).FirstOrDefault(p => SoftDeleteNames.Contains(p.Name));
            if (flag is not null)
            {
                return $"'{entity.Name}' has a soft-delete style property '{flag.Name}'";
            }

            return null;
        }

        /// <summary>The first collection navigation of the entity (a property whose type is a collection of a non-scalar type), or null.</summary>
        public static IPropertySymbol? FirstCollectionNavigation(ITypeSymbol entity)
        {
            foreach (var property in AllProperties(entity))
            {
                var type = property.Type;
                if (EfModel.IsScalarColumnType(type) || type.SpecialType == SpecialType.System_String)
                {
                    continue;
                }

                var element = type is IArrayTypeSymbol array ? array.ElementType
                    : type.AllInterfaces.Concat(type is INamedTypeSymbol n && n.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T ? new[] { n } : System.Array.Empty<INamedTypeSymbol>())
                        .FirstOrDefault(i => i.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T)?.TypeArguments[0];
                if (element is not null && !EfModel.IsScalarColumnType(element) && element.TypeKind == TypeKind.Class)
                {
                    return property;
                }
            }

            return null;
        }

        private string? GetContextBlocker(ITypeSymbol? contextType)
            => _contextBlockers.GetOrAdd(contextType ?? _symbols.DbContext, ComputeContextBlocker);

        private string? ComputeContextBlocker(ITypeSymbol contextType)
        {
            if (_model.SaveChangesInterceptor is { } interceptor)
            {
                return $"the SaveChanges interceptor '{interceptor.Name}' would be bypassed";
            }

            return _model.FindSaveEvents(contextType);
        }

        /// <summary>The model facts a bulk statement would bypass, in the order they are reported.</summary>
        private string? ComputeEntityBlocker(ITypeSymbol entity)
        {
            // Attributes first, per property, as the model reads them.
            foreach (var property in AllProperties(entity))
            {
                if (property.GetAttributes().Any(a => a.AttributeClass?.Name is "ConcurrencyCheckAttribute" or "TimestampAttribute"))
                {
                    return $"'{entity.Name}.{property.Name}' is a concurrency token";
                }

                if (property.Type is INamedTypeSymbol propertyType
                    && propertyType.GetAttributes().Any(a => a.AttributeClass?.Name is "OwnedAttribute" or "ComplexTypeAttribute"))
                {
                    return $"'{entity.Name}' has the owned/complex type '{propertyType.Name}'";
                }
            }

            foreach (var type in SelfAndBases(entity))
            {
                if (_model.HasFluentConcurrencyToken(type))
                {
                    return $"'{type.Name}' has a concurrency token (IsRowVersion/IsConcurrencyToken)";
                }

                if (_model.OwnsOwnedOrComplexTypes(type))
                {
                    return $"'{type.Name}' has owned or complex types (OwnsOne/OwnsMany/ComplexProperty)";
                }

                if (_model.IsMappedWithInheritance(type))
                {
                    return $"'{type.Name}' is mapped with inheritance";
                }
            }

            if (_model.ConcurrencyTokenOnAll)
            {
                return "a concurrency token is configured for entities in a model-wide loop";
            }

            if (entity is INamedTypeSymbol named && _model.HasDerivedTypes(named))
            {
                return $"types derive from '{entity.Name}' (an inheritance hierarchy)";
            }

            return null;
        }

        private static IEnumerable<ITypeSymbol> SelfAndBases(ITypeSymbol type)
        {
            for (var t = type; t is not null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
            {
                yield return t.OriginalDefinition;
            }
        }

        private static IEnumerable<IPropertySymbol> AllProperties(ITypeSymbol type)
            => SelfAndBases(type).SelectMany(t => t.GetMembers().OfType<IPropertySymbol>());

        private static bool HasExecuteMethods(Compilation compilation)
        {
            foreach (var name in new[] { "Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions", "Microsoft.EntityFrameworkCore.RelationalQueryableExtensions" })
            {
                var type = compilation.GetTypeByMetadataName(name);
                if (type is not null && !type.GetMembers("ExecuteUpdate").IsEmpty && !type.GetMembers("ExecuteDelete").IsEmpty)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
