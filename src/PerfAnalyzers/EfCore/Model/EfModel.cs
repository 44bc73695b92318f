namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// The EF model as far as the source code shows it: one object per compilation (<see cref="EfCompilation.Model"/>),
    /// over one scan of the configuration (<see cref="ModelScan"/>: fluent configuration in any method, the migrations'
    /// snapshot, <c>OnConfiguring</c>, DI registrations) run lazily, once, on the first question, plus attributes read from
    /// the symbols. Each question is answered in its own file, <c>EfModel.&lt;Question&gt;.cs</c>: keys, indexes, columns and
    /// mapping, seeding, owned and complex types, AutoInclude, lazy loading, tracking, split queries, concurrency, query
    /// filters, inheritance, save events, registrations and entity types.
    /// </summary>
    internal sealed partial class EfModel
    {
        private readonly EfSymbols _ef;
        private readonly object _gate = new object();
        private ModelScan? _scan;

        public EfModel(EfSymbols ef)
        {
            _ef = ef;
            ProxiesReferenced = ef.Compilation.ReferencedAssemblyNames.Any(a => a.Name == "Microsoft.EntityFrameworkCore.Proxies");
        }

        /// <summary>The compilation the model is read from.</summary>
        public Compilation Compilation => _ef.Compilation;

        /// <summary>
        /// The configuration scan, run once. Thread-safe: concurrent first callers wait for one scan; a cancelled scan caches
        /// nothing and the next caller runs it again.
        /// </summary>
        internal ModelScan Scan(CancellationToken cancellationToken = default)
        {
            var scan = Volatile.Read(ref _scan);
            if (scan is not null)
            {
                return scan;
            }

            lock (_gate)
            {
                if (_scan is null)
                {
                    Volatile.Write(ref _scan, ModelScan.Run(_ef, cancellationToken));
                }

                return _scan!;
            }
        }

        /// <summary>Runs the scan now (with the caller's cancellation) so later questions are cheap; returns the model.</summary>
        public EfModel EnsureScanned(CancellationToken cancellationToken)
        {
            Scan(cancellationToken);
            return this;
        }

        // ---- shared helpers of the question files ----

        internal static IEnumerable<ITypeSymbol> SelfAndBases(ITypeSymbol type)
        {
            for (var t = type; t is not null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
            {
                yield return t.OriginalDefinition;
            }
        }

        /// <summary>The instance properties of a type and its bases, a name once (the most derived).</summary>
        internal static IEnumerable<IPropertySymbol> AllProperties(ITypeSymbol type)
        {
            var seen = new HashSet<string>();
            foreach (var t in SelfAndBases(type))
            {
                foreach (var member in t.GetMembers())
                {
                    if (member is IPropertySymbol { IsStatic: false, IsIndexer: false } property && seen.Add(property.Name))
                    {
                        yield return property;
                    }
                }
            }
        }

        /// <summary>The property named <paramref name="name"/> on the entity or a base type.</summary>
        internal static IPropertySymbol? FindProperty(ITypeSymbol entity, string name)
        {
            foreach (var t in SelfAndBases(entity))
            {
                foreach (var member in t.GetMembers(name))
                {
                    if (member is IPropertySymbol { IsStatic: false } property)
                    {
                        return property;
                    }
                }
            }

            return null;
        }

        internal static bool HasAttribute(ISymbol symbol, string name)
            => symbol.GetAttributes().Any(a => a.AttributeClass?.Name == name);

        internal static bool HasOwnedAttribute(ITypeSymbol type)
            => type.GetAttributes().Any(a => a.AttributeClass is { Name: "OwnedAttribute" } attribute && EfSymbols.IsInEfNamespace(attribute));

        internal static bool AnyInHierarchy(ITypeSymbol type, HashSet<ITypeSymbol> set)
        {
            for (var t = type; t is not null; t = t.BaseType)
            {
                if (set.Contains(t.OriginalDefinition))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The property, or the one it overrides, or one of the same name on a base or derived type, is in the set.</summary>
        internal static bool Matches(IPropertySymbol navigation, HashSet<IPropertySymbol> set)
        {
            for (var p = navigation; p is not null; p = p.OverriddenProperty)
            {
                if (set.Contains(p.OriginalDefinition))
                {
                    return true;
                }
            }

            // Configured on a base or derived type under the same name.
            return set.Any(s => s.Name == navigation.Name
                                && (EfSymbols.InheritsFrom(navigation.ContainingType, s.ContainingType) || EfSymbols.InheritsFrom(s.ContainingType, navigation.ContainingType)));
        }
    }
}
