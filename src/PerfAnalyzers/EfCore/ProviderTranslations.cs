namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// Which providers do not translate a BCL member applied to a row's data (a column, or a value computed from one):
    /// EF Core 10 throws "could not be translated" when such a query runs. A deny-list, built from evidence: every entry
    /// was checked by compiling the query with each provider (<c>ToQueryString()</c> on SQLite, SQL Server and PostgreSQL,
    /// and running it on SQLite); the table is on the EFP315 page. Members that are not in it are treated as translated.
    /// <para>
    /// String comparisons and casing that take a <c>StringComparison</c>, a culture or an ignore-case flag are not listed:
    /// EFP308 reports them. Translations that depend on configuration (SQL Server's compatibility level for
    /// <c>Math.Max</c>/<c>Math.Min</c>) are not listed either.
    /// </para>
    /// </summary>
    internal static class ProviderTranslations
    {
        private const EfProvider L = EfProvider.Sqlite;
        private const EfProvider S = EfProvider.SqlServer;
        private const EfProvider N = EfProvider.Npgsql;
        private const EfProvider All = EfProvider.Known;

        /// <summary>A row-dependent interpolated string: the compiler builds string.Format in an expression tree, which no provider translates.</summary>
        public const EfProvider InterpolatedString = All;

        /// <summary>The providers that do not translate a row-dependent call of <paramref name="method"/>.</summary>
        public static EfProvider UntranslatedOn(IMethodSymbol method)
        {
            method = method.ReducedFrom ?? method;
            var type = method.ContainingType;
            if (type is null)
            {
                return EfProvider.None;
            }

            var name = method.Name;
            var ps = method.Parameters;
            switch (type.SpecialType)
            {
                case SpecialType.System_String:
                    return String(method);

                case SpecialType.System_DateTime:
                    if (name == "ToString" && ps.Length >= 1)
                    {
                        return All;
                    }

                    return name switch
                    {
                        "ToShortDateString" or "ToLongDateString" or "ToShortTimeString" or "ToLongTimeString" or "Subtract" or "Add" => All,
                        "AddTicks" => S | N,
                        "ToUniversalTime" or "ToLocalTime" => L | S,
                        "Parse" or "ParseExact" => All,
                        _ => EfProvider.None,
                    };

                case SpecialType.System_Decimal:
                    return name switch
                    {
                        "ToString" when ps.Length >= 1 => All,
                        "Parse" => All,
                        "Round" or "Truncate" or "Floor" or "Ceiling" when method.IsStatic => L,
                        _ => EfProvider.None,
                    };

                case SpecialType.System_Double:
                case SpecialType.System_Single:
                case SpecialType.System_Int16:
                case SpecialType.System_Int32:
                case SpecialType.System_Int64:
                case SpecialType.System_UInt16:
                case SpecialType.System_UInt32:
                case SpecialType.System_UInt64:
                case SpecialType.System_Byte:
                case SpecialType.System_SByte:
                    return name switch
                    {
                        "ToString" when ps.Length >= 1 => All,
                        "Parse" => All,
                        "IsNaN" when type.SpecialType == SpecialType.System_Double => L | S,
                        _ => EfProvider.None,
                    };

                case SpecialType.System_Boolean:
                    return name == "Parse" ? All : EfProvider.None;

                case SpecialType.System_Char:
                    return method.IsStatic && (name.StartsWith("Is", System.StringComparison.Ordinal) || name is "ToUpper" or "ToLower" or "ToUpperInvariant" or "ToLowerInvariant" or "GetNumericValue")
                        ? All
                        : EfProvider.None;

                case SpecialType.System_Enum:
                    return name is "IsDefined" or "Parse" ? All : EfProvider.None;
            }

            var ns = type.ContainingNamespace?.ToDisplayString();
            switch (ns)
            {
                case "System":
                    switch (type.Name)
                    {
                        case "Guid":
                            return name == "Parse" || (name == "ToString" && ps.Length >= 1) ? All : EfProvider.None;
                        case "DateTimeOffset":
                            return name == "ToString" && ps.Length >= 1 ? All
                                : name is "AddDays" or "AddHours" or "AddMinutes" or "AddSeconds" or "AddMilliseconds" or "AddMonths" or "AddYears" ? L
                                : EfProvider.None;
                        case "DateOnly":
                            return (name == "ToString" && ps.Length >= 1) || name == "Parse" ? All
                                : name == "ToDateTime" ? L
                                : EfProvider.None;
                        case "TimeOnly":
                            return name.StartsWith("Add", System.StringComparison.Ordinal) || name == "IsBetween" ? L : EfProvider.None;
                        case "TimeSpan":
                            return name is "Add" or "FromDays" or "FromHours" or "FromMinutes" or "FromSeconds" ? All : EfProvider.None;
                        case "Convert":
                            return name is "ToBase64String" or "FromBase64String" ? All
                                : ps.Length == 1 && name is "ToBoolean" or "ToByte" or "ToDecimal" or "ToDouble" or "ToInt16" or "ToInt32" or "ToInt64" or "ToString" ? L
                                : EfProvider.None;
                        case "Math":
                        case "MathF":
                            return Math(method);
                        case "Array":
                            return name == "IndexOf" ? L | S : name == "Exists" ? All : EfProvider.None;
                    }

                    break;

                case "System.Text.RegularExpressions" when type.Name == "Regex" && method.IsStatic:
                    return name switch
                    {
                        "IsMatch" when ps.Length == 2 => S,
                        "IsMatch" when ps.Length == 3 && ps[2].Type.Name == "RegexOptions" => L | S,
                        "Replace" when ps.Length == 3 && ps.All(p => p.Type.SpecialType == SpecialType.System_String) => L | S,
                        "Match" or "Split" => All,
                        _ => EfProvider.None,
                    };

                case "System.Linq" when type.Name == "Enumerable":
                    if (ps.Length >= 1 && ps[0].Type.SpecialType == SpecialType.System_String && name is "Reverse" or "Count")
                    {
                        return All; // over the characters of a string column
                    }

                    return name == "SequenceEqual" ? L | S : EfProvider.None;

                case "System.Collections.Generic":
                    if (type.Name is "Dictionary" or "IDictionary" or "IReadOnlyDictionary" or "SortedDictionary" && name is "ContainsKey" or "ContainsValue")
                    {
                        return All;
                    }

                    return type.Name == "List" && name == "IndexOf" ? L | S : EfProvider.None;
            }

            return EfProvider.None;
        }

        /// <summary>The providers that do not translate a row-dependent read of <paramref name="property"/>.</summary>
        public static EfProvider UntranslatedOn(IPropertySymbol property)
        {
            var type = property.ContainingType;
            if (type is null || property.IsStatic)
            {
                return EfProvider.None;
            }

            var name = property.Name;
            if (type.SpecialType == SpecialType.System_String)
            {
                return property.IsIndexer ? All : EfProvider.None; // name[0]
            }

            if (type.SpecialType == SpecialType.System_DateTime)
            {
                return name switch
                {
                    "DayOfWeek" => S,
                    "Millisecond" => N,
                    "Ticks" => S | N,
                    "TimeOfDay" => L,
                    _ => EfProvider.None,
                };
            }

            if (type.ContainingNamespace?.ToDisplayString() != "System")
            {
                return EfProvider.None;
            }

            return type.Name switch
            {
                "TimeSpan" => name switch
                {
                    "TotalDays" or "TotalHours" or "TotalMinutes" or "TotalSeconds" or "TotalMilliseconds" or "Days" => L | S,
                    "Hours" or "Minutes" or "Seconds" or "Milliseconds" => L,
                    _ => EfProvider.None,
                },
                "DateTimeOffset" => name switch
                {
                    "UtcDateTime" or "DateTime" => L | S,
                    "Date" => L,
                    _ => EfProvider.None,
                },
                "TimeOnly" => name is "Hour" or "Minute" or "Second" ? L : EfProvider.None,
                _ => EfProvider.None,
            };
        }

        /// <summary>The providers that do not translate <c>new DateTime(year, month, day)</c> built from a row's data.</summary>
        public static EfProvider UntranslatedOnConstructor(IMethodSymbol constructor)
            => constructor.ContainingType?.SpecialType == SpecialType.System_DateTime
               && constructor.Parameters.Length >= 3
               && constructor.Parameters.All(p => p.Type.SpecialType == SpecialType.System_Int32)
                ? L | S
                : EfProvider.None;

        private static EfProvider String(IMethodSymbol method)
        {
            var ps = method.Parameters;
            if (StringComparisons.Classify(method) == StringCallKind.Untranslated
                || ps.Any(p => p.Type.Name is "StringComparison" or "CultureInfo" or "IFormatProvider" || p.Type.SpecialType == SpecialType.System_Boolean))
            {
                // Comparisons and casing with a culture or a comparison type, ToLowerInvariant/ToUpperInvariant: the string
                // layer's answer, reported by EFP308 (one finding per call, not two).
                return EfProvider.None;
            }

            switch (method.Name)
            {
                case "Format":
                    return All;
                case "Join":
                    if (ps.Length == 2 && ps[1].Type is IArrayTypeSymbol)
                    {
                        return ps[0].Type.SpecialType == SpecialType.System_Char ? L | S : L;
                    }

                    return ps.Length == 2 ? L | S : EfProvider.None;
                case "Split":
                case "Insert":
                case "Remove":
                case "LastIndexOf":
                case "Normalize":
                case "GetHashCode":
                case "ToCharArray":
                    return All;
                case "PadLeft":
                case "PadRight":
                    return L | S;
                case "Contains":
                case "StartsWith":
                case "EndsWith":
                    return ps.Length == 1 && ps[0].Type.SpecialType == SpecialType.System_Char ? N : EfProvider.None;
                case "IndexOf":
                    return ps.Length == 2 && ps[0].Type.SpecialType == SpecialType.System_String && ps[1].Type.SpecialType == SpecialType.System_Int32 ? N : EfProvider.None;
                case "Replace":
                    return ps.Length == 2 && ps[0].Type.SpecialType == SpecialType.System_Char ? N : EfProvider.None;
                case "Trim":
                case "TrimStart":
                case "TrimEnd":
                    return ps.Length >= 1 ? S : EfProvider.None;
                default:
                    return EfProvider.None;
            }
        }

        private static EfProvider Math(IMethodSymbol method)
        {
            var ps = method.Parameters;
            var onDecimal = ps.Length >= 1 && ps[0].Type.SpecialType == SpecialType.System_Decimal;
            switch (method.Name)
            {
                case "Clamp":
                    return All;
                case "Sign":
                    return L;
                case "Round":
                    if (onDecimal && ps.Any(p => p.Type.Name == "MidpointRounding"))
                    {
                        return All;
                    }

                    return onDecimal ? L
                        : ps.Length == 2 && ps[1].Type.SpecialType == SpecialType.System_Int32 ? N
                        : EfProvider.None;
                case "Abs":
                case "Floor":
                case "Ceiling":
                case "Truncate":
                    return onDecimal ? L : EfProvider.None;
                default:
                    return EfProvider.None;
            }
        }
    }
}
