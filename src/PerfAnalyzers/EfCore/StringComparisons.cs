namespace PerfAnalyzers.EfCore
{
    /// <summary>What a <c>System.String</c> call means to EF Core's SQL translation.</summary>
    internal enum StringCallKind
    {
        /// <summary>Anything else.</summary>
        None,

        /// <summary>
        /// <c>ToLower()</c>, <c>ToUpper()</c>, <c>Trim()</c>, <c>TrimStart()</c>, <c>TrimEnd()</c> (with or without trim
        /// characters): translated to <c>LOWER(..)</c>/<c>UPPER(..)</c>/<c>TRIM(..)</c>, which hides the column from its index.
        /// </summary>
        CaseOrTrim,

        /// <summary>
        /// Overloads no relational provider translates (EF Core 3+ throws "could not be translated"): a
        /// <c>StringComparison</c>, culture or ignore-case argument (<c>Equals</c>, <c>Compare</c>, <c>Contains</c>,
        /// <c>StartsWith</c>, <c>EndsWith</c>, <c>IndexOf</c>, <c>Replace</c>), <c>CompareOrdinal</c>,
        /// <c>ToLowerInvariant()</c>/<c>ToUpperInvariant()</c> and <c>ToLower(CultureInfo)</c>/<c>ToUpper(CultureInfo)</c>.
        /// Verified on EF Core 10 + SQLite; the SQL Server and Npgsql 10 providers have no translator for them either.
        /// </summary>
        Untranslated,
    }

    /// <summary>
    /// The string calls of EF Core queries: which hide a column from its index (<see cref="StringCallKind.CaseOrTrim"/>),
    /// which are not translated at all (<see cref="StringCallKind.Untranslated"/>), and the comparisons an index on a
    /// column can serve (<see cref="IsSeekableUse"/>).
    /// </summary>
    internal static class StringComparisons
    {
        /// <summary>
        /// The compilation queries a relational database (a provider built on Microsoft.EntityFrameworkCore.Relational) and
        /// not Cosmos, whose provider translates the StringComparison overloads (STRINGEQUALS): the only case where
        /// indexes, LOWER(..) and "could not be translated" mean what this class says. The in-memory provider alone runs
        /// everything in C#.
        /// </summary>
        public static bool AppliesTo(Compilation compilation)
            => compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.RelationalQueryableExtensions") is not null
               && compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.CosmosQueryableExtensions") is null;

        public static StringCallKind Classify(IMethodSymbol method)
        {
            if (method.ContainingType?.SpecialType != SpecialType.System_String)
            {
                return StringCallKind.None;
            }

            var parameters = method.Parameters;
            switch (method.Name)
            {
                case "ToLower":
                case "ToUpper":
                    return parameters.Length == 0 ? StringCallKind.CaseOrTrim : StringCallKind.Untranslated; // (CultureInfo)
                case "ToLowerInvariant":
                case "ToUpperInvariant":
                    return StringCallKind.Untranslated;
                case "Trim":
                case "TrimStart":
                case "TrimEnd":
                    return StringCallKind.CaseOrTrim;
                case "CompareOrdinal":
                    return method.IsStatic && parameters.Length == 2 ? StringCallKind.Untranslated : StringCallKind.None;
                case "Equals":
                case "Compare":
                case "Contains":
                case "StartsWith":
                case "EndsWith":
                case "IndexOf":
                case "Replace":
                    foreach (var parameter in parameters)
                    {
                        if (IsSystemType(parameter.Type, "StringComparison")
                            || IsType(parameter.Type, "System.Globalization", "CultureInfo")
                            || IsType(parameter.Type, "System.Globalization", "CompareOptions")
                            || (parameter.Type.SpecialType == SpecialType.System_Boolean && method.Name is "Compare" or "StartsWith" or "EndsWith"))
                        {
                            return StringCallKind.Untranslated;
                        }
                    }

                    return StringCallKind.None;
                default:
                    return StringCallKind.None;
            }
        }

        /// <summary>
        /// <paramref name="value"/> (a string expression) is compared where an index on it could seek: one side of
        /// <c>==</c>, <c>Equals</c>, the receiver of <c>StartsWith(prefix)</c>, either side of <c>CompareTo</c>/
        /// <c>string.Compare</c>, the item of <c>values.Contains(..)</c> (IN), or the whole key of an ordering or join.
        /// <paramref name="other"/> is the other side, when there is one (null for keys and IN lists). <c>!=</c>,
        /// <c>Contains</c>, <c>EndsWith</c>, <c>IndexOf</c> and <c>EF.Functions.Like</c> are not seekable uses: the
        /// database scans for them anyway.
        /// </summary>
        public static bool IsSeekableUse(IOperation value, QueryLambda queryLambda, out IOperation? other)
        {
            other = null;
            value = value.WalkUpConversions();
            var parent = value.Parent;

            switch (parent)
            {
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals, OperatorMethod: null } binary
                    when queryLambda.Role == QueryLambdaRole.Predicate:
                    other = binary.LeftOperand == value ? binary.RightOperand : binary.LeftOperand;
                    return true;

                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals, OperatorMethod: { } op } binary
                    when queryLambda.Role == QueryLambdaRole.Predicate && op.ContainingType?.SpecialType == SpecialType.System_String:
                    other = binary.LeftOperand == value ? binary.RightOperand : binary.LeftOperand;
                    return true;

                case IInvocationOperation call when queryLambda.Role == QueryLambdaRole.Predicate:
                    return IsSeekableCall(call, value, out other);

                case IArgumentOperation { Parent: IInvocationOperation call } when queryLambda.Role == QueryLambdaRole.Predicate:
                    return IsSeekableCall(call, value, out other);

                case IReturnOperation when queryLambda.Role is QueryLambdaRole.OrderingKey or QueryLambdaRole.JoinKey:
                case IBlockOperation when queryLambda.Role is QueryLambdaRole.OrderingKey or QueryLambdaRole.JoinKey:
                    return IsLambdaBody(parent, queryLambda);

                default:
                    return false;
            }
        }

        private static bool IsLambdaBody(IOperation parent, QueryLambda queryLambda)
        {
            var current = parent;
            while (current is IReturnOperation or IBlockOperation)
            {
                if (current.Parent == queryLambda.Lambda)
                {
                    return true;
                }

                current = current.Parent;
            }

            return false;
        }

        private static bool IsSeekableCall(IInvocationOperation call, IOperation value, out IOperation? other)
        {
            other = null;
            var method = call.TargetMethod;
            var isReceiver = call.Instance == value || (method.IsExtensionMethod && call.GetArgumentValue(0) is { } first && first == value);
            if (method.ContainingType?.SpecialType == SpecialType.System_String && Classify(method) == StringCallKind.None)
            {
                switch (method.Name)
                {
                    case "Equals" when method.IsStatic && method.Parameters.Length == 2:
                    case "Compare" when method.IsStatic && method.Parameters.Length == 2:
                        other = call.GetArgumentValue(0) == value ? call.GetArgumentValue(1) : call.GetArgumentValue(0);
                        return other is not null;
                    case "Equals" when !method.IsStatic && method.Parameters.Length == 1:
                    case "CompareTo" when !method.IsStatic && method.Parameters.Length == 1:
                        other = isReceiver ? call.GetArgumentValue(0) : call.Instance;
                        return other is not null;
                    case "StartsWith" when isReceiver && method.Parameters.Length == 1 && method.Parameters[0].Type.SpecialType == SpecialType.System_String:
                        other = call.GetArgumentValue(0);
                        return other is not null;
                }

                return false;
            }

            // values.Contains(x.Name.ToLower()): an IN list (Enumerable.Contains, List<string>.Contains, ICollection<string>.Contains...).
            if (method.Name == "Contains" && !isReceiver && method.Parameters.Length >= 1
                && method.Parameters[method.Parameters.Length - 1].Type.SpecialType == SpecialType.System_String
                && method.ContainingType?.SpecialType != SpecialType.System_String
                && (method.Parameters.Length == (method.IsExtensionMethod ? 2 : 1)))
            {
                other = call.GetReceiverOrThisArgument();
                return other is not null;
            }

            return false;
        }

        private static bool IsSystemType(ITypeSymbol type, string name) => IsType(type, "System", name);

        private static bool IsType(ITypeSymbol type, string ns, string name)
            => type.Name == name && type.ContainingNamespace?.ToDisplayString() == ns;
    }
}
