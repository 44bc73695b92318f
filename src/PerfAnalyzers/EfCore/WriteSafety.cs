using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// What the code shows about whether a set-based write (<c>ExecuteUpdate</c>/<c>ExecuteDelete</c>) can replace
    /// loading entities and saving them through the change tracker without changing behaviour. A bulk statement skips
    /// the change tracker, optimistic concurrency checks, SaveChanges overrides/interceptors/events, and client-side
    /// cascades, so any of these visible in the compilation makes a fix unsafe.
    /// <para>
    /// Create one per compilation (in <c>RegisterCompilationStartAction</c>). The model scan (OnModelCreating,
    /// IEntityTypeConfiguration, interceptors, derived types) runs once, lazily, the first time a rule asks; per-entity
    /// answers are cached.
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
        private readonly Lazy<ModelScan> _scan;
        private readonly ConcurrentDictionary<ITypeSymbol, string?> _entityUpdateBlockers = new ConcurrentDictionary<ITypeSymbol, string?>(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<ITypeSymbol, string?> _contextBlockers = new ConcurrentDictionary<ITypeSymbol, string?>(SymbolEqualityComparer.Default);

        public WriteSafety(EfSymbols symbols)
        {
            _symbols = symbols;
            _scan = new Lazy<ModelScan>(() => ModelScan.Create(symbols), LazyThreadSafetyMode.ExecutionAndPublication);
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

            return GetContextBlocker(contextType) ?? _entityUpdateBlockers.GetOrAdd(entity, ComputeEntityBlocker);
        }

        /// <summary>As <see cref="GetUpdateBlocker"/>, plus soft-delete conventions (a query filter or an IsDeleted-style flag).</summary>
        public string? GetDeleteBlocker(ITypeSymbol? contextType, ITypeSymbol entity)
        {
            var blocker = GetUpdateBlocker(contextType, entity);
            if (blocker is not null)
            {
                return blocker;
            }

            if (HasQueryFilter(entity))
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
                if (IsScalarType(type) || type.SpecialType == SpecialType.System_String)
                {
                    continue;
                }

                var element = type is IArrayTypeSymbol array ? array.ElementType
                    : type.AllInterfaces.Concat(type is INamedTypeSymbol n && n.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T ? new[] { n } : System.Array.Empty<INamedTypeSymbol>())
                        .FirstOrDefault(i => i.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T)?.TypeArguments[0];
                if (element is not null && !IsScalarType(element) && element.TypeKind == TypeKind.Class)
                {
                    return property;
                }
            }

            return null;
        }

        /// <summary>A query filter (HasQueryFilter) applies to the entity, or to every entity (a loop over the model).</summary>
        public bool HasQueryFilter(ITypeSymbol entity)
        {
            var scan = _scan.Value;
            return scan.QueryFilterOnAll || SelfAndBases(entity).Any(t => scan.QueryFilters.Contains(t));
        }

        /// <summary>
        /// A column value EF reads and writes as is: primitives, enums, string, decimal, dates/times, Guid, byte[],
        /// and nullable forms. Anything else assigned in a loop may be a navigation, an owned or a complex type.
        /// </summary>
        public static bool IsScalarType(ITypeSymbol? type)
        {
            if (type is null)
            {
                return false;
            }

            if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
            {
                type = nullable.TypeArguments[0];
            }

            if (type.TypeKind == TypeKind.Enum)
            {
                return true;
            }

            if (type is IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_Byte })
            {
                return true;
            }

            switch (type.SpecialType)
            {
                case SpecialType.System_Boolean:
                case SpecialType.System_Char:
                case SpecialType.System_SByte:
                case SpecialType.System_Byte:
                case SpecialType.System_Int16:
                case SpecialType.System_UInt16:
                case SpecialType.System_Int32:
                case SpecialType.System_UInt32:
                case SpecialType.System_Int64:
                case SpecialType.System_UInt64:
                case SpecialType.System_Decimal:
                case SpecialType.System_Single:
                case SpecialType.System_Double:
                case SpecialType.System_String:
                case SpecialType.System_DateTime:
                    return true;
            }

            if (type.ContainingNamespace?.ToDisplayString() == "System")
            {
                return type.Name is "DateTimeOffset" or "TimeSpan" or "DateOnly" or "TimeOnly" or "Guid";
            }

            return false;
        }

        private string? GetContextBlocker(ITypeSymbol? contextType)
            => _contextBlockers.GetOrAdd(contextType ?? _symbols.DbContext, ComputeContextBlocker);

        private string? ComputeContextBlocker(ITypeSymbol contextType)
        {
            var scan = _scan.Value;
            if (scan.SaveChangesInterceptor is { } interceptor)
            {
                return $"the SaveChanges interceptor '{interceptor.Name}' would be bypassed";
            }

            // The runtime context is the static type or a type derived from it.
            foreach (var context in scan.Contexts)
            {
                if (!EfSymbols.InheritsFrom(context, contextType) && !EfSymbols.InheritsFrom(contextType, context))
                {
                    continue;
                }

                if (context.GetMembers().Any(m => m is IMethodSymbol { IsOverride: true, Name: "SaveChanges" or "SaveChangesAsync" }))
                {
                    return $"'{context.Name}' overrides SaveChanges, which would be bypassed";
                }

                if (scan.ContextsWithSaveEvents.Contains(context))
                {
                    return $"'{context.Name}' handles SavingChanges/ChangeTracker events, which would be bypassed";
                }
            }

            return null;
        }

        private string? ComputeEntityBlocker(ITypeSymbol entity)
        {
            var scan = _scan.Value;
            foreach (var property in AllProperties(entity))
            {
                foreach (var attribute in property.GetAttributes())
                {
                    var name = attribute.AttributeClass?.Name;
                    if (name is "ConcurrencyCheckAttribute" or "TimestampAttribute")
                    {
                        return $"'{entity.Name}.{property.Name}' is a concurrency token";
                    }
                }

                if (property.Type is INamedTypeSymbol propertyType
                    && propertyType.GetAttributes().Any(a => a.AttributeClass?.Name is "OwnedAttribute" or "ComplexTypeAttribute"))
                {
                    return $"'{entity.Name}' has the owned/complex type '{propertyType.Name}'";
                }
            }

            foreach (var type in SelfAndBases(entity))
            {
                if (scan.ConcurrencyTokens.Contains(type))
                {
                    return $"'{type.Name}' has a concurrency token (IsRowVersion/IsConcurrencyToken)";
                }

                if (scan.Owned.Contains(type))
                {
                    return $"'{type.Name}' has owned or complex types (OwnsOne/OwnsMany/ComplexProperty)";
                }

                if (scan.Inheritance.Contains(type))
                {
                    return $"'{type.Name}' is mapped with inheritance";
                }
            }

            if (scan.ConcurrencyTokenOnAll)
            {
                return "a concurrency token is configured for entities in a model-wide loop";
            }

            if (entity is INamedTypeSymbol named && scan.HasDerivedTypes(named))
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

        /// <summary>The EF model configuration visible in source, gathered once per compilation.</summary>
        private sealed class ModelScan
        {
            private const int MaxConfigurationMethods = 256;

            public HashSet<ITypeSymbol> ConcurrencyTokens { get; } = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
            public HashSet<ITypeSymbol> QueryFilters { get; } = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
            public HashSet<ITypeSymbol> Owned { get; } = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
            public HashSet<ITypeSymbol> Inheritance { get; } = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
            public HashSet<ITypeSymbol> ContextsWithSaveEvents { get; } = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
            public HashSet<ITypeSymbol> BaseTypesInSource { get; } = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
            public List<INamedTypeSymbol> Contexts { get; } = new List<INamedTypeSymbol>();
            public bool QueryFilterOnAll { get; private set; }
            public bool ConcurrencyTokenOnAll { get; private set; }
            public INamedTypeSymbol? SaveChangesInterceptor { get; private set; }

            public bool HasDerivedTypes(INamedTypeSymbol type) => BaseTypesInSource.Contains(type.OriginalDefinition);

            public static ModelScan Create(EfSymbols symbols)
            {
                var scan = new ModelScan();
                try
                {
                    scan.Run(symbols);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // A scan that cannot finish must not make a fix look safe: treat everything as configured.
                    scan.QueryFilterOnAll = true;
                    scan.ConcurrencyTokenOnAll = true;
                }

                return scan;
            }

            private void Run(EfSymbols symbols)
            {
                var compilation = symbols.Compilation;
                var interceptor = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.Diagnostics.ISaveChangesInterceptor");
                var configuration = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.IEntityTypeConfiguration`1");
                var bodies = new List<IMethodSymbol>();

                // Types declared in source only (the declaration table, no binding).
                foreach (var symbol in compilation.GetSymbolsWithName(_ => true, SymbolFilter.Type))
                {
                    if (symbol is not INamedTypeSymbol type)
                    {
                        continue;
                    }

                    if (type.BaseType is { SpecialType: not SpecialType.System_Object } baseType)
                    {
                        BaseTypesInSource.Add(baseType.OriginalDefinition);
                    }

                    if (interceptor is not null && SaveChangesInterceptor is null
                        && type.AllInterfaces.Any(i => SymbolEqualityComparer.Default.Equals(i, interceptor)))
                    {
                        SaveChangesInterceptor = type;
                    }

                    if (symbols.IsDbContext(type) && !SymbolEqualityComparer.Default.Equals(type, symbols.DbContext))
                    {
                        Contexts.Add(type);
                        bodies.AddRange(type.GetMembers("OnModelCreating").OfType<IMethodSymbol>());
                        if (HandlesSaveEvents(type))
                        {
                            ContextsWithSaveEvents.Add(type);
                        }
                    }

                    if (configuration is not null
                        && type.AllInterfaces.Any(i => SymbolEqualityComparer.Default.Equals(i.OriginalDefinition, configuration)))
                    {
                        bodies.AddRange(type.GetMembers("Configure").OfType<IMethodSymbol>());
                    }
                }

                // Configuration code, following helpers that receive a ModelBuilder/EntityTypeBuilder
                // (SampleModel.Configure(modelBuilder), ConfigureBlogs(builder.Entity<Blog>())...), bounded.
                var visited = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
                var queue = new Queue<IMethodSymbol>(bodies);
                while (queue.Count > 0 && visited.Count < MaxConfigurationMethods)
                {
                    var method = queue.Dequeue();
                    if (!visited.Add(method.OriginalDefinition))
                    {
                        continue;
                    }

                    var body = SourceBodies.GetBody(compilation, method.OriginalDefinition, CancellationToken.None);
                    if (body is null)
                    {
                        continue;
                    }

                    foreach (var invocation in body.Descendants().OfType<IInvocationOperation>())
                    {
                        Record(invocation);
                        var target = invocation.TargetMethod;
                        if (!target.DeclaringSyntaxReferences.IsEmpty
                            && target.Parameters.Any(p => p.Type.Name is "ModelBuilder" or "EntityTypeBuilder" && EfSymbols.IsInEfNamespace(p.Type)))
                        {
                            queue.Enqueue(target);
                        }
                    }
                }
            }

            private void Record(IInvocationOperation invocation)
            {
                var method = invocation.TargetMethod;
                if (!EfSymbols.IsInEfNamespace(method.ContainingType))
                {
                    return;
                }

                switch (method.Name)
                {
                    case "IsRowVersion":
                    case "IsConcurrencyToken":
                        if (invocation.Arguments.Length > 0 && invocation.Arguments[0].Value.ConstantValue is { HasValue: true, Value: false })
                        {
                            return;
                        }

                        Add(ConcurrencyTokens, invocation, onAll: () => ConcurrencyTokenOnAll = true);
                        break;
                    case "HasQueryFilter":
                    case "SetQueryFilter":
                        Add(QueryFilters, invocation, onAll: () => QueryFilterOnAll = true);
                        break;
                    case "OwnsOne":
                    case "OwnsMany":
                    case "ComplexProperty":
                    case "ComplexCollection":
                        Add(Owned, invocation, onAll: null);
                        break;
                    case "HasDiscriminator":
                    case "HasBaseType":
                    case "UseTptMappingStrategy":
                    case "UseTpcMappingStrategy":
                    case "UseTphMappingStrategy":
                        Add(Inheritance, invocation, onAll: null);
                        break;
                }
            }

            /// <summary>Records the entity a fluent call configures: the T of the nearest EntityTypeBuilder&lt;T&gt; receiver.</summary>
            private static void Add(HashSet<ITypeSymbol> set, IInvocationOperation invocation, Action? onAll)
            {
                for (IOperation? current = invocation; current is not null;)
                {
                    var receiver = current is IInvocationOperation call ? call.GetReceiverOrThisArgument() : null;
                    if (receiver is null)
                    {
                        break;
                    }

                    for (var type = receiver.Type as INamedTypeSymbol; type is not null; type = type.BaseType)
                    {
                        if (type.Name == "EntityTypeBuilder" && EfSymbols.IsInEfNamespace(type))
                        {
                            if (type.IsGenericType && type.TypeArguments.Length == 1)
                            {
                                set.Add(type.TypeArguments[0].OriginalDefinition);
                                return;
                            }

                            // modelBuilder.Entity(clrType) or a loop over the model: applies to entities we cannot name.
                            onAll?.Invoke();
                            return;
                        }
                    }

                    current = receiver.WalkDownConversions();
                    if (current is not IInvocationOperation && current.Type?.Name.EndsWith("Builder", StringComparison.Ordinal) == true
                        && current.Type.Name != "EntityTypeBuilder")
                    {
                        // An owned-navigation/complex-property builder parameter: the owner is recorded by OwnsOne/OwnsMany.
                        return;
                    }
                }

                // IMutableEntityType.SetQueryFilter(...) in a loop over modelBuilder.Model.GetEntityTypes(), and the like.
                onAll?.Invoke();
            }

            private static bool HandlesSaveEvents(INamedTypeSymbol context)
            {
                foreach (var reference in context.DeclaringSyntaxReferences)
                {
                    foreach (var name in reference.GetSyntax().DescendantNodes().OfType<IdentifierNameSyntax>())
                    {
                        if (name.Identifier.ValueText is "SavingChanges" or "SavedChanges" or "StateChanged" or "Tracked")
                        {
                            return true;
                        }
                    }
                }

                return false;
            }
        }
    }
}
