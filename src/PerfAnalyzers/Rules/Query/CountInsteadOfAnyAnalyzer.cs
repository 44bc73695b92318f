namespace PerfAnalyzers.Rules.Query
{
    /// <summary>
    /// EFP304: <c>q.Count() &gt; 0</c>, <c>await q.CountAsync() == 0</c>, <c>0 &lt; q.LongCount(pred)</c>... on an EF query:
    /// COUNT(*) where EXISTS is enough.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class CountInsteadOfAnyAnalyzer() : EfAnalyzer(Descriptors.EFP304_CountInsteadOfAny)
    {
        /// <summary>Diagnostic property: "true" when the comparison means "there is none" (the fix writes <c>!Any()</c>).</summary>
        public const string NegatedProperty = "Negated";

        private protected override void OnCompilationStart(CompilationStartAnalysisContext start, EfCompilation ef)
        {
            start.RegisterOperationAction(c => Analyze(c, ef), OperationKind.Binary);
        }

        private static void Analyze(OperationAnalysisContext context, EfCompilation ef)
        {
            if (!TryMatch((IBinaryOperation)context.Operation, ef, out var count, out var negated, context.CancellationToken))
            {
                return;
            }

            if (SetupCode.SilencesRule(ef, context.Options, count, RuleIds.CountInsteadOfAny, context.CancellationToken))
            {
                // Seeding and start-up code runs once over a handful of rows: accurate, but not worth acting on.
                return;
            }

            var anyName = count.TargetMethod.Name.EndsWith("Async", System.StringComparison.Ordinal) ? "AnyAsync" : "Any";
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.EFP304_CountInsteadOfAny,
                count.GetMethodNameLocation(),
                ImmutableDictionary<string, string?>.Empty.Add(NegatedProperty, negated ? "true" : "false"),
                count.TargetMethod.Name,
                (negated ? "!" : "") + anyName + "()"));
        }

        /// <summary>
        /// Whether EFP304 reports <paramref name="binary"/>: a Count/LongCount(Async) of an EF query compared with 0 or 1
        /// as "any" or "none" (<paramref name="negated"/>). Also asked by the CA1827 suppressor (EFPS006).
        /// </summary>
        internal static bool TryMatch(IBinaryOperation binary, EfCompilation ef, out IInvocationOperation count, out bool negated, System.Threading.CancellationToken cancellationToken)
        {
            count = null!;
            negated = false;
            if (binary.OperatorMethod is not null || binary.IsInsideExpressionTree())
            {
                return false;
            }

            bool? polarity = null;
            IInvocationOperation? found = null;
            if (AsCount(binary.LeftOperand) is { } left && ConstantOf(binary.RightOperand) is { } right)
            {
                found = left;
                polarity = Polarity(binary.OperatorKind, right, countOnLeft: true);
            }
            else if (AsCount(binary.RightOperand) is { } r && ConstantOf(binary.LeftOperand) is { } l)
            {
                found = r;
                polarity = Polarity(binary.OperatorKind, l, countOnLeft: false);
            }

            if (found is null || polarity is null
                || !ef.TryGetRoundTrip(found, out var roundTrip, cancellationToken)
                || roundTrip.Kind != RoundTripKind.Query
                || !roundTrip.Query.IsEfQuery)
            {
                return false;
            }

            count = found;
            negated = polarity.Value;
            return true;
        }

        /// <summary>The Count/LongCount/CountAsync/LongCountAsync call behind an operand (through await and ConfigureAwait).</summary>
        private static IInvocationOperation? AsCount(IOperation operand)
        {
            var op = operand.WalkDownAwait(out var isAwaited, out _);
            if (isAwaited)
            {
                return op is IInvocationOperation { TargetMethod.Name: "CountAsync" or "LongCountAsync" } asyncCount ? asyncCount : null;
            }

            return op is IInvocationOperation { TargetMethod.Name: "Count" or "LongCount" } count ? count : null;
        }

        private static long? ConstantOf(IOperation operand)
        {
            var constant = operand.WalkDownConversions().ConstantValue;
            if (!constant.HasValue)
            {
                constant = operand.ConstantValue;
            }

            return constant.HasValue && constant.Value is int or long && System.Convert.ToInt64(constant.Value) is var value && value is 0 or 1
                ? value
                : null;
        }

        /// <summary>false: "count is positive" (Any), true: "count is zero" (!Any), null: anything else.</summary>
        private static bool? Polarity(BinaryOperatorKind kind, long constant, bool countOnLeft)
        {
            if (!countOnLeft)
            {
                // 0 < c  is  c > 0, and so on.
                kind = kind switch
                {
                    BinaryOperatorKind.LessThan => BinaryOperatorKind.GreaterThan,
                    BinaryOperatorKind.LessThanOrEqual => BinaryOperatorKind.GreaterThanOrEqual,
                    BinaryOperatorKind.GreaterThan => BinaryOperatorKind.LessThan,
                    BinaryOperatorKind.GreaterThanOrEqual => BinaryOperatorKind.LessThanOrEqual,
                    _ => kind,
                };
            }

            return (kind, constant) switch
            {
                (BinaryOperatorKind.GreaterThan, 0) => false,
                (BinaryOperatorKind.NotEquals, 0) => false,
                (BinaryOperatorKind.GreaterThanOrEqual, 1) => false,
                (BinaryOperatorKind.Equals, 0) => true,
                (BinaryOperatorKind.LessThan, 1) => true,
                (BinaryOperatorKind.LessThanOrEqual, 0) => true,
                _ => null,
            };
        }
    }
}
