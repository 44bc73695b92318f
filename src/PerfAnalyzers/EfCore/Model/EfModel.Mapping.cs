namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// Mapping, as far as a query's translation needs it (EFP315): is a property a column (or is it computed in C#,
    /// <c>[NotMapped]</c>, ignored), is a method a database function (<c>[DbFunction]</c>, <c>HasDbFunction</c>), does the
    /// application add its own translations (an <c>IMethodCallTranslator</c>/<c>IMemberTranslator</c>) or expand members
    /// before translation (<c>[Projectable]</c>, <c>[Computed]</c>, <c>[Expandable]</c>, <c>[InjectLambda]</c>).
    /// </summary>
    internal sealed partial class EfModel
    {
        private static readonly ImmutableHashSet<string> ExpandedMemberAttributes = ImmutableHashSet.Create(
            "DbFunctionAttribute", "ProjectableAttribute", "ComputedAttribute", "ExpandableAttribute", "InjectLambdaAttribute",
            "ExpressionMethodAttribute", "FunctionAttribute");

        /// <summary>-1 until looked up; then bit 1 = a method-call translator in source, bit 2 = a member translator.</summary>
        private int _translators = -1;

        /// <summary>The application translates method calls itself (an <c>IMethodCallTranslator</c> in source).</summary>
        public bool HasOwnMethodTranslator => Translators().Methods;

        /// <summary>The application translates member reads itself (an <c>IMemberTranslator</c> in source).</summary>
        public bool HasOwnMemberTranslator => Translators().Members;

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

            var scan = Scan();
            return scan.DbFunctions.Contains(method.OriginalDefinition)
                   || scan.DbFunctionNames.Contains(method.Name)
                   || (scan.UnresolvedDbFunctions && method.IsStatic);
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
                || !IsScalarColumnType(property.Type)
                || IsExpandedOrMapped(property))
            {
                return null;
            }

            var scan = Scan();
            if (scan.ConfiguredNames.Contains(property.Name))
            {
                return null; // Property(x => x.P), Property("P"), HasField, OwnsOne(x => x.P), the snapshot's column: mapped explicitly
            }

            var attributes = property.GetAttributes();
            if (attributes.Any(a => a.AttributeClass?.Name == "NotMappedAttribute"))
            {
                return "[NotMapped]";
            }

            if (IsIgnored(property))
            {
                return "ignored in the model";
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

        private (bool Methods, bool Members) Translators()
        {
            var bits = Volatile.Read(ref _translators);
            if (bits < 0)
            {
                var (methods, members) = FindTranslators(Compilation);
                bits = (methods ? 1 : 0) | (members ? 2 : 0);
                Volatile.Write(ref _translators, bits);
            }

            return ((bits & 1) != 0, (bits & 2) != 0);
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

        private static (bool Methods, bool Members) FindTranslators(Compilation compilation)
        {
            bool methods = false, members = false;
            foreach (var symbol in compilation.GetSymbolsWithName(n => n == "Translate", SymbolFilter.Member))
            {
                foreach (var @interface in symbol.ContainingType?.AllInterfaces ?? ImmutableArray<INamedTypeSymbol>.Empty)
                {
                    methods |= @interface.Name == "IMethodCallTranslator";
                    members |= @interface.Name == "IMemberTranslator";
                }
            }

            return (methods, members);
        }

    }
}
