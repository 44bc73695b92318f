namespace PerfAnalyzers.Rules.Query
{
    /// <summary>
    /// EFP308: in a translated lambda of an EF query (<see cref="QueryLambdas"/>), a column wrapped in ToLower/ToUpper/Trim
    /// where an index on it could seek (<see cref="StringComparisons.IsSeekableUse"/>), or a string comparison overload EF
    /// Core does not translate applied to a column (<see cref="StringCallKind.Untranslated"/>).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class NonSargableStringComparisonAnalyzer() : EfAnalyzer(Descriptors.EFP308_NonSargableStringComparison, Descriptors.EFP308_UntranslatedStringComparison)
    {
        private protected override void OnCompilationStart(CompilationStartAnalysisContext start, EfCompilation ef)
        {
            if (!StringComparisons.AppliesTo(start.Compilation))
            {
                return;
            }

            // EF Core 1.x/2.x evaluated untranslated calls on the client (slow, but no exception).
            var untranslatedThrows = ef.Symbols.EfMajorVersion is 0 or >= 3;
            start.RegisterOperationAction(c => Analyze(c, ef, untranslatedThrows), OperationKind.Invocation);
        }

        private static void Analyze(OperationAnalysisContext context, EfCompilation ef, bool untranslatedThrows)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var kind = StringComparisons.Classify(invocation.TargetMethod);
            if (kind == StringCallKind.None
                || (kind == StringCallKind.Untranslated && !untranslatedThrows)
                || invocation.IsUnbound()
                || invocation.HasUnboundArgument()
                || invocation.Instance.IsUnbound()
                || !invocation.IsInsideExpressionTree()
                || !QueryLambdas.TryGetEnclosing(ef, invocation, out var query, context.CancellationToken))
            {
                return;
            }

            if (kind == StringCallKind.CaseOrTrim)
            {
                ReportNonSargable(context, ef, invocation, query);
            }
            else
            {
                ReportUntranslated(context, invocation, query);
            }
        }

        /// <summary>x.Email.ToLower() == email: the innermost call on the column is reported, once per column.</summary>
        private static void ReportNonSargable(OperationAnalysisContext context, EfCompilation ef, IInvocationOperation invocation, QueryLambda query)
        {
            if (invocation.Instance is not { } column || !QueryLambdas.IsColumn(column, query))
            {
                return;
            }

            // x.Name.Trim().ToLower() == v: the comparison is on the outermost call.
            IOperation compared = invocation;
            while (compared.Parent is IInvocationOperation outer && outer.Instance == compared
                   && StringComparisons.Classify(outer.TargetMethod) == StringCallKind.CaseOrTrim)
            {
                compared = outer;
            }

            if (!StringComparisons.IsSeekableUse(compared, query, out var other)
                || (other is not null && (QueryLambdas.IsRowDependent(other, query) || other.WalkDownConversions() is ILiteralOperation { ConstantValue: { HasValue: true, Value: null } })))
            {
                return;
            }

            // x.Id == id && x.Name.ToLower() == name: the key finds the row, the lowered column is checked on it only.
            if (query.Role == QueryLambdaRole.Predicate && KeyLookup.ComparesKey(query.Lambda, ef.Model))
            {
                return;
            }

            // An ordering key costs an index only in an unfiltered top-N (OrderBy(..).Take(20)); a filtered or unlimited
            // query is sorted after it reads its rows, whatever the key (and lowering the key is how a case-insensitive
            // order is written on a case-sensitive collation).
            if (query.Role == QueryLambdaRole.OrderingKey && !QueryLambdas.IsUnfilteredTopN(ef, query, context.CancellationToken))
            {
                return;
            }

            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.EFP308_NonSargableStringComparison,
                invocation.GetMethodNameLocation(),
                invocation.TargetMethod.Name + "()",
                column.Syntax.ToString(),
                EfSymbols.SyncName(query.Operator.TargetMethod.Name)));
        }

        /// <summary>string.Equals(x.Email, email, StringComparison.OrdinalIgnoreCase): EF Core throws at run time.</summary>
        private static void ReportUntranslated(OperationAnalysisContext context, IInvocationOperation invocation, QueryLambda query)
        {
            if (query.Role is QueryLambdaRole.None or QueryLambdaRole.Projection)
            {
                return; // a final Select may run on the client
            }

            var readsRow = invocation.Instance is { } instance && QueryLambdas.IsRowDependent(instance, query);
            foreach (var argument in invocation.Arguments)
            {
                readsRow = readsRow || QueryLambdas.IsRowDependent(argument.Value, query);
            }

            if (!readsRow)
            {
                return; // only values: EF Core evaluates the call once, on the client
            }

            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.EFP308_UntranslatedStringComparison,
                invocation.GetMethodNameLocation(),
                Describe(invocation.TargetMethod),
                query.Operator.TargetMethod.Name));
        }

        private static string Describe(IMethodSymbol method)
        {
            var parameters = new System.Text.StringBuilder();
            foreach (var parameter in method.Parameters)
            {
                if (parameters.Length > 0)
                {
                    parameters.Append(", ");
                }

                parameters.Append(parameter.Type.Name switch
                {
                    "String" => "string",
                    "Boolean" => "bool",
                    "Char" => "char",
                    "Int32" => "int",
                    var name => name,
                });
            }

            return (method.IsStatic ? "string." : "") + method.Name + "(" + parameters + ")";
        }
    }
}
