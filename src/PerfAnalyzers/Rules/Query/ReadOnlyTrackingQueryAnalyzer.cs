using PerfAnalyzers.Options;

namespace PerfAnalyzers.Rules.Query
{
    /// <summary>
    /// EFP302: <c>var posts = await db.Posts.Where(..).ToListAsync();</c> in a method that only reads the posts: every row is
    /// registered with the change tracker (identity map, entry, snapshot) for nothing. Reported only when every use of the
    /// entities is accounted for as a read (see <see cref="ReadOnlyEntityUsage"/>), nothing is saved in the method, the
    /// query does not choose its tracking (AsNoTracking/AsTracking) and its context is not no-tracking by configuration.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class ReadOnlyTrackingQueryAnalyzer() : EfAnalyzer(Descriptors.EFP302_ReadOnlyTrackingQuery)
    {
        /// <summary>Diagnostic property: where to insert <c>.AsNoTracking()</c> (the end of the query root); absent when no fix is offered.</summary>
        public const string InsertAtProperty = "InsertAt";

        /// <summary>Diagnostic property: "true" when the document needs <c>using Microsoft.EntityFrameworkCore;</c>.</summary>
        public const string NeedsUsingProperty = "NeedsUsing";

        /// <summary>Operators after which the rows are no longer the root entities.</summary>
        private static bool IsShapeChanging(OperatorKind kind)
            => kind is OperatorKind.Select or OperatorKind.SelectMany or OperatorKind.GroupBy or OperatorKind.Join or OperatorKind.GroupJoin
                or OperatorKind.LeftJoin or OperatorKind.RightJoin or OperatorKind.Zip or OperatorKind.Cast or OperatorKind.OfType
                or OperatorKind.Concat or OperatorKind.Union or OperatorKind.Intersect or OperatorKind.Except;

        private protected override void OnCompilationStart(CompilationStartAnalysisContext start, EfCompilation ef)
        {
            if (TestCode.IsTestProject(start.Compilation))
            {
                return; // a test reads back the few rows it wrote: tracking them costs nothing worth a change
            }

            start.RegisterOperationAction(c => Analyze(c, ef), OperationKind.Invocation, OperationKind.Loop);
        }

        private static void Analyze(OperationAnalysisContext context, EfCompilation ef)
        {
            var operation = context.Operation;
            bool isSequence;
            ITypeSymbol? produced;
            IOperation expression;
            switch (operation)
            {
                case IInvocationOperation invocation:
                    var kind = ef.Symbols.Operators.Kind(invocation.TargetMethod);
                    isSequence = QueryOperators.IsEntityListTerminal(kind);
                    if (!isSequence && !QueryOperators.IsEntityRowTerminal(kind))
                    {
                        return;
                    }

                    var resultType = EfSymbols.TaskResultType(invocation.Type);
                    produced = isSequence ? ef.Symbols.GetElementType(resultType) : resultType;
                    expression = invocation;
                    break;

                case IForEachLoopOperation forEach:
                    isSequence = false;
                    produced = (forEach.LoopControlVariable as IVariableDeclaratorOperation)?.Symbol.Type;
                    expression = forEach.Collection;
                    break;

                default:
                    return;
            }

            if (produced is null
                || !ef.TryGetRoundTrip(operation, out var roundTrip, context.CancellationToken)
                || (roundTrip.Kind != RoundTripKind.Query && roundTrip.Kind != RoundTripKind.Enumeration)
                || roundTrip.Query is not { EntityType: { } entityType, MaterializedBy: null, Root: { } root } chain
                || (chain.RootKind != QueryRootKind.DbSet && chain.RootKind != QueryRootKind.SetMethod)
                || !SameType(produced, entityType)
                || chain.Operators.Any(o => o.Is(OperatorMeaning.Tracking) || IsShapeChanging(o.Kind)))
            {
                return;
            }

            // The root must be visible in this method: a query handed over by another member decides its tracking there.
            // Nor does a query this method hands to other code (returned, stored, passed on): its other readers may need the tracking.
            var body = operation.GetRootOperation();
            if (!root.IsDescendantOf(body) || SavesOrInspectsChanges(body) || QueryFlow.QueryLeavesMethod(expression, body, ef.Symbols))
            {
                return;
            }

            // One row (First, Single, Last... without an Include), once: tracking it costs an identity-map entry and a snapshot of
            // one entity, microseconds next to the round trip. Not worth a change (Moonlight's and Bitwarden's single-row reads
            // were all judged so). A row with included collections can track hundreds of entities, and one row per iteration of a
            // loop adds up like a list: both stay reported.
            if (!isSequence && operation is IInvocationOperation && !chain.Operators.Any(o => o.Is(OperatorMeaning.Include))
                && ef.Loops.FindEnclosingLoop(operation) is null)
            {
                return;
            }

            var access = ef.GetNavigationAccess(context.CancellationToken);
            var includes = NavigationAccess.TryGetIncludePaths(chain, out var paths) ? paths : ImmutableArray<IncludePath>.Empty;
            var onlyRead = operation is IForEachLoopOperation loop
                ? loop.LoopControlVariable is IVariableDeclaratorOperation variable
                  && ReadOnlyEntityUsage.IsOnlyRead(ef.Symbols, access, includes, variable.Symbol, body, context.CancellationToken)
                : ReadOnlyEntityUsage.IsOnlyRead(ef.Symbols, access, includes, operation, isSequence, body, context.CancellationToken);
            if (!onlyRead || access.Model.UsesNoTrackingByDefault(chain.Context?.Type))
            {
                return;
            }

            // Setup code (seeding, migrations, installation) runs once over a handful of rows, and a test reads back the rows it
            // wrote: tracking them costs nothing worth a change.
            if (TestCode.IsInTestClass(context.ContainingSymbol) || SetupCode.SilencesRule(ef, context.Options, operation, RuleIds.ReadOnlyTrackingQuery, context.CancellationToken))
            {
                return;
            }

            // Where EFP305 reports, its projection is never tracked: report only the stronger advice.
            if (operation is IInvocationOperation materializer
                && !RuleSeverity.IsOff(context.Compilation, materializer.Syntax.SyntaxTree, RuleIds.WholeEntityProjection, context.CancellationToken)
                && WholeEntityProjectionAnalyzer.Match(materializer, ef, context.Options, context.CancellationToken) is not null)
            {
                return;
            }

            var properties = ImmutableDictionary<string, string?>.Empty;
            if (IsInSameExpression(root, expression) && root.SemanticModel is { } model)
            {
                var insertAt = root.Syntax.Span.End;
                var needsUsing = root.Type is null
                                 || model.LookupSymbols(root.Syntax.SpanStart, root.Type, "AsNoTracking", includeReducedExtensionMethods: true).IsEmpty;
                properties = properties
                    .Add(InsertAtProperty, insertAt.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    .Add(NeedsUsingProperty, needsUsing ? "true" : "false");
            }

            var location = operation is IInvocationOperation call ? call.GetMethodNameLocation() : expression.Syntax.GetLocation();
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.EFP302_ReadOnlyTrackingQuery,
                location,
                properties,
                roundTrip.OperationName,
                entityType.Name));
        }

