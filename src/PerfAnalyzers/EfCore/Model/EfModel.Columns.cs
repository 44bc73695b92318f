namespace PerfAnalyzers.EfCore
{
    /// <summary>Columns and mapping: max lengths, store types, and which properties are mapped (<c>[NotMapped]</c>, fluent <c>Ignore</c>).</summary>
    internal sealed partial class EfModel
    {
        /// <summary>The maximum length of a string/binary column from fluent <c>HasMaxLength(n)</c>, <c>[MaxLength(n)]</c> or <c>[StringLength(n)]</c>; null when none is declared.</summary>
        public int? FindMaxLength(IPropertySymbol property)
        {
            if (Scan().MaxLengths.TryGetValue((IPropertySymbol)property.OriginalDefinition, out var fluent))
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
            if (Scan().ColumnTypes.TryGetValue((IPropertySymbol)property.OriginalDefinition, out var fluent))
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

        /// <summary>The property is excluded from the model: <c>[NotMapped]</c>, or fluent <c>Ignore(x =&gt; x.P)</c> / <c>Ignore("P")</c>.</summary>
        public bool IsIgnored(IPropertySymbol property)
        {
            if (HasAttribute(property, "NotMappedAttribute"))
            {
                return true;
            }

            var ignored = Scan().Ignored;
            for (var p = property; p is not null; p = p.OverriddenProperty)
            {
                if (ignored.Contains(p.OriginalDefinition))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// EF maps the property by convention or configuration: an instance, non-indexer property with a getter and a setter
        /// (of any accessibility), not ignored. Whether it maps to a column, a navigation or an owned/complex type is another question.
        /// </summary>
        public bool IsMappedProperty(IPropertySymbol property)
            => !property.IsStatic && !property.IsIndexer && property.GetMethod is not null && property.SetMethod is not null && !IsIgnored(property);

        /// <summary>
        /// A column value EF reads and writes as is: primitives, enums, string, decimal, dates/times, Guid, byte[],
        /// and nullable forms. Anything else assigned in a loop may be a navigation, an owned or a complex type.
        /// </summary>
        public static bool IsScalarColumnType(ITypeSymbol? type)
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
    }
}
