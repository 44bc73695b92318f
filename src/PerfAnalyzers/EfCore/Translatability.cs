namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// Would EF Core translate this lambda to SQL? A conservative allow-list, used before a fix moves client-side code
    /// into a query (EFP303, EFP307): a fix must never turn slow-but-working code into a run-time "could not be
    /// translated" exception.
    /// <para>
    /// Parts of the lambda that do not touch the row (its parameters) are evaluated once on the client and sent as
    /// parameters (EF's funcletizer), so anything goes there. Parts that touch the row must be parameters, mapped
    /// (auto-)properties, fields, operators, literals, nested lambdas over navigations, and a short list of BCL methods
    /// EF Core has translated since 3.x on every relational provider (string, Math, LINQ over collections, EF.Functions).
    /// </para>
    /// <para>
    /// Row-dependent string comparisons (<c>==</c>, <c>Contains</c>, <c>StartsWith</c>, <c>CompareTo</c>...) are refused
    /// in <see cref="TranslationMode.SameResults"/>: C# compares ordinally and case-sensitively, the database by its
    /// collation (case-insensitive by default on SQL Server and MySQL), so moving them into SQL could change which rows
    /// match. <see cref="TranslationMode.Translates"/> accepts them: EF translates them, only the answer may differ.
    /// Overloads that take a <c>StringComparison</c>, an <c>IFormatProvider</c> or a comparer are never translated.
    /// </para>
    /// </summary>
    internal enum TranslationMode
    {
        /// <summary>EF translates it and the database gives the same answer as C# (what a fix needs).</summary>
        SameResults,

        /// <summary>EF translates it; row-dependent string comparisons may follow the database's collation (enough to report).</summary>
        Translates,
    }

    internal static class Translatability
    {
        private static readonly ImmutableHashSet<string> StringMethods = ImmutableHashSet.Create(
            "Contains", "StartsWith", "EndsWith", "ToUpper", "ToLower", "Trim", "TrimStart", "TrimEnd",
            "Substring", "IndexOf", "Replace", "IsNullOrEmpty", "IsNullOrWhiteSpace", "Equals", "Concat", "CompareTo");

        private static readonly ImmutableHashSet<string> MathMethods = ImmutableHashSet.Create(
            "Abs", "Round", "Floor", "Ceiling", "Max", "Min", "Pow", "Sqrt", "Sign", "Truncate");

        /// <summary>The Enumerable/Queryable operators EF Core translates inside a lambda (a subquery over a navigation or a list).</summary>
        private static bool IsTranslatedSequenceOperator(OperatorKind kind)
            => kind is OperatorKind.Any or OperatorKind.All or OperatorKind.Count or OperatorKind.LongCount or OperatorKind.Contains
                or OperatorKind.Sum or OperatorKind.Min or OperatorKind.Max or OperatorKind.Average or OperatorKind.Where
                or OperatorKind.Select;

        private static readonly ImmutableHashSet<string> DateMethods = ImmutableHashSet.Create(
            "AddDays", "AddHours", "AddMinutes", "AddSeconds", "AddMonths", "AddYears", "AddMilliseconds", "Equals", "CompareTo");

        /// <summary>True when every row-dependent part of the lambda is on the allow-list.</summary>
        public static bool IsTranslatable(IAnonymousFunctionOperation lambda, TranslationMode mode = TranslationMode.SameResults)
        {
            var rowParameters = new HashSet<IParameterSymbol>(SymbolEqualityComparer.Default);
            foreach (var nested in lambda.DescendantsAndSelf().OfType<IAnonymousFunctionOperation>())
            {
                foreach (var parameter in nested.Symbol.Parameters)
                {
                    rowParameters.Add(parameter);
                }
            }

            return new Walker(rowParameters, mode).IsTranslatable(lambda.Body, depth: 0);
        }

        private sealed class Walker
        {
            private readonly HashSet<IParameterSymbol> _row;
            private readonly TranslationMode _mode;

            public Walker(HashSet<IParameterSymbol> row, TranslationMode mode)
            {
                _row = row;
                _mode = mode;
            }

            private bool SameResults => _mode == TranslationMode.SameResults;

            public bool IsTranslatable(IOperation operation, int depth)
            {
                if (depth > 64)
                {
                    return false;
                }

                if (!TouchesRow(operation, _row))
                {
                    return true; // evaluated on the client, once, and sent as a parameter
                }

                switch (operation)
                {
                    case IParameterReferenceOperation:
                        return true;

                    case IPropertyReferenceOperation property:
                        return IsMappedOrKnownProperty(property.Property)
                               && (property.Instance is null || IsTranslatable(property.Instance, depth + 1));

                    case IFieldReferenceOperation field:
                        return field.Instance is null || IsTranslatable(field.Instance, depth + 1);

                    case IInvocationOperation invocation:
                        return IsKnownMethod(invocation.TargetMethod)
                               && !TakesCultureOrComparer(invocation.TargetMethod)
                               && !(SameResults && IsCollationSensitive(invocation))
                               && invocation.ChildOperations.All(c => IsTranslatable(c, depth + 1));

                    case IArgumentOperation argument:
                        return IsTranslatable(argument.Value, depth + 1);

                    case IAnonymousFunctionOperation nested:
                        return IsTranslatable(nested.Body, depth + 1);

                    case IDelegateCreationOperation creation:
                        return creation.Target is IAnonymousFunctionOperation && IsTranslatable(creation.Target, depth + 1);

                    case IBlockOperation block:
                        return block.Operations.Length == 1 && IsTranslatable(block.Operations[0], depth + 1);

                    case IReturnOperation { ReturnedValue: { } returned }:
                        return IsTranslatable(returned, depth + 1);

                    case IBinaryOperation binary:
                        return binary.OperatorMethod is null
                               && !(SameResults && (binary.LeftOperand.Type?.SpecialType == SpecialType.System_String
                                                    || binary.RightOperand.Type?.SpecialType == SpecialType.System_String))
                               && IsTranslatable(binary.LeftOperand, depth + 1)
                               && IsTranslatable(binary.RightOperand, depth + 1);

                    case IUnaryOperation unary:
                        return unary.OperatorMethod is null && IsTranslatable(unary.Operand, depth + 1);

                    case IConversionOperation conversion:
                        return conversion.OperatorMethod is null && IsTranslatable(conversion.Operand, depth + 1);

                    case IParenthesizedOperation parenthesized:
                        return IsTranslatable(parenthesized.Operand, depth + 1);

                    case IConditionalOperation { WhenFalse: { } whenFalse } conditional:
                        return IsTranslatable(conditional.Condition, depth + 1)
                               && IsTranslatable(conditional.WhenTrue, depth + 1)
                               && IsTranslatable(whenFalse, depth + 1);

                    case ICoalesceOperation coalesce:
                        return IsTranslatable(coalesce.Value, depth + 1) && IsTranslatable(coalesce.WhenNull, depth + 1);

                    case IAnonymousObjectCreationOperation anonymous:
                        // Select(p => new { p.Id, p.Title }): each member is a column (or an expression of columns).
                        return anonymous.Initializers.All(i => i is ISimpleAssignmentOperation assignment && IsTranslatable(assignment.Value, depth + 1));

                    case IObjectCreationOperation creation:
                        // Select(p => new PostDto(p.Id) { Title = p.Title }): EF reads the columns and calls the constructor on the client.
                        return creation.Arguments.All(a => IsTranslatable(a.Value, depth + 1))
                               && (creation.Initializer is null
                                   || creation.Initializer.Initializers.All(i => i is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation or IFieldReferenceOperation } assignment
                                                                                && IsTranslatable(assignment.Value, depth + 1)));

                    default:
                        return false;
                }
            }
        }

        /// <summary>string.Equals(a, b, StringComparison.OrdinalIgnoreCase), ToString(CultureInfo), OrderBy(.., comparer): EF translates none of them.</summary>
        private static bool TakesCultureOrComparer(IMethodSymbol method)
            => method.Parameters.Any(p => p.Type.Name is "StringComparison" or "IFormatProvider" or "CultureInfo" or "IComparer" or "IEqualityComparer");

        /// <summary>String comparisons whose answer depends on the database collation.</summary>
        private static bool IsCollationSensitive(IInvocationOperation invocation)
        {
            var method = invocation.TargetMethod;
            if (method.ContainingType?.SpecialType == SpecialType.System_String)
            {
                return method.Name is "Contains" or "StartsWith" or "EndsWith" or "Equals" or "CompareTo" or "IndexOf" or "Replace";
            }

            // list.Contains(p.Name), names.Any(...) over strings
            return method.Name == "Contains" && method.Parameters.Length >= 1
                   && method.Parameters[method.Parameters.Length - 1].Type.SpecialType == SpecialType.System_String;
        }

        private static bool TouchesRow(IOperation operation, HashSet<IParameterSymbol> row)
            => operation.DescendantsAndSelf().Any(o => o is IParameterReferenceOperation p && row.Contains(p.Parameter));

        /// <summary>An entity's stored property (an auto-property in source) or a well-known BCL member.</summary>
        private static bool IsMappedOrKnownProperty(IPropertySymbol property)
        {
            if (property.ContainingType is { IsAnonymousType: true })
            {
                return true; // a member of an earlier Select(p => new { ... })
            }

            if (property.GetAttributes().Any(a => a.AttributeClass?.Name == "NotMappedAttribute"))
            {
                return false;
            }

            if (property.DeclaringSyntaxReferences.Length == 0)
            {
                var type = property.ContainingType;
                var ns = type?.ContainingNamespace?.ToDisplayString() ?? "";
                return type is not null && (type.SpecialType != SpecialType.None
                                            || type.Name is "String" or "DateTime" or "DateTimeOffset" or "DateOnly" or "TimeOnly" or "TimeSpan" or "Nullable" or "Guid"
                                            || ns.StartsWith("System.Collections", System.StringComparison.Ordinal));
            }

            foreach (var reference in property.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax() is not PropertyDeclarationSyntax declaration
                    || declaration.ExpressionBody is not null
                    || declaration.AccessorList is null
                    || declaration.AccessorList.Accessors.Any(a => a.Body is not null || a.ExpressionBody is not null))
                {
                    return false; // computed in C#: EF cannot see inside it
                }
            }

            return true;
        }

        private static bool IsKnownMethod(IMethodSymbol method)
        {
            var type = method.ContainingType;
            if (type is null)
            {
                return false;
            }

            if (EfSymbols.IsInEfNamespace(type))
            {
                return true; // EF.Functions.Like, EF.Property...
            }

            switch (type.SpecialType)
            {
                case SpecialType.System_String:
                    return StringMethods.Contains(method.Name);
                case SpecialType.System_DateTime:
                    return DateMethods.Contains(method.Name);
            }

            var ns = type.ContainingNamespace?.ToDisplayString();
            if (ns == "System" && type.Name == "Math")
            {
                return MathMethods.Contains(method.Name);
            }

            if (ns == "System.Linq" && (type.Name == "Enumerable" || type.Name == "Queryable"))
            {
                return IsTranslatedSequenceOperator(QueryOperators.KindOfName(method.Name)); // the type is Enumerable/Queryable (checked above)
            }

            if (ns == "System.Collections.Generic" && method.Name == "Contains")
            {
                return true; // list.Contains(p.Id) -> IN (...)
            }

            // x.Equals(y) on primitives.
            return method.Name == "Equals" && type.SpecialType != SpecialType.None;
        }
    }
}
