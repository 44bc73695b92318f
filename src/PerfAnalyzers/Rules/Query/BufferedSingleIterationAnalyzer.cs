using Microsoft.CodeAnalysis.CSharp;

namespace PerfAnalyzers.Rules.Query
{
    /// <summary>
    /// EFP313: <c>foreach (var x in await q.ToListAsync())</c>, or <c>var list = await q.ToListAsync();</c> read by nothing
    /// but the <c>foreach</c> right after it, over an unbounded query (EFP301's meaning: a DbSet with no filter, no row
    /// limit, no grouping, over a table that grows with use) whose rows are not tracked: every row is held in memory at
    /// once to be visited once. Streamed (<c>await foreach (var x in q.AsAsyncEnumerable())</c>), one row at a time.
    /// Reported only when streaming does lower the memory and keeps the code working (<see cref="Silence"/>): rows the
    /// change tracker would keep anyway, a loop body that uses the database (a second command while the reader is open
    /// fails without MARS), awaits anything (the connection would be held meanwhile), or leaves the loop early.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class BufferedSingleIterationAnalyzer() : EfAnalyzer(Descriptors.EFP313_BufferedSingleIteration)
    {
        /// <summary>Diagnostic property: the span (start:length) of the materializing call (<c>q.ToListAsync(ct)</c>).</summary>
        public const string CallSpanProperty = "CallSpan";

        /// <summary>Diagnostic property: the span of the loop's collection expression, replaced by the streamed query.</summary>
        public const string CollectionSpanProperty = "CollectionSpan";

        /// <summary>Diagnostic property: the span of the local declaration statement to remove (a list local), when there is one.</summary>
        public const string DeclarationSpanProperty = "DeclarationSpan";

        /// <summary>Diagnostic property: the span of the cancellation token argument (<c>ct</c>), passed on through <c>WithCancellation</c>.</summary>
        public const string TokenSpanProperty = "TokenSpan";

        /// <summary>Diagnostic property: the span of the <c>ConfigureAwait</c> argument, kept on the streamed query.</summary>
        public const string ConfigureAwaitSpanProperty = "ConfigureAwaitSpan";

        /// <summary>Diagnostic property: "true" when the fix is offered.</summary>
        public const string FixableProperty = "Fixable";

        /// <summary>Why the rule stays silent on a loop over a buffered query (tests and the docs page name these).</summary>
        internal enum Silence
        {
            None,

            /// <summary>Tracked rows: the change tracker keeps every entity until the context goes, streaming frees nothing.</summary>
            Tracked,

            /// <summary>The query is bounded: a filter, a row limit, grouping, distinct values, or a table that does not grow.</summary>
            Bounded,

            /// <summary>The body runs a query, a save, a call that reaches one, or touches a context, set or query: a second command while the reader is open.</summary>
            DatabaseWork,

            /// <summary>
            /// The body awaits, or waits synchronously (<c>.Result</c>, <c>.Wait()</c>, <c>GetResult()</c>, <c>Thread.Sleep</c>):
            /// streaming would hold the connection (and the reader) open for as long as that takes.
            /// </summary>
            Awaits,

            /// <summary>A split query (AsSplitQuery, or the context's default): without MARS EF Core buffers the related rows anyway.</summary>
            SplitQuery,

            /// <summary>The body reads a navigation that lazy loading could load: a query per row while the reader is open.</summary>
            LazyLoading,

            /// <summary>The loop can end early (break, return, goto): Take/First is the better advice.</summary>
            ExitsEarly,

            /// <summary>
            /// The body adds each row (or something made from it) to a collection that outlives the loop (<c>list.Add</c>,
            /// <c>dict.Add</c>, <c>set.Add</c>, <c>queue.Enqueue</c>): the result holds as many entries as the list did, so
            /// streaming saves little; a ToDictionary or a Select into the list is the better advice.
            /// </summary>
            CopiedToCollection,

            /// <summary>The method is an iterator: the rows are yielded at the caller's pace, and buffering released the connection first.</summary>
            Iterator,

            /// <summary>Test or setup code.</summary>
            TestOrSetup,
        }

        private protected override void OnCompilationStart(CompilationStartAnalysisContext start, EfCompilation ef)
        {
            if (TestCode.IsTestProject(start.Compilation))
            {
                return; // a test's database holds the rows the test put there
            }

            var compilation = start.Compilation;
            var extensions = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions");
            var canStreamAsync = ef.Symbols.IAsyncEnumerableOfT is not null
                && extensions is not null && !extensions.GetMembers("AsAsyncEnumerable").IsEmpty;
            start.RegisterOperationAction(c => Analyze(c, ef, canStreamAsync), OperationKind.Invocation);
        }

        private static void Analyze(OperationAnalysisContext context, EfCompilation ef, bool canStreamAsync)
        {
            var call = (IInvocationOperation)context.Operation;
            if (ef.Symbols.Operators.Kind(call.TargetMethod) is not (OperatorKind.ToList or OperatorKind.ToArray)
                || call.HasUnboundArgument()
                || call.Syntax.ContainsDiagnostics
                || call.AwaitedValue() is not { } value
                || FindLoop(value, out var declarationStatement) is not { } loop
                || loop.Syntax is not CommonForEachStatementSyntax forEachSyntax
                || forEachSyntax.ContainsDiagnostics
                || (declarationStatement?.ContainsDiagnostics ?? false)
                || !ef.TryGetRoundTrip(call, out var roundTrip, context.CancellationToken)
                || roundTrip.Kind != RoundTripKind.Query)
            {
                return;
            }

            var cancellationToken = context.CancellationToken;
            if (Explain(ef, loop, call, roundTrip.Query, context.ContainingSymbol, cancellationToken) != Silence.None)
            {
                return;
            }

            var isAsync = call.TargetMethod.Name.EndsWith("Async", System.StringComparison.Ordinal);
            var properties = ImmutableDictionary<string, string?>.Empty
                .Add(CallSpanProperty, SpanProperty.Format(call.Syntax.Span))
                .Add(CollectionSpanProperty, SpanProperty.Format(forEachSyntax.Expression.Span));
            if (declarationStatement is not null)
            {
                properties = properties.Add(DeclarationSpanProperty, SpanProperty.Format(declarationStatement.Span));
            }

            // q.ToList() only: Enumerable.ToList(q) has no receiver to rename the call on.
            var fixable = call.Syntax is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax member }
                && call.GetReceiverOrThisArgument()?.Syntax == member.Expression
                && (!isAsync || (canStreamAsync && ((CSharpParseOptions)call.Syntax.SyntaxTree.Options).LanguageVersion >= LanguageVersion.CSharp8));
            if (isAsync && fixable)
            {
                foreach (var argument in call.Arguments)
                {
                    if (argument.ArgumentKind == ArgumentKind.DefaultValue)
                    {
                        continue;
                    }

                    if (argument.Parameter?.Type.Name == "CancellationToken" && argument.Syntax is ArgumentSyntax tokenSyntax)
                    {
                        properties = properties.Add(TokenSpanProperty, SpanProperty.Format(tokenSyntax.Expression.Span));
                    }
                    else if (argument.Parameter?.Ordinal != 0 || !call.TargetMethod.IsExtensionMethod)
                    {
                        fixable = false; // an argument the streamed query has no place for
                    }
                }

                if (ConfigureAwaitOf(call) is { } configureAwait)
                {
                    if (configureAwait.Arguments.Length == 1 && configureAwait.Arguments[0].Syntax is ArgumentSyntax configureSyntax)
                    {
                        properties = properties.Add(ConfigureAwaitSpanProperty, SpanProperty.Format(configureSyntax.Expression.Span));
                    }
                    else
                    {
                        fixable = false;
                    }
                }
            }

            properties = properties.Add(FixableProperty, fixable ? "true" : "false");
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.EFP313_BufferedSingleIteration,
                call.GetMethodNameLocation(),
                properties,
                call.TargetMethod.Name,
                roundTrip.Query.EntityType?.Name ?? "",
                isAsync ? "await foreach over AsAsyncEnumerable()" : "foreach over AsEnumerable()"));
        }

        /// <summary>
        /// Why the rule stays silent on <paramref name="loop"/> over the rows <paramref name="call"/> buffers, or
        /// <see cref="Silence.None"/>. In order: the query (bounded, tracked), the place (test or setup code, an iterator),
        /// the body (leaves early, awaits, uses the database, lazy loads).
        /// </summary>
        internal static Silence Explain(EfCompilation ef, IForEachLoopOperation loop, IInvocationOperation call, QueryChain chain, ISymbol? containingSymbol, CancellationToken cancellationToken)
        {
            var model = ef.GetModel(cancellationToken);
            if (chain.RootKind is not (QueryRootKind.DbSet or QueryRootKind.SetMethod)
                || chain.EntityType is null
                || QueryShape.IsRowLimited(chain)
                || QueryShape.IsFiltered(chain)
                || QueryShape.IsAggregated(chain)
                || QueryShape.IsDistinctValues(chain, model.FindSingleKey(chain.EntityType))
                || QueryShape.HasClientSideOperators(chain)
                || chain.HasAny("Skip", "SkipLast", "FromSql", "FromSqlRaw", "FromSqlInterpolated")
                || !ef.Growth.Explain(chain.EntityType).Grows)
            {
                return Silence.Bounded;
            }

            var element = call.TargetMethod.TypeArguments.Length == 1 ? call.TargetMethod.TypeArguments[0] : null;
            if (element is null || IsTracked(chain, element, model))
            {
                return Silence.Tracked;
            }

            if (chain.Has("AsSplitQuery") || (!chain.Has("AsSingleQuery") && model.UsesSplitQueries(chain.Context?.Type)))
            {
                return Silence.SplitQuery;
            }

            if (TestCode.IsInTestClass(containingSymbol) || SetupCode.IsSetupCode(ef, call, cancellationToken))
            {
                return Silence.TestOrSetup;
            }

            if (IsInIterator(loop))
            {
                return Silence.Iterator;
            }

            return ExplainBody(ef, loop, chain, element, model, cancellationToken);
        }

        /// <summary>
        /// The rows are kept by the change tracker: a tracking query (AsTracking, or no AsNoTracking on a context that tracks
        /// by default) whose element is, or holds, an entity. AsNoTrackingWithIdentityResolution keeps every entity of the
        /// query in its own identity map until the enumeration ends, so streaming frees nothing there either.
        /// </summary>
        private static bool IsTracked(QueryChain chain, ITypeSymbol element, EfModel model)
        {
            if (!HoldsEntity(element, chain, model))
            {
                return false; // a projection to scalars or a DTO: never tracked
            }

            var choice = chain.Operators.LastOrDefault(o => o.Name is "AsNoTracking" or "AsNoTrackingWithIdentityResolution" or "AsTracking");
            if (choice.Invocation is not null)
            {
                return choice.Name != "AsNoTracking" || choice.IsConditional;
            }

            return !model.UsesNoTrackingByDefault(chain.Context?.Type);
        }

        /// <summary>
        /// The element is an entity, or a projection with an entity (or a collection of them) among its members. Only entity
        /// types the model declares count (a DTO with an <c>Id</c> is not tracked), and the query's own entity type.
        /// </summary>
        private static bool HoldsEntity(ITypeSymbol element, QueryChain chain, EfModel model)
        {
            bool IsEntity(ITypeSymbol? type)
                => type is not null && (model.IsDeclaredEntityType(type) || EfSymbols.InheritsFrom(type, chain.EntityType));

            if (IsEntity(element))
            {
                return true;
            }

            if (element.SpecialType != SpecialType.None || element.TypeKind is TypeKind.Enum || element is not INamedTypeSymbol named)
            {
                return false;
            }

            if (named.IsTupleType)
            {
                return named.TupleElements.Any(f => IsEntity(f.Type) || IsEntity(ElementOf(f.Type)));
            }

            return named.GetMembers().Any(m => m is IPropertySymbol { IsStatic: false } p && (IsEntity(p.Type) || IsEntity(ElementOf(p.Type)))
                                             || m is IFieldSymbol { IsStatic: false, IsImplicitlyDeclared: false } f && (IsEntity(f.Type) || IsEntity(ElementOf(f.Type))));
        }

        private static ITypeSymbol? ElementOf(ITypeSymbol type) => type switch
        {
            IArrayTypeSymbol array => array.ElementType,
            INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } generic => generic.TypeArguments[0],
            _ => null,
        };

        /// <summary>The loop's function (method, local function) yields its results: an iterator.</summary>
        private static bool IsInIterator(IOperation loop)
        {
            var function = loop;
            while (function.Parent is { } parent && function is not (IAnonymousFunctionOperation or ILocalFunctionOperation))
            {
                function = parent;
            }

            return function is not IAnonymousFunctionOperation
                   && function.Descendants().Any(o => o.Kind == OperationKind.YieldReturn);
        }

        private static Silence ExplainBody(EfCompilation ef, IForEachLoopOperation loop, QueryChain chain, ITypeSymbol element, EfModel model, CancellationToken cancellationToken)
        {
            var symbols = ef.Symbols;
            var elementIsEntity = model.IsDeclaredEntityType(element) || EfSymbols.InheritsFrom(element, chain.EntityType);
            foreach (var operation in loop.Body.DescendantsAndSelf())
            {
                switch (operation)
                {
                    case IBranchOperation { BranchKind: BranchKind.Break or BranchKind.GoTo } branch
                        when !IsInside(branch.Target, loop.Body) && !ReferenceEquals(branch.Target, loop.ContinueLabel):
                        return Silence.ExitsEarly;
                    case IReturnOperation when !IsInNestedFunction(operation, loop.Body):
                        return Silence.ExitsEarly;
                    case IAwaitOperation:
                        return Silence.Awaits;
                    case IForEachLoopOperation { IsAsynchronous: true }:
                        return Silence.Awaits;
                    case IUsingOperation { IsAsynchronous: true }:
                    case IUsingDeclarationOperation { IsAsynchronous: true }:
                        return Silence.Awaits;
                    case IPropertyReferenceOperation { Property.Name: "Result", Property.ContainingType: { } taskType } when IsInTasksNamespace(taskType):
                        return Silence.Awaits;
                    case IInvocationOperation { TargetMethod: { Name: "Wait" or "GetResult" or "WaitAll" or "WaitAny", ContainingType: { } waitType } } when IsInTasksNamespace(waitType):
                        return Silence.Awaits;
                    case IInvocationOperation { TargetMethod: { Name: "Sleep", ContainingType.Name: "Thread" } }:
                        return Silence.Awaits;
                    case IInvocationOperation invocation when AddsToOuterCollection(invocation, loop):
                        return Silence.CopiedToCollection;
                    case IInvocationOperation invocation:
                        if (ef.TryGetRoundTrip(invocation, out _, cancellationToken)
                            || SaveCalls.IsSave(invocation, symbols, cancellationToken)
                            || ef.Summaries.Get(invocation, cancellationToken).PerformsRoundTrip)
                        {
                            return Silence.DatabaseWork;
                        }

                        break;
                    case IForEachLoopOperation nested when ef.TryGetRoundTrip(nested, out _, cancellationToken):
                        return Silence.DatabaseWork;
                    case IPropertyReferenceOperation property
                        when elementIsEntity && IsNavigationOfRow(property, loop, model) && LazyLoads(model, chain, property):
                        return Silence.LazyLoading;
                }

                if (operation.Type is { } type
                    && (symbols.IsDbContextOrInterface(type) || symbols.IsDbSet(type) || symbols.IsQueryable(type) || symbols.IsDatabaseFacade(type)))
                {
                    return Silence.DatabaseWork; // the context, a set or a query in the body: database work this rule cannot see through
                }
            }

            return Silence.None;
        }

        /// <summary>
        /// <c>outer.Add(..)</c> on a collection the loop body does not declare (a local declared before the loop, a field, a
        /// parameter), not inside a nested loop of the body (adding per word of a row is aggregation, not a copy of the rows).
        /// </summary>
        private static bool AddsToOuterCollection(IInvocationOperation invocation, IForEachLoopOperation loop)
        {
            if (invocation.Instance?.WalkDownConversions() is not { } receiver
                || !CollectionMethods.AddsElements(invocation.TargetMethod, receiver.Type))
            {
                return false;
            }

            for (var current = invocation.Parent; current is not null && current != loop.Body; current = current.Parent)
            {
                if (current is ILoopOperation or IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    return false;
                }
            }

            return receiver switch
            {
                ILocalReferenceOperation local => !local.Local.DeclaringSyntaxReferences.Any(r => loop.Body.Syntax.Span.Contains(r.Span)),
                IFieldReferenceOperation or IPropertyReferenceOperation or IParameterReferenceOperation => true,
                _ => false,
            };
        }

        private static bool IsInTasksNamespace(INamedTypeSymbol type)
            => type.ContainingNamespace?.ToDisplayString() is "System.Threading.Tasks" or "System.Runtime.CompilerServices";

        /// <summary>Inside a lambda or local function declared in <paramref name="body"/> (its returns are its own).</summary>
        private static bool IsInNestedFunction(IOperation operation, IOperation body)
        {
            for (var current = operation.Parent; current is not null && current != body; current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsInside(ILabelSymbol target, IOperation body)
        {
            // A break/continue/goto whose target is a loop or label inside the body stays in the body.
            foreach (var inner in body.DescendantsAndSelf())
            {
                switch (inner)
                {
                    case ILoopOperation nestedLoop when SymbolEqualityComparer.Default.Equals(nestedLoop.ExitLabel, target) || SymbolEqualityComparer.Default.Equals(nestedLoop.ContinueLabel, target):
                    case ISwitchOperation nestedSwitch when SymbolEqualityComparer.Default.Equals(nestedSwitch.ExitLabel, target):
                    case ILabeledOperation label when SymbolEqualityComparer.Default.Equals(label.Label, target):
                        return true;
                }
            }

            return false;
        }

        /// <summary><c>row.Navigation</c> on the loop variable: a reference or collection navigation of the row's entity.</summary>
        private static bool IsNavigationOfRow(IPropertyReferenceOperation property, IForEachLoopOperation loop, EfModel model)
        {
            if (property.Instance?.WalkDownConversions() is not ILocalReferenceOperation instance
                || !loop.Locals.Any(l => SymbolEqualityComparer.Default.Equals(l, instance.Local)))
            {
                return false;
            }

            var type = property.Property.Type;
            return model.IsEntityType(type) || (ElementOf(type) is { } item && model.IsEntityType(item));
        }

        private static bool LazyLoads(EfModel model, QueryChain chain, IPropertyReferenceOperation property)
            => property.Instance?.Type is { } entity
               && model.GetLazyLoading(chain.Context?.Type, entity, property.Property) != LazyLoadingState.Off;

        /// <summary>
        /// The <c>foreach</c> (not <c>await foreach</c>) that enumerates <paramref name="value"/> (the list a call produces):
        /// as its collection, or through <c>var list = value;</c> in the statement right before the loop, in the same block,
        /// when the local is read by nothing but the loop's collection and never written again.
        /// </summary>
        private static IForEachLoopOperation? FindLoop(IOperation value, out LocalDeclarationStatementSyntax? declarationStatement)
        {
            declarationStatement = null;
            var current = value.WalkUpConversions();

            if (current.Parent is IForEachLoopOperation { IsAsynchronous: false } direct && direct.Collection == current)
            {
                return direct;
            }

            if (current.Parent is not IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }
                || declarator.Syntax is not VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1, Parent: LocalDeclarationStatementSyntax { UsingKeyword.RawKind: 0, AwaitKeyword.RawKind: 0 } statement } }
                || statement.Parent is not BlockSyntax block)
            {
                return null;
            }

            var local = declarator.Symbol;
            var index = block.Statements.IndexOf(statement);
            if (local.IsRef || local.IsConst || index < 0 || index + 1 >= block.Statements.Count
                || block.Statements[index + 1] is not CommonForEachStatementSyntax { AwaitKeyword.RawKind: 0 } next)
            {
                return null;
            }

            var body = BodyIndex.Of(declarator);
            var references = body.References(local).Where(r => !r.IsDeclaration).Take(2).ToList();
            if (references.Count != 1 || body.Writes(local).Count != 1
                || references[0].WalkUpConversions().Parent is not IForEachLoopOperation { IsAsynchronous: false } loop
                || loop.Syntax != next
                || loop.Collection != references[0].WalkUpConversions())
            {
                return null; // used besides the loop (a Count, an index, a second loop, returned, passed on), or reassigned
            }

            declarationStatement = statement;
            return loop;
        }

        private static IInvocationOperation? ConfigureAwaitOf(IInvocationOperation call)
            => call.Parent is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configureAwait && configureAwait.Instance == call ? configureAwait : null;

    }
}
