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
    /// What the source code says about the EF model: primary keys (convention, <c>[Key]</c>, <c>[PrimaryKey]</c>,
    /// <c>HasKey</c>), and lookup tables (entities seeded with <c>HasData</c>, or keyed by an enum). The fluent
    /// configuration is read once per compilation, lazily, from the <c>OnModelCreating</c> overrides and
    /// <c>IEntityTypeConfiguration&lt;T&gt;.Configure</c> implementations declared in source (found by member name through
    /// the declaration table, never by a syntax walk; at most a fixed number of bodies).
    /// </summary>
    internal sealed class ModelFacts
    {
        private readonly EfSymbols _ef;
        private readonly Lazy<FluentIndex> _fluent;

        public ModelFacts(EfSymbols ef, CancellationToken cancellationToken = default)
        {
            _ef = ef;
            _fluent = new Lazy<FluentIndex>(() => FluentIndex.Build(ef, cancellationToken), LazyThreadSafetyMode.ExecutionAndPublication);
        }

        /// <summary>
        /// The single primary-key property of an entity when the code shows it: <c>HasKey(x =&gt; x.P)</c> in fluent
        /// configuration, <c>[PrimaryKey(nameof(P))]</c>, one <c>[Key]</c> property, or the <c>Id</c>/<c>&lt;Type&gt;Id</c>
        /// convention. Null for composite keys, keyless entities, or when nothing is known.
        /// </summary>
        public IPropertySymbol? FindSingleKey(ITypeSymbol? entityType)
        {
            if (entityType is not INamedTypeSymbol type)
            {
                return null;
            }

            var fluent = _fluent.Value;
            if (fluent.Keys.TryGetValue(type.OriginalDefinition, out var fluentKey))
            {
                return fluentKey;
            }

            if (fluent.Keyless.Contains(type.OriginalDefinition) || HasAttribute(type, "KeylessAttribute"))
            {
                return null;
            }

            var properties = AllProperties(type).ToList();
            foreach (var attribute in type.GetAttributes())
            {
                if (attribute.AttributeClass?.Name == "PrimaryKeyAttribute")
                {
                    // [PrimaryKey(nameof(A))] -> A; [PrimaryKey(nameof(A), nameof(B))] -> composite.
                    if (attribute.ConstructorArguments.Length >= 1
                        && attribute.ConstructorArguments[0].Value is string name
                        && (attribute.ConstructorArguments.Length == 1
                            || (attribute.ConstructorArguments[1].Kind == TypedConstantKind.Array && attribute.ConstructorArguments[1].Values.Length == 0)))
                    {
                        return properties.FirstOrDefault(p => p.Name == name);
                    }

                    return null;
                }
            }

            var keyed = properties.Where(p => HasAttribute(p, "KeyAttribute")).ToList();
            if (keyed.Count == 1)
            {
                return keyed[0];
            }

            if (keyed.Count > 1)
            {
                return null;
            }

            return properties.FirstOrDefault(p => string.Equals(p.Name, "Id", StringComparison.OrdinalIgnoreCase))
                   ?? properties.FirstOrDefault(p => string.Equals(p.Name, type.Name + "Id", StringComparison.OrdinalIgnoreCase));
        }

        /// <summary>The maximum length of a string/binary column from fluent <c>HasMaxLength(n)</c>, <c>[MaxLength(n)]</c> or <c>[StringLength(n)]</c>; null when none is declared.</summary>
        public int? FindMaxLength(IPropertySymbol property)
        {
            if (_fluent.Value.MaxLengths.TryGetValue((IPropertySymbol)property.OriginalDefinition, out var fluent))
            {
                return fluent;
            }

            foreach (var attribute in property.GetAttributes())
            {
                if (attribute.AttributeClass?.Name is "MaxLengthAttribute" or "StringLengthAttribute"
                    && attribute.ConstructorArguments.Length >= 1 && attribute.ConstructorArguments[0].Value is int length)
                {
                    return length;
                }
            }

            return null;
        }

        /// <summary>The store type from fluent <c>HasColumnType("jsonb")</c> or <c>[Column(TypeName = "text")]</c>; null when none is declared.</summary>
        public string? FindColumnType(IPropertySymbol property)
        {
            if (_fluent.Value.ColumnTypes.TryGetValue((IPropertySymbol)property.OriginalDefinition, out var fluent))
            {
                return fluent;
            }

            foreach (var attribute in property.GetAttributes())
            {
                if (attribute.AttributeClass?.Name == "ColumnAttribute")
                {
                    foreach (var named in attribute.NamedArguments)
                    {
                        if (named.Key == "TypeName" && named.Value.Value is string typeName)
                        {
                            return typeName;
                        }
                    }
                }
            }

            return null;
        }

        /// <summary>True when the entity's data is seeded with <c>HasData</c>: a lookup table of known, small size.</summary>
        public bool IsSeeded(ITypeSymbol? entityType)
            => entityType is INamedTypeSymbol type && _fluent.Value.Seeded.Contains(type.OriginalDefinition);

        /// <summary>
        /// True when the entity's single primary key is an enum (<c>[Key] public SettingKey Key</c>): the table holds at
        /// most one row per enum member, a settings or lookup table whatever its other columns.
        /// </summary>
        public bool IsKeyedByEnum(ITypeSymbol? entityType)
            => FindSingleKey(entityType)?.Type is { TypeKind: TypeKind.Enum };

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

        private static bool HasAttribute(ISymbol symbol, string name)
            => symbol.GetAttributes().Any(a => a.AttributeClass?.Name == name);

        /// <summary>The fluent model configuration of one compilation.</summary>
        private sealed class FluentIndex
        {
            public Dictionary<ITypeSymbol, IPropertySymbol?> Keys { get; } = new Dictionary<ITypeSymbol, IPropertySymbol?>(SymbolEqualityComparer.Default);
            public HashSet<ITypeSymbol> Keyless { get; } = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
            public HashSet<ITypeSymbol> Seeded { get; } = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
            public Dictionary<IPropertySymbol, int> MaxLengths { get; } = new Dictionary<IPropertySymbol, int>(SymbolEqualityComparer.Default);
            public Dictionary<IPropertySymbol, string> ColumnTypes { get; } = new Dictionary<IPropertySymbol, string>(SymbolEqualityComparer.Default);

            private const int MaxBodies = 200;

            public static FluentIndex Build(EfSymbols ef, CancellationToken cancellationToken)
            {
                var index = new FluentIndex();
                var compilation = ef.Compilation;
                var bodies = 0;
                foreach (var symbol in compilation.GetSymbolsWithName(IsConfigurationMemberName, SymbolFilter.Member, cancellationToken))
                {
                    if (symbol is not IMethodSymbol method || ++bodies > MaxBodies)
                    {
                        continue;
                    }

                    var body = SourceBodies.GetBody(compilation, method, cancellationToken);
                    if (body is not null)
                    {
                        index.Read(body);
                    }
                }

                return index;
            }

            /// <summary>Members that configure the model.</summary>
            private static bool IsConfigurationMemberName(string name)
                => name == "OnModelCreating" || name == "Configure";

            private void Read(IOperation body)
            {
                foreach (var op in body.DescendantsAndSelf())
                {
                    if (op is not IInvocationOperation invocation)
                    {
                        continue;
                    }

                    var name = invocation.TargetMethod.Name;
                    switch (name)
                    {
                        case "HasMaxLength":
                        case "HasColumnType":
                            if (ConfiguredProperty(invocation.Instance) is { } configured && invocation.Arguments.Length >= 1
                                && invocation.Arguments[0].Value.ConstantValue is { HasValue: true } constant)
                            {
                                if (name == "HasMaxLength" && constant.Value is int length)
                                {
                                    MaxLengths[configured] = length;
                                }
                                else if (name == "HasColumnType" && constant.Value is string columnType)
                                {
                                    ColumnTypes[configured] = columnType;
                                }
                            }

                            break;

                        case "HasKey":
                        case "HasNoKey":
                        case "HasData":
                            var entity = BuilderEntity(invocation.Instance?.Type);
                            if (entity is null)
                            {
                                break;
                            }

                            if (name == "HasData")
                            {
                                Seeded.Add(entity);
                            }
                            else if (name == "HasNoKey")
                            {
                                Keyless.Add(entity);
                            }
                            else
                            {
                                Keys[entity] = KeyFromHasKey(invocation, entity);
                            }

                            break;
                    }
                }
            }

            /// <summary><c>builder.Property(x =&gt; x.P)</c> (possibly with calls chained after it) -> P.</summary>
            private static IPropertySymbol? ConfiguredProperty(IOperation? receiver)
            {
                for (var depth = 0; depth < 8 && receiver?.WalkDownConversions() is IInvocationOperation call; depth++)
                {
                    if (call.TargetMethod.Name == "Property" && call.Arguments.Length == 1 && call.Arguments[0].Value.AsLambda() is { } lambda)
                    {
                        var returned = SourceBodies.ReturnedValues(lambda.Body).ToList();
                        return returned.Count == 1 && returned[0].WalkDownConversions() is IPropertyReferenceOperation property
                            ? (IPropertySymbol)property.Property.OriginalDefinition
                            : null;
                    }

                    receiver = call.Instance;
                }

                return null;
            }

            /// <summary>EntityTypeBuilder&lt;T&gt; -> T.</summary>
            private static ITypeSymbol? BuilderEntity(ITypeSymbol? builderType)
            {
                for (var t = builderType as INamedTypeSymbol; t is not null; t = t.BaseType)
                {
                    if (t.Name == "EntityTypeBuilder" && t.IsGenericType && t.TypeArguments.Length == 1)
                    {
                        return t.TypeArguments[0].OriginalDefinition;
                    }
                }

                return null;
            }

            /// <summary><c>HasKey(x =&gt; x.Code)</c> or <c>HasKey("Code")</c> / <c>HasKey(nameof(X.Code))</c>; null when composite.</summary>
            private static IPropertySymbol? KeyFromHasKey(IInvocationOperation invocation, ITypeSymbol entity)
            {
                if (invocation.Arguments.Length != 1)
                {
                    return null;
                }

                var value = invocation.Arguments[0].Value;
                if (value.AsLambda() is { } lambda)
                {
                    var returned = SourceBodies.ReturnedValues(lambda.Body).ToList();
                    return returned.Count == 1 && returned[0].WalkDownConversions() is IPropertyReferenceOperation property
                        ? property.Property
                        : null;
                }

                if (value is IArrayCreationOperation { Initializer.ElementValues: { Length: 1 } values })
                {
                    value = values[0];
                }

                if (value.ConstantValue is { HasValue: true, Value: string name })
                {
                    return entity.GetMembers(name).OfType<IPropertySymbol>().FirstOrDefault();
                }

                return null;
            }
        }
    }
}
