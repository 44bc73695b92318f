using System.Collections.Concurrent;

namespace PerfAnalyzers.EfCore
{
    /// <summary>Entity types: DbSet properties, <c>Entity&lt;T&gt;</c>, <c>Set&lt;T&gt;</c>, <c>IEntityTypeConfiguration&lt;T&gt;</c>, the snapshot's entities.</summary>
    internal sealed partial class EfModel
    {
        private readonly ConcurrentDictionary<ITypeSymbol, bool> _heuristicEntities = new ConcurrentDictionary<ITypeSymbol, bool>(SymbolEqualityComparer.Default);

        /// <summary>An entity type: a DbSet/Set/Entity&lt;T&gt;/IEntityTypeConfiguration type, or a source class with a key that a navigation points to.</summary>
        public bool IsEntityType(ITypeSymbol? type)
        {
            if (type is not INamedTypeSymbol named || named.TypeKind != TypeKind.Class || named.SpecialType != SpecialType.None)
            {
                return false;
            }

            return IsDeclaredEntityType(named) || _heuristicEntities.GetOrAdd(named.OriginalDefinition, t => LooksLikeEntity((INamedTypeSymbol)t));
        }

        /// <summary>
        /// An entity type the model declares (a DbSet/Set/Entity&lt;T&gt;/IEntityTypeConfiguration type, or a subclass of one), without
        /// <see cref="IsEntityType"/>'s guess from an Id property: settings and DTO classes with an Id are not entities.
        /// </summary>
        public bool IsDeclaredEntityType(ITypeSymbol? type)
        {
            var entities = Scan().EntityTypes;
            for (var t = type as INamedTypeSymbol; t is not null && t.SpecialType == SpecialType.None; t = t.BaseType)
            {
                if (entities.Contains(t.OriginalDefinition))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// A sequence of this element type may hold entities: an entity type, <c>object</c>, a common base of entity types
        /// (<see cref="IsCommonBaseType"/>), or an interface some entity type implements (<c>ILocalizedEntity</c>). A loop over
        /// such elements is not known to iterate something other than rows (Smartstore's <c>params object[] modelParts</c>).
        /// </summary>
        public bool MayHoldEntities(ITypeSymbol? element)
        {
            switch (element)
            {
                case null:
                    return false;
                case { SpecialType: SpecialType.System_Object } or IDynamicTypeSymbol:
                    return true;
                case INamedTypeSymbol { TypeKind: TypeKind.Interface } contract:
                    return _entityInterfaces.GetOrAdd(contract.OriginalDefinition, i => Scan().EntityTypes.Any(
                        e => e is INamedTypeSymbol entity && entity.AllInterfaces.Any(a => SymbolEqualityComparer.Default.Equals(a.OriginalDefinition, i))));
                default:
                    return IsDeclaredEntityType(element) || IsCommonBaseType(element);
            }
        }

        private readonly ConcurrentDictionary<ITypeSymbol, bool> _entityInterfaces = new ConcurrentDictionary<ITypeSymbol, bool>(SymbolEqualityComparer.Default);

        private readonly ConcurrentDictionary<ITypeSymbol, bool> _commonBases = new ConcurrentDictionary<ITypeSymbol, bool>(SymbolEqualityComparer.Default);

        /// <summary>
        /// A base class that is not an entity type itself and that at least <see cref="CommonBaseMinimum"/> entity types of
        /// the model derive from: an audit or common base (<c>ModelBase</c>, <c>AuditableEntity</c>, <c>FullAuditedEntity</c>)
        /// whose members (<c>CreatedBy</c>, <c>CreatedOn</c>, <c>TenantId</c>) every table has, so they say nothing about one
        /// table. A TPH base that is an entity type is not one.
        /// </summary>
        public bool IsCommonBaseType(ITypeSymbol? type)
        {
            if (type is not INamedTypeSymbol { TypeKind: TypeKind.Class } named || named.SpecialType != SpecialType.None)
            {
                return false;
            }

            return _commonBases.GetOrAdd(named.OriginalDefinition, t =>
            {
                var entities = Scan().EntityTypes;
                if (entities.Contains(t))
                {
                    return false;
                }

                var derived = 0;
                foreach (var entity in entities)
                {
                    for (var b = (entity as INamedTypeSymbol)?.BaseType; b is not null && b.SpecialType == SpecialType.None; b = b.BaseType)
                    {
                        if (SymbolEqualityComparer.Default.Equals(b.OriginalDefinition, t))
                        {
                            derived++;
                            break;
                        }
                    }

                    if (derived >= CommonBaseMinimum)
                    {
                        return true;
                    }
                }

                return false;
            });
        }

        /// <summary>How many entity types must share a non-entity base class for it to be a common (audit) base.</summary>
        internal const int CommonBaseMinimum = 3;

        /// <summary>A class declared in source with a key by convention (<c>Id</c>, <c>&lt;Type&gt;Id</c>) or [Key].</summary>
        private static bool LooksLikeEntity(INamedTypeSymbol type)
        {
            if (type.DeclaringSyntaxReferences.Length == 0 || type.IsStatic || type.IsAbstract && type.TypeKind != TypeKind.Class)
            {
                return false;
            }

            for (var t = type; t is not null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
            {
                foreach (var member in t.GetMembers())
                {
                    if (member is IPropertySymbol property
                        && (property.Name == "Id" || property.Name == type.Name + "Id"
                            || property.GetAttributes().Any(a => a.AttributeClass?.Name == "KeyAttribute")))
                    {
                        return true;
                    }
                }
            }

            return false;
        }
    }
}
