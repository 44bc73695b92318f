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
    /// What EF Core maps, as far as a query's translation needs it: is this property a column (or is it computed in C#,
    /// <c>[NotMapped]</c>, ignored), is this method a database function (<c>[DbFunction]</c>, <c>HasDbFunction</c>), and
    /// does the application add its own translations (an <c>IMethodCallTranslator</c>/<c>IMemberTranslator</c>) or expand
    /// members before translation (<c>[Projectable]</c>, <c>[Computed]</c>, <c>[Expandable]</c>, <c>[InjectLambda]</c>).
    /// <para>
    /// The configuration is read once per compilation, lazily, from <c>OnModelCreating</c>, <c>Configure</c> and
    /// <c>ConfigureConventions</c> bodies and from methods that take a model or entity builder (configuration helpers),
    /// at most a fixed number of bodies. Still its own narrow scan (configured properties, DbFunctions) beside <see cref="EfModel"/>; to fold into
    /// the one model scan (issue 13).
    /// </para>
    /// </summary>
    internal sealed class ModelMapping
    {
        private static readonly ImmutableHashSet<string> ExpandedMemberAttributes = ImmutableHashSet.Create(
            "DbFunctionAttribute", "ProjectableAttribute", "ComputedAttribute", "ExpandableAttribute", "InjectLambdaAttribute",
            "ExpressionMethodAttribute", "FunctionAttribute");

        private readonly Lazy<Configuration> _configuration;
        private readonly Lazy<(bool Methods, bool Members)> _translators;

        public ModelMapping(EfSymbols ef, CancellationToken cancellationToken = default)
        {
            _configuration = new Lazy<Configuration>(() => Configuration.Build(ef.Compilation, cancellationToken), LazyThreadSafetyMode.ExecutionAndPublication);
            _translators = new Lazy<(bool, bool)>(() => FindTranslators(ef.Compilation, cancellationToken), LazyThreadSafetyMode.ExecutionAndPublication);
        }

        /// <summary>The application translates method calls itself (an <c>IMethodCallTranslator</c> in source).</summary>
        public bool HasOwnMethodTranslator => _translators.Value.Methods;

        /// <summary>The application translates member reads itself (an <c>IMemberTranslator</c> in source).</summary>
        public bool HasOwnMemberTranslator => _translators.Value.Members;

        /// <summary>
        /// The member is expanded or mapped before translation: <c>[DbFunction]</c>, <c>HasDbFunction(..)</c>, or an
        /// expression-expanding library's attribute (Projectables, DelegateDecompiler, LINQKit, NeinLinq); or its type
        /// declares a same-named member returning an <c>Expression</c> (the convention lambda-injection libraries use).
        /// </summary>
        public bool IsExpandedOrMapped(ISymbol member)
        {
            if (member.GetAttributes().Any(a => a.AttributeClass is { } c && ExpandedMemberAttributes.Contains(c.Name)))
            {
                return true;
            }

            if (member.ContainingType is { } type
                && type.GetMembers(member.Name).Any(m => !SymbolEqualityComparer.Default.Equals(m, member) && IsExpression(ReturnType(m))))
            {
                return true;
            }

            if (member is not IMethodSymbol method)
            {
                return false;
            }

            var functions = _configuration.Value;
            return functions.DbFunctions.Contains(method.OriginalDefinition)
                   || functions.DbFunctionNames.Contains(method.Name)
                   || (functions.UnresolvedDbFunctions && method.IsStatic);
        }

        /// <summary>
        /// How a scalar property of a type declared in source is left out of the model: "[NotMapped]", "ignored in the
        /// model" (<c>Ignore(x =&gt; x.P)</c>), or "computed in C#" (no setter, by EF Core's conventions not a column, and not
        /// configured with <c>Property(..)</c>, a backing field or a data annotation). Null when it is mapped, or when the
        /// code does not say (interfaces, abstract members, non-scalar types that may be navigations or owned types).
        /// </summary>
        public string? UnmappedReason(IPropertySymbol property)
        {
            if (property.IsStatic || property.IsIndexer || property.IsAbstract
                || property.DeclaringSyntaxReferences.Length == 0
                || property.ContainingType is not { TypeKind: TypeKind.Class or TypeKind.Struct, IsAnonymousType: false }
                || !IsScalar(property.Type)
                || IsExpandedOrMapped(property))
            {
                return null;
            }

            var configuration = _configuration.Value;
            var definition = (IPropertySymbol)property.OriginalDefinition;
            if (configuration.Ignored.Contains(definition) || configuration.IgnoredNames.Contains(property.Name))
            {
                return configuration.Configured.Contains(definition) ? null : "ignored in the model";
            }

            if (configuration.Configured.Contains(definition) || configuration.ConfiguredNames.Contains(property.Name))
            {
                return null; // Property(x => x.P), Property("P"), HasField, OwnsOne(x => x.P)...: mapped explicitly
            }

            var attributes = property.GetAttributes();
            if (attributes.Any(a => a.AttributeClass?.Name == "NotMappedAttribute"))
            {
                return "[NotMapped]";
            }

            if (HasSetter(property))
            {
                return null;
            }

            if (attributes.Any(a => a.AttributeClass?.ContainingNamespace?.ToDisplayString() is { } ns
                                    && (ns.StartsWith("System.ComponentModel.DataAnnotations", StringComparison.Ordinal) || ns.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal))))
            {
                return null; // [Column], [Key]...: the author means it to be a column; do not second-guess
            }

            return "computed in C#";
        }

        private static bool HasSetter(IPropertySymbol property)
        {
            for (var p = property; p is not null; p = p.OverriddenProperty)
            {
                if (p.SetMethod is not null)
                {
                    return true;
                }
            }

            // A getter-only override of a property whose base declares the setter further up.
            for (var t = property.ContainingType?.BaseType; t is not null; t = t.BaseType)
            {
                if (t.GetMembers(property.Name).OfType<IPropertySymbol>().Any(p => p.SetMethod is not null))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Column-like types: a get-only property of another type may be a navigation, an owned or a complex type.</summary>
        private static bool IsScalar(ITypeSymbol type)
        {
            if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
            {
                type = nullable.TypeArguments[0];
            }

            if (type.TypeKind == TypeKind.Enum)
            {
                return true;
            }

            switch (type.SpecialType)
            {
                case SpecialType.System_Boolean:
                case SpecialType.System_Char:
                case SpecialType.System_String:
                case SpecialType.System_Byte:
                case SpecialType.System_SByte:
                case SpecialType.System_Int16:
                case SpecialType.System_UInt16:
                case SpecialType.System_Int32:
                case SpecialType.System_UInt32:
                case SpecialType.System_Int64:
                case SpecialType.System_UInt64:
                case SpecialType.System_Single:
                case SpecialType.System_Double:
                case SpecialType.System_Decimal:
                case SpecialType.System_DateTime:
                    return true;
            }

            return type.ContainingNamespace?.ToDisplayString() == "System"
                   && type.Name is "Guid" or "DateTimeOffset" or "DateOnly" or "TimeOnly" or "TimeSpan";
        }

        private static ITypeSymbol? ReturnType(ISymbol member) => member switch
        {
            IMethodSymbol m => m.ReturnType,
            IPropertySymbol p => p.Type,
            IFieldSymbol f => f.Type,
            _ => null,
        };

        private static bool IsExpression(ITypeSymbol? type)
            => type is INamedTypeSymbol { Name: "Expression" } named
               && named.ContainingNamespace?.ToDisplayString() == "System.Linq.Expressions";

        private static (bool Methods, bool Members) FindTranslators(Compilation compilation, CancellationToken cancellationToken)
        {
            bool methods = false, members = false;
            foreach (var symbol in compilation.GetSymbolsWithName(n => n == "Translate", SymbolFilter.Member, cancellationToken))
            {
                foreach (var @interface in symbol.ContainingType?.AllInterfaces ?? ImmutableArray<INamedTypeSymbol>.Empty)
                {
                    methods |= @interface.Name == "IMethodCallTranslator";
                    members |= @interface.Name == "IMemberTranslator";
                }
            }

            return (methods, members);
        }

        /// <summary>What the fluent configuration in source says about members.</summary>
        private sealed class Configuration
        {
            private const int MaxBodies = 300;

            public HashSet<IPropertySymbol> Configured { get; } = new HashSet<IPropertySymbol>(SymbolEqualityComparer.Default);
            public HashSet<string> ConfiguredNames { get; } = new HashSet<string>(StringComparer.Ordinal);
            public HashSet<IPropertySymbol> Ignored { get; } = new HashSet<IPropertySymbol>(SymbolEqualityComparer.Default);
            public HashSet<string> IgnoredNames { get; } = new HashSet<string>(StringComparer.Ordinal);
            public HashSet<IMethodSymbol> DbFunctions { get; } = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            public HashSet<string> DbFunctionNames { get; } = new HashSet<string>(StringComparer.Ordinal);
            public bool UnresolvedDbFunctions { get; private set; }

            public static Configuration Build(Compilation compilation, CancellationToken cancellationToken)
            {
                var configuration = new Configuration();
                var bodies = 0;
                foreach (var symbol in compilation.GetSymbolsWithName(_ => true, SymbolFilter.Member, cancellationToken))
                {
                    if (symbol is not IMethodSymbol method || !IsConfigurationMethod(method))
                    {
                        continue;
                    }

                    if (++bodies > MaxBodies)
                    {
                        break;
                    }

                    if (SourceBodies.GetBody(compilation, method, cancellationToken) is { } body)
                    {
                        configuration.Read(body);
                    }
                }

                return configuration;
            }

            /// <summary>OnModelCreating, IEntityTypeConfiguration.Configure, ConfigureConventions, and helpers taking a builder.</summary>
            private static bool IsConfigurationMethod(IMethodSymbol method)
            {
                if (method.Name is "OnModelCreating" or "ConfigureConventions")
                {
                    return true;
                }

                foreach (var parameter in method.Parameters)
                {
                    if (parameter.Type is INamedTypeSymbol type && type.Name.EndsWith("Builder", StringComparison.Ordinal) && EfSymbols.IsInEfNamespace(type))
                    {
                        return true;
                    }
                }

                return false;
            }

            private void Read(IOperation body)
            {
                foreach (var operation in body.DescendantsAndSelf())
                {
                    if (operation is IInvocationOperation { TargetMethod.Name: "HasDbFunction" } function)
                    {
                        ReadDbFunction(function);
                        continue;
                    }

                    var isProperty = operation is IPropertyReferenceOperation;
                    var isName = operation.ConstantValue is { HasValue: true, Value: string };
                    if (!isProperty && !isName)
                    {
                        continue;
                    }

                    var ignored = UnderIgnore(operation, body);
                    if (isProperty)
                    {
                        var property = (IPropertySymbol)((IPropertyReferenceOperation)operation).Property.OriginalDefinition;
                        if (ignored)
                        {
                            Ignored.Add(property);
                        }
                        else if (InsideLambda(operation, body))
                        {
                            Configured.Add(property); // Property(x => x.P), HasKey(x => x.P), OwnsOne(x => x.P)...
                        }
                    }
                    else
                    {
                        (ignored ? IgnoredNames : ConfiguredNames).Add((string)operation.ConstantValue.Value!);
                    }
                }
            }

            /// <summary>Inside the arguments of an <c>Ignore(..)</c> call (the nearest enclosing call decides).</summary>
            private static bool UnderIgnore(IOperation operation, IOperation body)
            {
                var depth = 0;
                for (var current = operation.Parent; current is not null && current != body && depth < 12; current = current.Parent, depth++)
                {
                    if (current is IInvocationOperation call)
                    {
                        return call.TargetMethod.Name == "Ignore";
                    }
                }

                return false;
            }

            private static bool InsideLambda(IOperation operation, IOperation body)
            {
                for (var current = operation.Parent; current is not null && current != body; current = current.Parent)
                {
                    if (current is IAnonymousFunctionOperation)
                    {
                        return true;
                    }
                }

                return false;
            }

            private void ReadDbFunction(IInvocationOperation invocation)
            {
                var resolved = false;
                foreach (var operation in invocation.Arguments.SelectMany(a => a.Value.DescendantsAndSelf()))
                {
                    if (operation is IInvocationOperation call && call.TargetMethod.Name != "GetMethod" && call.TargetMethod.Name != "GetRuntimeMethod")
                    {
                        DbFunctions.Add(call.TargetMethod.OriginalDefinition);
                        resolved = true;
                    }
                    else if (operation is IMethodReferenceOperation reference)
                    {
                        DbFunctions.Add(reference.Method.OriginalDefinition);
                        resolved = true;
                    }
                    else if (operation.ConstantValue is { HasValue: true, Value: string name })
                    {
                        DbFunctionNames.Add(name);
                        resolved = true;
                    }
                }

                UnresolvedDbFunctions |= !resolved;
            }
        }
    }
}
