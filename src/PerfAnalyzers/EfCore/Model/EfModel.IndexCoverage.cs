using System;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace PerfAnalyzers.EfCore
{
    /// <summary>Why the indexes of an entity cannot all be known from the source (<see cref="EfModel.AreIndexesVisible"/>).</summary>
    internal enum IndexVisibility
    {
        /// <summary>Every index of the entity is visible: the snapshot lists it, or the context's OnModelCreating is in source.</summary>
        Visible,

        /// <summary>The model scan stopped early.</summary>
        ScanIncomplete,

        /// <summary>The entity type is declared in a referenced assembly (its configuration may be there too).</summary>
        EntityNotInSource,

        /// <summary>An index the scan could not read (a shadow column, an entity it cannot name).</summary>
        UnreadIndex,

        /// <summary>The compilation has migrations but no snapshot: migrations may create indexes the code does not configure.</summary>
        MigrationsWithoutSnapshot,

        /// <summary>No snapshot lists the entity and no context in source configures its model (OnModelCreating).</summary>
        NoVisibleConfiguration,
    }

    /// <summary>
    /// Index coverage (EFP314): is a column the leading column of the primary key, an alternate key, an index
    /// (<c>HasIndex</c>, <c>[Index]</c>, the snapshot) or a foreign key (EF Core indexes every foreign key by convention),
    /// and does the source show every index of the entity at all.
    /// </summary>
    internal sealed partial class EfModel
    {
        /// <summary>
        /// True when a seek on <paramref name="property"/> is possible: it leads the primary key (of the entity or a base
        /// type), an alternate key or an index, or it is a foreign key (<see cref="IsForeignKeyColumn"/>).
        /// </summary>
        public bool IsLeadingIndexedColumn(ITypeSymbol? entityType, IPropertySymbol property)
        {
            if (entityType is null)
            {
                return false;
            }

            foreach (var type in SelfAndBases(entityType))
            {
                var key = FindKey(type);
                if (!key.IsEmpty && key[0].Name == property.Name)
                {
                    return true;
                }
            }

            return GetIndexes(entityType).Any(i => i.Properties[0].Name == property.Name) || IsForeignKeyColumn(entityType, property);
        }

        /// <summary>
        /// A foreign key as EF Core finds one, read generously (a superset, so a covered column is never taken for an
        /// uncovered one): a name given to <c>HasForeignKey</c> anywhere, <c>[ForeignKey]</c> on the property or naming it
        /// on a navigation, or the conventions &lt;navigation&gt;Id / &lt;navigation&gt;&lt;key&gt; for a reference
        /// navigation of the entity, and &lt;entity type&gt;Id / &lt;entity type&gt;&lt;key&gt; for any entity type of the model.
        /// </summary>
        public bool IsForeignKeyColumn(ITypeSymbol entityType, IPropertySymbol property)
        {
            var name = property.Name;
            if (Scan().ForeignKeyNames.Contains(name) || HasAttribute(property, "ForeignKeyAttribute"))
            {
                return true;
            }

            foreach (var other in AllProperties(entityType))
            {
                if (other.GetAttributes().Any(a => a.AttributeClass?.Name == "ForeignKeyAttribute"
                                                   && a.ConstructorArguments.FirstOrDefault().Value is string named
                                                   && named.Split(',').Any(n => n.Trim() == name)))
                {
                    return true;
                }

                if (other.Type is INamedTypeSymbol { TypeKind: TypeKind.Class, SpecialType: SpecialType.None } target
                    && Prefixes(name, target).Any(prefix => string.Equals(prefix, other.Name, StringComparison.OrdinalIgnoreCase)
                                                            || string.Equals(prefix, target.Name, StringComparison.OrdinalIgnoreCase)))
                {
                    return true; // Post.BlogId next to Post.Blog (or Post.OwnerId next to Post.Owner of type User)
                }
            }

            // No navigation on this side: a collection on the principal (Blog.Posts) makes Post.BlogId the key by the type name.
            foreach (var principal in Scan().EntityTypes)
            {
                if (Prefixes(name, principal).Any(prefix => string.Equals(prefix, principal.Name, StringComparison.OrdinalIgnoreCase)))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>"BlogId" -> "Blog"; "BlogKey" -> "Blog" when the principal's key is "Key".</summary>
        private System.Collections.Generic.IEnumerable<string> Prefixes(string name, ITypeSymbol principal)
        {
            if (name.Length > 2 && name.EndsWith("Id", StringComparison.OrdinalIgnoreCase))
            {
                yield return name.Substring(0, name.Length - 2);
            }

            if (FindSingleKey(principal) is { } key && key.Name.Length < name.Length && name.EndsWith(key.Name, StringComparison.Ordinal))
            {
                yield return name.Substring(0, name.Length - key.Name.Length);
            }
        }

        /// <summary>
        /// Whether the source shows every index of <paramref name="entityType"/> queried through <paramref name="contextType"/>:
        /// the scan finished, the entity is declared in source, no index was left unread, and either the migrations' snapshot
        /// lists the entity or (with no migrations, or a snapshot for another context) a source context overrides
        /// <c>OnModelCreating</c>. Without that, a missing index cannot be told from one the code does not show.
        /// </summary>
        public IndexVisibility AreIndexesVisible(ITypeSymbol? entityType, ITypeSymbol? contextType)
        {
            var scan = Scan();
            if (scan.Incomplete)
            {
                return IndexVisibility.ScanIncomplete;
            }

            if (entityType is not INamedTypeSymbol type || type.DeclaringSyntaxReferences.Length == 0)
            {
                return IndexVisibility.EntityNotInSource;
            }

            var hierarchy = SelfAndBases(type).ToList();
            if (scan.UnreadIndexesOnAll || hierarchy.Any(t => scan.UnreadIndexes.Contains(t)))
            {
                return IndexVisibility.UnreadIndex;
            }

            if (hierarchy.Any(t => scan.SnapshotEntities.Contains(t)))
            {
                return IndexVisibility.Visible;
            }

            if (scan.HasMigrations && !scan.SnapshotFound)
            {
                return IndexVisibility.MigrationsWithoutSnapshot;
            }

            for (var t = contextType as INamedTypeSymbol; t is not null && t.DeclaringSyntaxReferences.Length > 0; t = t.BaseType)
            {
                if (scan.ModelCreatingContexts.Contains(t.OriginalDefinition))
                {
                    return IndexVisibility.Visible;
                }
            }

            return IndexVisibility.NoVisibleConfiguration;
        }
    }
}