        private static bool SameType(ITypeSymbol a, ITypeSymbol b)
            => SymbolEqualityComparer.Default.Equals(a.WithNullableAnnotation(NullableAnnotation.None), b.WithNullableAnnotation(NullableAnnotation.None));

        /// <summary>Any SaveChanges (of a context or a unit of work), or a look at the change tracker, in the method: tracking may be the point.</summary>
        private static bool SavesOrInspectsChanges(IOperation body)
        {
            // From the body's index (one walk per body): the names it calls, its references named ChangeTracker.
            var index = BodyIndex.Of(body);
            if (index.Root != body)
            {
                return body.Descendants().Any(op => op switch
                {
                    IInvocationOperation invocation => invocation.TargetMethod.Name.StartsWith("SaveChanges", System.StringComparison.Ordinal),
                    IPropertyReferenceOperation property => property.Property.Name == "ChangeTracker",
                    _ => false,
                });
            }

            return index.InvokedMethodNames.Any(name => name.StartsWith("SaveChanges", System.StringComparison.Ordinal))
                   || index.MemberReferences("ChangeTracker").Any(r => r is IPropertyReferenceOperation);
        }

        /// <summary>The root is part of the materializing expression itself, on every path (no ?:/?? in between): one insertion fixes it.</summary>
        private static bool IsInSameExpression(IOperation root, IOperation expression)
        {
            for (var current = root; current is not null; current = current.Parent)
            {
                if (current == expression)
                {
                    return true;
                }

                if (current is IConditionalOperation || current is ICoalesceOperation || current is IAnonymousFunctionOperation
                    || current is IBlockOperation || current is IVariableDeclaratorOperation || current is IExpressionStatementOperation)
                {
                    return false;
                }
            }

            return false;
        }
    }
}
