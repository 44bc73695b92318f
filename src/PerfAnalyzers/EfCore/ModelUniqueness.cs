using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// Which columns of an entity are unique per row, as far as the source shows: the primary key (single or composite:
    /// fluent <c>HasKey</c>, <c>[PrimaryKey]</c>, <c>[Key]</c>, the <c>Id</c>/<c>&lt;Type&gt;Id</c> convention through
    /// <see cref="ModelFacts.FindSingleKey"/>), alternate keys (<c>HasAlternateKey</c>) and unique indexes
    /// (<c>HasIndex(..).IsUnique()</c>, <c>[Index(.., IsUnique = true)]</c>). The fluent part is read once per compilation,
    /// lazily, from the same configuration members <see cref="ModelFacts"/> reads (<c>OnModelCreating</c>, <c>Configure</c>,
    /// found through the declaration table; at most a fixed number of bodies).
    /// <para>
    /// Self-contained on purpose (one question, one file): the model scan is being merged into one pass (issue 13); this
    /// file's <see cref="Read"/> is the part that pass needs, and <see cref="PrimaryKey"/> / <see cref="UniqueColumnSets"/>
    /// the API.
    /// </para>
    /// </summary>
    internal sealed class ModelUniqueness
    {
        private const int MaxBodies = 200;

        private readonly ModelFacts _model;
        private readonly Lazy<Fluent> _fluent;

        public ModelUniqueness(EfSymbols ef, ModelFacts model)
        {
            _model = model;
            _fluent = new Lazy<Fluent>(() => Fluent.Build(ef), LazyThreadSafetyMode.ExecutionAndPublication);
        }

        /// <summary>
        /// The primary-key properties of <paramref name="entityType"/> (one, or several for a composite key); empty when the
        /// entity is keyless or its key is not known from the source.
        /// </summary>
        public ImmutableArray<IPropertySymbol> PrimaryKey(ITypeSymbol? entityType)
        {
            if (entityType is not INamedTypeSymbol type)
            {
                return ImmutableArray<IPropertySymbol>.Empty;
            }

            var fluent = _fluent.Value;
            foreach (var t in EfSymbols.SelfAndBaseTypes(type))
            {
                if (fluent.Keys.TryGetValue(t.OriginalDefinition, out var keys))
                {
                    return keys;
                }
            }

            if (_model.FindSingleKey(type) is { } single)
            {
                return ImmutableArray.Create(single);
            }

            // Composite keys by annotation: [PrimaryKey(nameof(A), nameof(B))], or several [Key] properties.
            var properties = AllProperties(type).ToList();
            foreach (var attribute in type.GetAttributes())
            {
                if (attribute.AttributeClass?.Name == "PrimaryKeyAttribute")
                {
                    return ByNames(properties, AttributeNames(attribute));
                }
            }

            var keyed = properties.Where(p => p.GetAttributes().Any(a => a.AttributeClass?.Name == "KeyAttribute")).ToImmutableArray();
            return keyed.Length > 1 ? keyed : ImmutableArray<IPropertySymbol>.Empty;
        }

        /// <summary>
        /// Every set of columns whose values, taken together, identify one row of <paramref name="entityType"/>: the primary
        /// key first, then alternate keys and unique indexes. Empty when the primary key is not known (keyless, or nothing
        /// in the source says): the caller cannot tell what is unique.
        /// </summary>
        public ImmutableArray<ImmutableArray<IPropertySymbol>> UniqueColumnSets(ITypeSymbol? entityType)
        {
            var key = PrimaryKey(entityType);
            if (key.IsEmpty || entityType is not INamedTypeSymbol type)
            {
                return ImmutableArray<ImmutableArray<IPropertySymbol>>.Empty;
            }

            var sets = ImmutableArray.CreateBuilder<ImmutableArray<IPropertySymbol>>();
            sets.Add(key);
            var fluent = _fluent.Value;
            foreach (var t in EfSymbols.SelfAndBaseTypes(type))
            {
                if (fluent.Unique.TryGetValue(t.OriginalDefinition, out var unique))
                {
                    sets.AddRange(unique);
                }

                foreach (var column in IdentityUniqueColumns(t))
                {
                    sets.Add(ImmutableArray.Create(column));
                }

                foreach (var attribute in t.GetAttributes())
                {
                    if (attribute.AttributeClass?.Name == "IndexAttribute"
                        && attribute.NamedArguments.Any(a => a.Key == "IsUnique" && a.Value.Value is true)
                        && ByNames(AllProperties(type).ToList(), AttributeNames(attribute)) is { IsEmpty: false } columns)
                    {
                        sets.Add(columns);
                    }
                }
            }

            return sets.ToImmutable();
        }

        /// <summary>True when <paramref name="columns"/> include every column of some unique set of the entity.</summary>
        public bool IsUnique(ITypeSymbol? entityType, IEnumerable<IPropertySymbol> columns)
        {
            var set = new HashSet<ISymbol>(columns.Select(c => c.OriginalDefinition), SymbolEqualityComparer.Default);
            return UniqueColumnSets(entityType).Any(unique => unique.All(c => set.Contains(c.OriginalDefinition)));
        }

        /// <summary>
        /// ASP.NET Core Identity configures its model in a package (<c>IdentityDbContext.OnModelCreating</c>), out of the
        /// source's sight: a unique index on <c>NormalizedUserName</c> (users) and <c>NormalizedName</c> (roles), which
        /// makes <c>UserName</c> and <c>Name</c> unique too (the normalized value is computed from them on every save).
        /// </summary>
        private static IEnumerable<IPropertySymbol> IdentityUniqueColumns(INamedTypeSymbol type)
        {
            var definition = type.OriginalDefinition;
            if (definition.ContainingNamespace?.ToDisplayString() != "Microsoft.AspNetCore.Identity")
            {
                yield break;
            }

            var names = definition.Name switch
            {
                "IdentityUser" => new[] { "UserName", "NormalizedUserName" },
                "IdentityRole" => new[] { "Name", "NormalizedName" },
                _ => System.Array.Empty<string>(),
            };
            foreach (var name in names)
            {
                if (type.GetMembers(name).OfType<IPropertySymbol>().FirstOrDefault() is { } property)
                {
                    yield return property;
                }
            }
        }

        private static IEnumerable<string> AttributeNames(AttributeData attribute)
        {
            foreach (var argument in attribute.ConstructorArguments)
            {
                if (argument.Kind == TypedConstantKind.Array)
                {
                    foreach (var value in argument.Values)
                    {
                        if (value.Value is string item)
                        {
                            yield return item;
                        }
                    }
                }
                else if (argument.Value is string name)
                {
                    yield return name;
                }
            }
        }

        private static ImmutableArray<IPropertySymbol> ByNames(List<IPropertySymbol> properties, IEnumerable<string> names)
        {
            var result = ImmutableArray.CreateBuilder<IPropertySymbol>();
            foreach (var name in names)
            {
                var property = properties.FirstOrDefault(p => p.Name == name);
                if (property is null)
                {
                    return ImmutableArray<IPropertySymbol>.Empty; // a shadow property or a typo: not a set we can match
                }

                result.Add(property);
            }

            return result.ToImmutable();
        }

        private static IEnumerable<IPropertySymbol> AllProperties(INamedTypeSymbol type)
        {
            var seen = new HashSet<string>();
            foreach (var t in EfSymbols.SelfAndBaseTypes(type))
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

        /// <summary>
        /// One fluent call that tells about uniqueness: <c>HasKey</c>, <c>HasAlternateKey</c>, or <c>IsUnique()</c> on a
        /// <c>HasIndex</c> (possibly with other index calls between). The model pass calls it for every invocation of a
        /// configuration body.
        /// </summary>
        internal static void Read(IInvocationOperation invocation, Dictionary<ITypeSymbol, ImmutableArray<IPropertySymbol>> keys, Dictionary<ITypeSymbol, List<ImmutableArray<IPropertySymbol>>> unique)
        {
            switch (invocation.TargetMethod.Name)
            {
                case "HasKey":
                case "HasAlternateKey":
                    if (BuilderEntity(invocation.Instance?.Type) is { } entity && Columns(invocation, entity) is { IsEmpty: false } columns)
                    {
                        if (invocation.TargetMethod.Name == "HasKey")
                        {
                            keys[entity] = columns;
                        }
                        else
                        {
                            Add(unique, entity, columns);
                        }
                    }

                    break;

                case "IsUnique":
                    if (invocation.Arguments.Length == 1 && invocation.Arguments[0].Value.ConstantValue is { HasValue: true, Value: false })
                    {
                        break;
                    }

                    // builder.HasIndex(..)[.HasDatabaseName(..)...].IsUnique()
                    var receiver = invocation.GetReceiverOrThisArgument()?.WalkDownConversions();
                    for (var depth = 0; depth < 8 && receiver is IInvocationOperation call; depth++)
                    {
                        if (call.TargetMethod.Name == "HasIndex")
                        {
                            if (BuilderEntity(call.Instance?.Type) is { } indexed && Columns(call, indexed) is { IsEmpty: false } indexColumns)
                            {
                                Add(unique, indexed, indexColumns);
                            }

                            break;
                        }

                        receiver = call.GetReceiverOrThisArgument()?.WalkDownConversions(); // HasDatabaseName, HasFilter: relational extension methods
                    }

                    break;
            }
        }

        private static void Add(Dictionary<ITypeSymbol, List<ImmutableArray<IPropertySymbol>>> unique, ITypeSymbol entity, ImmutableArray<IPropertySymbol> columns)
        {
            if (!unique.TryGetValue(entity, out var list))
            {
                unique[entity] = list = new List<ImmutableArray<IPropertySymbol>>();
            }

            list.Add(columns);
        }

        /// <summary>
        /// The columns a key or index call names: <c>x =&gt; x.A</c>, <c>x =&gt; new { x.A, x.B }</c>, <c>"A", "B"</c>
        /// (<c>nameof</c> included). Empty when any of them is not a property of the entity in source.
        /// </summary>
        private static ImmutableArray<IPropertySymbol> Columns(IInvocationOperation invocation, ITypeSymbol entity)
        {
            var result = ImmutableArray.CreateBuilder<IPropertySymbol>();
            var value = invocation.GetArgumentValue(0); // HasIndex(x => x.A, "IX_Name"): the second argument is the index's name
            if (value is null)
            {
                return ImmutableArray<IPropertySymbol>.Empty;
            }

            if (value.AsLambda() is { } lambda)
            {
                var returned = SourceBodies.ReturnedValues(lambda.Body).ToList();
                if (returned.Count != 1)
                {
                    return ImmutableArray<IPropertySymbol>.Empty;
                }

                var body = returned[0].WalkDownConversions();
                var members = body is IAnonymousObjectCreationOperation anonymous
                    ? anonymous.Initializers.Select(i => i is ISimpleAssignmentOperation assignment ? assignment.Value : i)
                    : new[] { body };
                foreach (var member in members)
                {
                    if (member.WalkDownConversions() is not IPropertyReferenceOperation { Property: var property })
                    {
                        return ImmutableArray<IPropertySymbol>.Empty;
                    }

                    result.Add(property);
                }

                return result.ToImmutable();
            }

            var names = value is IArrayCreationOperation { Initializer: { } initializer } ? initializer.ElementValues : ImmutableArray.Create(value);
            foreach (var name in names)
            {
                if (name.ConstantValue is not { HasValue: true, Value: string text }
                    || entity is not INamedTypeSymbol named
                    || AllProperties(named).FirstOrDefault(p => p.Name == text) is not { } property)
                {
                    return ImmutableArray<IPropertySymbol>.Empty; // a shadow property, or names not known: not a set we can match
                }

                result.Add(property);
            }

            return result.ToImmutable();
        }

        /// <summary>EntityTypeBuilder&lt;T&gt; (or a type deriving from it) -> T.</summary>
        private static ITypeSymbol? BuilderEntity(ITypeSymbol? builderType)
        {
            for (var t = builderType as INamedTypeSymbol; t is not null; t = t.BaseType)
            {
                if (t.Name == "EntityTypeBuilder" && t.IsGenericType && t.TypeArguments.Length == 1 && EfSymbols.IsInEfNamespace(t))
                {
                    return t.TypeArguments[0].OriginalDefinition;
                }
            }

            return null;
        }

        /// <summary>A model or entity builder parameter: a helper that configures the model.</summary>
        private static bool IsBuilder(ITypeSymbol type)
            => type is INamedTypeSymbol { Name: "ModelBuilder" or "EntityTypeBuilder" } named && EfSymbols.IsInEfNamespace(named);

        /// <summary>The fluent keys and unique column sets of one compilation.</summary>
        private sealed class Fluent
        {
            public Dictionary<ITypeSymbol, ImmutableArray<IPropertySymbol>> Keys { get; } = new Dictionary<ITypeSymbol, ImmutableArray<IPropertySymbol>>(SymbolEqualityComparer.Default);

            public Dictionary<ITypeSymbol, List<ImmutableArray<IPropertySymbol>>> Unique { get; } = new Dictionary<ITypeSymbol, List<ImmutableArray<IPropertySymbol>>>(SymbolEqualityComparer.Default);

            public static Fluent Build(EfSymbols ef)
            {
                var fluent = new Fluent();
                var compilation = ef.Compilation;

                // The configuration members, then the source helpers they hand a builder to
                // (BuildPackageEntity(modelBuilder.Entity<Package>()) in OnModelCreating), each body once.
                var queue = new Queue<IMethodSymbol>();
                var seen = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
                foreach (var symbol in compilation.GetSymbolsWithName(name => name == "OnModelCreating" || name == "Configure", SymbolFilter.Member))
                {
                    if (symbol is IMethodSymbol method && seen.Add(method))
                    {
                        queue.Enqueue(method);
                    }
                }

                var bodies = 0;
                while (queue.Count > 0 && ++bodies <= MaxBodies)
                {
                    var body = SourceBodies.GetBody(compilation, queue.Dequeue(), CancellationToken.None);
                    if (body is null)
                    {
                        continue;
                    }

                    foreach (var op in body.DescendantsAndSelf())
                    {
                        IMethodSymbol target;
                        if (op is IInvocationOperation invocation)
                        {
                            Read(invocation, fluent.Keys, fluent.Unique);
                            target = invocation.TargetMethod.OriginalDefinition;
                        }
                        else if (op is IMethodReferenceOperation reference)
                        {
                            target = reference.Method.OriginalDefinition; // builder.Entity<Package>(BuildPackageEntity)
                        }
                        else
                        {
                            continue;
                        }

                        if (!target.DeclaringSyntaxReferences.IsEmpty && target.Parameters.Any(p => IsBuilder(p.Type)) && seen.Add(target))
                        {
                            queue.Enqueue(target);
                        }
                    }
                }

                return fluent;
            }
        }
    }
}
