namespace PerfAnalyzers.Rules.Query
{
    /// <summary>
    /// EFP311: <c>var ids = await q.Select(x =&gt; x.Id).ToListAsync(); ... db.Y.Where(y =&gt; ids.Contains(y.XId))</c>, where
    /// the list is used for nothing else: one round trip to load the keys, a second to send them back as parameters.
    /// Kept as a query, the keys become a subquery of the second statement: one round trip, nothing sent back.
    /// Reported only when the rewrite keeps the result: same context instance, no write between the two queries, the
    /// second query runs once (not in a loop the list was loaded outside of) and right where it is built.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class ContainsOverLoadedListAnalyzer() : EfAnalyzer(Descriptors.EFP311_ContainsOverLoadedList)
    {
        /// <summary>Diagnostic property: the span (start:length) of the initializer value to replace (<c>await q.ToListAsync()</c>).</summary>
        public const string ValueSpanProperty = "ValueSpan";

        /// <summary>Diagnostic property: the span of the query it is replaced with (<c>q</c>).</summary>
        public const string QuerySpanProperty = "QuerySpan";

        /// <summary>Diagnostic property: the span of the declared type to turn into <c>var</c>, when it is not <c>var</c>.</summary>
        public const string TypeSpanProperty = "TypeSpan";

        private protected override void OnCompilationStart(CompilationStartAnalysisContext start, EfCompilation ef)
        {
            start.RegisterOperationAction(c => Analyze(c, ef), OperationKind.Invocation);
        }

        private static void Analyze(OperationAnalysisContext context, EfCompilation ef)
        {
            var load = (IInvocationOperation)context.Operation;
            if (!ef.Symbols.Operators.Is(load.TargetMethod, OperatorMeaning.ToCollection)
                || load.IsInsideExpressionTree()
                || !ef.TryGetRoundTrip(load, out var loadTrip, context.CancellationToken)
                || loadTrip.Kind != RoundTripKind.Query
                || loadTrip.Query.RootKind is not (QueryRootKind.DbSet or QueryRootKind.SetMethod)
                || QueryShape.HasClientSideOperators(loadTrip.Query)
                || load.TargetMethod.TypeArguments.Length != 1
                || !EfModel.IsScalarColumnType(load.TargetMethod.TypeArguments[0]))
            {
                return;
            }

            // The list goes straight into a local: 'var ids = await q.ToListAsync();'
            if (load.AwaitedValue() is not { } value
                || value.Parent is not IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }
                || declarator.Parent is not IVariableDeclarationOperation declaration
                || declarator.Syntax is not VariableDeclaratorSyntax declaratorSyntax
                || declaratorSyntax.Parent is not VariableDeclarationSyntax declarationSyntax
                || declarationSyntax.Parent is not LocalDeclarationStatementSyntax { UsingKeyword.RawKind: 0 }
                || ef.Lifetime.ContextOf(loadTrip) is not { } context1)
            {
                return;
            }

            var local = declarator.Symbol;
            var body = BodyIndex.Of(load);
            var references = body.References(local).Where(r => !r.IsDeclaration).Take(2).ToList();
            if (references.Count != 1)
            {
                return; // unused, or used for something else too (a Count check, a second query, a loop)
            }

            var reference = references[0];
            if (reference.Syntax.SpanStart < declarator.Syntax.Span.End
                || !IsContainsInQuery(reference, out var contains)
                || ConsumingRoundTrip(ef, contains, context.CancellationToken) is not { } useTrip
                || !useTrip.Query.HasKnownRoot
                || ef.Lifetime.ContextOf(useTrip) is not { } context2
                || !ContextLifetime.SameInstance(context1, context2)
                || RunsMoreOftenThan(reference, declaration)
                || WritesBetween(ef, body, declarator.Syntax.Span.End, useTrip.Operation.Syntax.SpanStart, context.CancellationToken))
            {
                return;
            }

            var properties = ImmutableDictionary<string, string?>.Empty
                .Add(ValueSpanProperty, SpanProperty.Format(value.Syntax.Span))
                .Add(QuerySpanProperty, SpanProperty.Format(load.GetReceiverOrThisArgument()!.Syntax.Span));
            if (!declarationSyntax.Type.IsVar && declarationSyntax.Variables.Count == 1)
            {
                properties = properties.Add(TypeSpanProperty, SpanProperty.Format(declarationSyntax.Type.Span));
            }
            else if (!declarationSyntax.Type.IsVar)
            {
                properties = properties.Remove(ValueSpanProperty); // 'List<int> a = .., b = ..': no safe rewrite of the type
            }

            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.EFP311_ContainsOverLoadedList,
                load.GetMethodNameLocation(),
                properties,
                load.TargetMethod.Name,
                local.Name,
                useTrip.OperationName));
        }

        /// <summary><c>ids.Contains(x)</c> (instance or <c>Enumerable.Contains</c>) inside a lambda that becomes SQL.</summary>
        private static bool IsContainsInQuery(ILocalReferenceOperation reference, out IInvocationOperation contains)
        {
            contains = null!;
            var current = (IOperation)reference;
            while (current.Parent is IConversionOperation or IArgumentOperation)
            {
                current = current.Parent;
            }

            if (current.Parent is not IInvocationOperation { TargetMethod.Name: "Contains" } call
                || call.GetReceiverOrThisArgument()?.WalkDownConversions() != reference
                || !call.IsInsideExpressionTree())
            {
                return false;
            }

            contains = call;
            return true;
        }

        /// <summary>
        /// The outermost lambda around <paramref name="operation"/> that is converted to an expression tree: everything
        /// inside it (nested <c>Func</c> lambdas of <c>b.Tags.Any(..)</c> included) is translated, not run.
        /// </summary>
        private static IAnonymousFunctionOperation? OutermostTranslatedLambda(IOperation operation)
        {
            IAnonymousFunctionOperation? outermost = null;
            for (var current = operation.Parent; current is not null; current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation lambda && EfCore.OperationExtensions.IsExpressionTreeLambda(lambda))
                {
                    outermost = lambda;
                }
                else if (current is IMethodBodyBaseOperation or ILocalFunctionOperation)
                {
                    break;
                }
            }

            return outermost;
        }

        /// <summary>The EF round trip whose query the lambda holding <paramref name="contains"/> belongs to, run where it is built.</summary>
        private static RoundTrip? ConsumingRoundTrip(EfCompilation ef, IOperation contains, CancellationToken cancellationToken)
        {
            if (OutermostTranslatedLambda(contains) is not { } translated)
            {
                return null;
            }

            for (var current = translated.Parent; current is not null; current = current.Parent)
            {
                if (current is IInvocationOperation invocation
                    && ef.TryGetRoundTrip(invocation, out var trip, cancellationToken)
                    && trip.Query.IsEfQuery)
                {
                    return trip.Kind is RoundTripKind.Query or RoundTripKind.Load or RoundTripKind.BulkUpdate or RoundTripKind.BulkDelete ? trip : null;
                }

                if (current is IForEachLoopOperation loop && translated.IsDescendantOf(loop.Collection))
                {
                    return ef.TryGetRoundTrip(loop, out var enumeration, cancellationToken) && enumeration.Query.IsEfQuery ? enumeration : null;
                }

                if (current is IAnonymousFunctionOperation or IBlockOperation or IVariableDeclaratorOperation or IReturnOperation or IMethodBodyBaseOperation)
                {
                    return null; // a delegate run later or per element, or a query stored or returned: it may run after writes
                }
            }

            return null;
        }

        /// <summary>The use sits in a loop (or a lambda run per element) that the declaration is not in: the subquery would run per iteration.</summary>
        private static bool RunsMoreOftenThan(IOperation use, IOperation declaration)
        {
            var start = OutermostTranslatedLambda(use) ?? use;
            for (var current = start.Parent; current is not null; current = current.Parent)
            {
                if (declaration.IsDescendantOf(current))
                {
                    return false;
                }

                if (current is ILoopOperation loop && !(loop is IForEachLoopOperation forEach && use.IsDescendantOf(forEach.Collection)))
                {
                    return true;
                }

                if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>A save, bulk statement or raw SQL command between the two queries: the list holds the rows as they were before it.</summary>
        private static bool WritesBetween(EfCompilation ef, BodyIndex body, int start, int end, CancellationToken cancellationToken)
        {
            foreach (var invocation in body.Operations.OfType<IInvocationOperation>())
            {
                var position = invocation.Syntax.SpanStart;
                if (position < start || position >= end)
                {
                    continue;
                }

                if (SaveCalls.IsSave(invocation, ef.Symbols, cancellationToken)
                    || (ef.TryGetRoundTrip(invocation, out var trip, cancellationToken)
                        && trip.Kind is RoundTripKind.SaveChanges or RoundTripKind.BulkUpdate or RoundTripKind.BulkDelete or RoundTripKind.RawSqlCommand))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
