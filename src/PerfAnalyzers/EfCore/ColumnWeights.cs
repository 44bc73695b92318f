namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// "How much of a row does a column weigh?" A rough per-row estimate in bytes, from what the model and the code show,
    /// to decide whether leaving columns out of a query (a projection) saves anything worth a finding:
    /// <list type="bullet">
    /// <item><b>large</b> (1,000): <c>byte[]</c>; a store type of unbounded text or documents (<c>[Column(TypeName =
    /// "nvarchar(max)")]</c>, <c>text</c>, <c>ntext</c>, <c>json</c>, <c>jsonb</c>, <c>xml</c>, <c>blob</c>,
    /// <c>bytea</c>, <c>varbinary(max)</c>, or fluent <c>HasColumnType</c>); a string with a declared maximum length
    /// above 4,000 (past nvarchar(4000), stored as max); a string without a declared maximum length whose name says it holds a document or a body
    /// (ends in <c>Content</c>, <c>Body</c>, <c>Html</c>, <c>Json</c>, <c>Xml</c>, <c>Payload</c>, <c>Data</c>
    /// (<c>Metadata</c>), <c>Markdown</c>, <c>Base64</c>, <c>Blob</c>, <c>Document</c>, <c>Svg</c>; not
    /// <c>Description</c>, usually a short text);</item>
    /// <item>a string with a declared maximum length n: n / 2; other strings: 64;</item>
    /// <item>value types: their size (bool 1, int 4, long/double/DateTime 8, decimal/Guid/DateTimeOffset 16).</item>
    /// </list>
    /// </summary>
    internal static class ColumnWeights
    {
        public const int Large = 1000;

        private static readonly string[] LargeTypeWords = { "max", "text", "json", "xml", "blob", "bytea", "image", "clob" };

        private static readonly string[] LargeNameEndings =
        {
            "Content", "Contents", "Body", "Html", "Json", "Xml", "Payload", "Data", "Markdown", "Base64", "Blob", "Document", "Svg",
        };

        public static bool IsLarge(IPropertySymbol property, EfModel model) => EstimatedBytes(property, model) >= Large;

        /// <summary>The estimated bytes this column adds to each row read.</summary>
        public static int EstimatedBytes(IPropertySymbol property, EfModel model)
        {
            var type = property.Type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable
                ? nullable.TypeArguments[0]
                : property.Type;
            var isBytes = type is IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_Byte };
            if (type.SpecialType != SpecialType.System_String && !isBytes)
            {
                return ValueSize(type);
            }

            var columnType = model.FindColumnType(property);
            if (columnType is not null && LargeTypeWords.Any(w => columnType.IndexOf(w, StringComparison.OrdinalIgnoreCase) >= 0))
            {
                return Large;
            }

            var maxLength = model.FindMaxLength(property);
            if (maxLength is { } length)
            {
                return length > 4000 ? Large : Math.Min(Large - 1, Math.Max(1, length / 2));
            }

            if (isBytes)
            {
                return Large;
            }

            return LargeNameEndings.Any(e => property.Name.EndsWith(e, StringComparison.Ordinal)) ? Large : 64;
        }

        private static int ValueSize(ITypeSymbol type)
        {
            switch (type.SpecialType)
            {
                case SpecialType.System_Boolean:
                case SpecialType.System_Byte:
                case SpecialType.System_SByte:
                    return 1;
                case SpecialType.System_Int16:
                case SpecialType.System_UInt16:
                case SpecialType.System_Char:
                    return 2;
                case SpecialType.System_Int32:
                case SpecialType.System_UInt32:
                case SpecialType.System_Single:
                    return 4;
                case SpecialType.System_Decimal:
                    return 16;
                case SpecialType.System_Int64:
                case SpecialType.System_UInt64:
                case SpecialType.System_Double:
                case SpecialType.System_DateTime:
                    return 8;
            }

            if (type.TypeKind == TypeKind.Enum)
            {
                return 4;
            }

            return type.Name is "Guid" or "DateTimeOffset" ? 16 : 8;
        }

        /// <summary>The estimated share of the row's bytes that the unread columns weigh, from 0 to 1.</summary>
        public static double UnreadShare(IEnumerable<IPropertySymbol> read, IEnumerable<IPropertySymbol> unread, EfModel model)
        {
            var readBytes = read.Sum(p => (double)EstimatedBytes(p, model));
            var unreadBytes = unread.Sum(p => (double)EstimatedBytes(p, model));
            return readBytes + unreadBytes <= 0 ? 0 : unreadBytes / (readBytes + unreadBytes);
        }
    }
}
