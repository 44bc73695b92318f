using Microsoft.CodeAnalysis.CSharp;

namespace PerfAnalyzers.Rules.Async
{
    /// <summary>
    /// EFP401: a synchronous EF Core round trip (ToList, First, Count, Find, SaveChanges, Load, ExecuteUpdate,
    /// ExecuteSql*, BeginTransaction/Commit, foreach over a query) inside an async method, async lambda or async local
    /// function, when the referenced EF Core has the Async form. Never Add/AddRange; never code inside Expression&lt;T&gt;;
    /// not in setup code (<see cref="SetupCode"/>, unless <c>report_seeding_code</c>).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class SyncCallInAsyncCodeAnalyzer() : EfAnalyzer(Descriptors.EFP401_SyncCallInAsyncCode, Descriptors.EFP401_BlockingWaitOnEfTask)
    {
        /// <summary>Diagnostic property: the method to await instead (ToListAsync...), or "AsAsyncEnumerable" for foreach.</summary>
        public const string AsyncNameProperty = "AsyncName";

        /// <summary>Diagnostic property: the name of the only CancellationToken in scope, if the Async form takes one.</summary>
        public const string TokenProperty = "Token";

        /// <summary>Diagnostic property: "true" when expanded params arguments must become an array to pass the token.</summary>
        public const string WrapParamsProperty = "WrapParams";

        /// <summary>Diagnostic property: "true" when the code fix can rewrite this call.</summary>
        public const string CanFixProperty = "CanFix";

        /// <summary>The value of <see cref="AsyncNameProperty"/> for a foreach loop.</summary>
        public const string ForEachMarker = "AsAsyncEnumerable";

        /// <summary>
        /// Diagnostic property of the blocking-wait shape: "Result", "Wait" or "GetResult" (absent for sync round trips).
        /// The fix replaces the wait with <c>await</c> on the task.
        /// </summary>
        public const string BlockingProperty = "Blocking";

        private protected override void OnCompilationStart(CompilationStartAnalysisContext start, EfCompilation ef)
        {
            var counterparts = ef.Async;
            var tokens = new TokenNames(counterparts);

            // A sync call or a blocking wait in a test (TestCode) blocks a thread of the test run against the rows the test put
            // there: not worth a change in an EF Core performance analyzer (the test framework's own analyzer, xUnit1031, knows
            // whether its runner's synchronization context makes a blocking wait deadlock).
            var testProject = TestCode.IsTestProject(start.Compilation);
            start.RegisterOperationAction(c => AnalyzeInvocation(c, ef, counterparts, tokens, testProject), OperationKind.Invocation);
            if (!testProject)
            {
                start.RegisterOperationAction(c => AnalyzeForEach(c, ef, counterparts, tokens), OperationKind.Loop);
            }

            if (!testProject)
            {
                start.RegisterOperationAction(c => AnalyzeBlockingWait(c, ef), OperationKind.PropertyReference);
            }
        }

        /// <summary>
        /// <c>.Result</c>, <c>.Wait()</c>, <c>.GetAwaiter().GetResult()</c> on the task of an EF Core async round trip, in
        /// sync and async code alike (<see cref="BlockingWait"/>), outside test code.
        /// </summary>
        private static void AnalyzeBlockingWait(OperationAnalysisContext context, EfCompilation ef)
        {
            if (TestCode.IsInTestClass(context.ContainingSymbol)
                || !BlockingWait.TryGet(ef, context.Operation, out var wait, context.CancellationToken)
                || RunsSynchronouslyAnyway(ef, wait.RoundTrip, context.CancellationToken)
                || IsQuietSetupCode(context, ef, context.Operation)
                || AuthorSuppressions.IsSuppressed(context.Operation.Syntax, context.ContainingSymbol, AuthorSuppressions.SyncOverAsync))
            {
                return;
            }

            var syntax = context.Operation.Syntax;
            var canFix = IsInAsyncCode(context.Operation, context.ContainingSymbol) && CanAwaitHere(syntax)
                && wait.Kind switch
                {
                    BlockingKind.Result => syntax is MemberAccessExpressionSyntax,
                    BlockingKind.Wait => context.Operation is IInvocationOperation { Arguments.Length: 0 } && syntax is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax },
                    _ => syntax is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Expression: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax } } },
                };
            var location = syntax switch
            {
                MemberAccessExpressionSyntax member => member.Name.GetLocation(),
                InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax member } => member.Name.GetLocation(),
                _ => syntax.GetLocation(),
            };
            var properties = ImmutableDictionary<string, string?>.Empty
                .Add(AsyncNameProperty, wait.RoundTrip.OperationName)
                .Add(TokenProperty, "")
                .Add(WrapParamsProperty, "false")
                .Add(CanFixProperty, canFix ? "true" : "false")
                .Add(BlockingProperty, wait.Kind.ToString());
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.EFP401_BlockingWaitOnEfTask,
                location,
                properties,
                wait.Display,
                wait.Source));
        }

        private static void AnalyzeInvocation(OperationAnalysisContext context, EfCompilation ef, AsyncCounterparts counterparts, TokenNames tokens, bool testProject)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var name = invocation.TargetMethod.Name;
            if (name is "Wait" or "GetResult")
            {
                if (!testProject)
                {
                    AnalyzeBlockingWait(context, ef);
                }

                return;
            }

            if (!AsyncCounterparts.MayHaveCounterpart(name)
                || testProject || !IsInAsyncCode(invocation, context.ContainingSymbol) || TestCode.IsInTestClass(context.ContainingSymbol))
            {
                return;
            }

            if (!counterparts.TryGetSyncRoundTrip(ef, invocation, out var counterpart, context.CancellationToken)
                || AsyncCounterparts.IsSyncHalfOfPair(invocation, counterpart.Name)
                || RunsSynchronouslyAnyway(ef, invocation, context.CancellationToken)
                || IsQuietSetupCode(context, ef, invocation)
                || AuthorSuppressions.IsSuppressed(invocation.Syntax, context.ContainingSymbol, AuthorSuppressions.SyncOverAsync))
            {
                return;
            }

            var token = counterpart.AcceptsCancellationToken ? FindSingleToken(invocation, context.ContainingSymbol, counterparts, tokens) : null;
            var canFix = CanAwaitHere(invocation.Syntax) && invocation.Syntax is InvocationExpressionSyntax syntax
                && syntax.Expression is MemberAccessExpressionSyntax or SimpleNameSyntax;
            var properties = ImmutableDictionary<string, string?>.Empty
                .Add(AsyncNameProperty, counterpart.Name)
                .Add(TokenProperty, token ?? "")
                .Add(WrapParamsProperty, token is not null && counterpart.NeedsArrayForParams ? "true" : "false")
                .Add(CanFixProperty, canFix ? "true" : "false");
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.EFP401_SyncCallInAsyncCode,
                invocation.GetMethodNameLocation(),
                properties,
                name,
                counterpart.Name));
        }

        private static void AnalyzeForEach(OperationAnalysisContext context, EfCompilation ef, AsyncCounterparts counterparts, TokenNames tokens)
        {
            if (context.Operation is not IForEachLoopOperation forEach || forEach.IsAsynchronous
                || !counterparts.AsAsyncEnumerableExists || !IsInAsyncCode(forEach, context.ContainingSymbol)
                || TestCode.IsInTestClass(context.ContainingSymbol))
            {
                return;
            }

            var collection = forEach.Collection.WalkDownConversions();
            if (!ef.Symbols.IsQueryable(collection.Type) || ef.Symbols.GetElementType(collection.Type) is null
                || !ef.TryGetRoundTrip(forEach, out var roundTrip, context.CancellationToken)
                || RunsSynchronouslyAnyway(ef, roundTrip, context.CancellationToken)
                || IsQuietSetupCode(context, ef, forEach)
                || AuthorSuppressions.IsSuppressed(forEach.Syntax, context.ContainingSymbol, AuthorSuppressions.SyncOverAsync))
            {
                return;
            }

            var token = FindSingleToken(forEach, context.ContainingSymbol, counterparts, tokens);
            var canFix = forEach.Syntax is ForEachStatementSyntax statement
                && statement.Type is not RefTypeSyntax
                && CanAwaitHere(forEach.Syntax);
            var properties = ImmutableDictionary<string, string?>.Empty
                .Add(AsyncNameProperty, ForEachMarker)
                .Add(TokenProperty, token ?? "")
                .Add(WrapParamsProperty, "false")
                .Add(CanFixProperty, canFix ? "true" : "false");
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.EFP401_SyncCallInAsyncCode,
                roundTrip.Location,
                properties,
                "foreach",
                "await foreach over AsAsyncEnumerable()"));
        }

        /// <summary>
        /// The round trip's context runs on SQLite only (<see cref="EfModel.RunsOnSqliteOnly"/>): Microsoft.Data.Sqlite's async
        /// methods run synchronously, so the Async form frees no thread and the change gains nothing (the rule's proof has
        /// nothing to show on SQLite either).
        /// </summary>
        private static bool RunsSynchronouslyAnyway(EfCompilation ef, RoundTrip roundTrip, CancellationToken cancellationToken)
        {
            var context = roundTrip.Query.Context ?? (roundTrip.Operation as IInvocationOperation)?.GetReceiverOrThisArgument();
            return ef.GetModel(cancellationToken).RunsOnSqliteOnly(ContextType(ef, context), roundTrip.Query.EntityType);
        }

        /// <summary>The same for a sync call: its round trip when the layer knows one, else its receiver (a transaction, the database facade).</summary>
        private static bool RunsSynchronouslyAnyway(EfCompilation ef, IInvocationOperation invocation, CancellationToken cancellationToken)
        {
            if (ef.TryGetRoundTrip(invocation, out var roundTrip, cancellationToken))
            {
                return RunsSynchronouslyAnyway(ef, roundTrip, cancellationToken);
            }

            return ef.GetModel(cancellationToken).RunsOnSqliteOnly(ContextType(ef, invocation.GetReceiverOrThisArgument()), entityType: null);
        }

        /// <summary>
        /// The context type behind an expression: the context itself, the one whose <c>Database</c> facade it is, or for a
        /// transaction held in a local declared once, the context whose facade began it (<c>var tx = db.Database.BeginTransaction()</c>).
        /// </summary>
        private static ITypeSymbol? ContextType(EfCompilation ef, IOperation? operation)
        {
            operation = operation?.WalkDownConversions();
            if (operation is ILocalReferenceOperation local
                && BodyIndex.Of(local).Writes(local.Local) is { Count: 1 } writes
                && writes[0] is IVariableDeclaratorOperation { Initializer.Value: { } initial }
                && initial.WalkDownConversions() is IInvocationOperation { } begun
                && ef.Symbols.IsDatabaseFacade(begun.GetReceiverOrThisArgument()?.WalkDownConversions().Type))
            {
                operation = begun.GetReceiverOrThisArgument()!.WalkDownConversions();
            }

            if (operation is IPropertyReferenceOperation { Instance: { } owner } facade && ef.Symbols.IsDatabaseFacade(facade.Type))
            {
                return owner.WalkDownConversions().Type;
            }

            return operation?.Type;
        }

        /// <summary>Seeding, migration, installation and start-up code runs once: blocking there costs one thread once.</summary>
        private static bool IsQuietSetupCode(OperationAnalysisContext context, EfCompilation ef, IOperation operation)
            => SetupCode.SilencesRule(ef, context.Options, operation, RuleIds.SyncCallInAsyncCode, context.CancellationToken);

        /// <summary>The nearest enclosing function (lambda, local function, or the member itself) is async.</summary>
        internal static bool IsInAsyncCode(IOperation operation, ISymbol containingSymbol)
        {
            for (var current = operation.Parent; current is not null; current = current.Parent)
            {
                switch (current)
                {
                    case IAnonymousFunctionOperation lambda:
                        return lambda.Symbol.IsAsync && !EfCore.OperationExtensions.IsExpressionTreeLambda(lambda);
                    case ILocalFunctionOperation localFunction:
                        return localFunction.Symbol.IsAsync;
                }
            }

            // Top-level statements are the program's start-up code: blocking there costs one thread once.
            return containingSymbol is IMethodSymbol { IsAsync: true } method && method.Name != "<Main>$";
        }

        /// <summary>
        /// C# forbids <c>await</c> in a lock body, an unsafe context, and query-expression clauses; conditional access
        /// chains (<c>a?.B()</c>) are left alone too.
        /// </summary>
        private static bool CanAwaitHere(SyntaxNode node)
        {
            for (var current = node.Parent; current is not null; current = current.Parent)
            {
                switch (current)
                {
                    case LockStatementSyntax:
                    case UnsafeStatementSyntax:
                    case QueryExpressionSyntax:
                    case ConditionalAccessExpressionSyntax:
                        return false;
                    case AnonymousFunctionExpressionSyntax:
                    case LocalFunctionStatementSyntax:
                    case MemberDeclarationSyntax:
                        return true;
                }
            }

            return true;
        }

        /// <summary>
        /// The name of the only parameter or local of type CancellationToken in scope (declared before the call), or null
        /// when there is none or more than one. Ambient tokens such as HttpContext.RequestAborted are not used on purpose.
        /// Only the names a CancellationToken parameter or local of this body can have are looked up (<see cref="TokenNames"/>):
        /// a lookup of every symbol in scope per call made a method with N calls and N locals quadratic.
        /// </summary>
        private static string? FindSingleToken(IOperation operation, ISymbol containingSymbol, AsyncCounterparts counterparts, TokenNames tokens)
        {
            var model = operation.SemanticModel;
            if (model is null || counterparts.CancellationTokenType is null)
            {
                return null;
            }

            var position = operation.Syntax.SpanStart;
            string? found = null;
            foreach (var symbol in tokens.Candidates(operation, containingSymbol).SelectMany(name => model.LookupSymbols(position, name: name)))
            {
                ITypeSymbol? type;
                switch (symbol)
                {
                    case IParameterSymbol parameter:
                        type = parameter.Type;
                        break;
                    case ILocalSymbol local:
                        type = local.Type;
                        if (local.DeclaringSyntaxReferences.Length == 0 || local.DeclaringSyntaxReferences[0].Span.End > position)
                        {
                            continue;
                        }

                        break;
                    default:
                        continue;
                }

                if (!counterparts.IsCancellationToken(type))
                {
                    continue;
                }

                if (found is not null)
                {
                    return null;
                }

                found = symbol.Name;
            }

            return found;
        }

        /// <summary>
        /// The names a CancellationToken parameter or local visible in a body can have: the body's CancellationToken locals
        /// (once per body, <see cref="BodyIndex"/>), the parameters of the functions around the operation, and the primary
        /// constructor parameters of the types around it. Every other name in scope cannot be a token.
        /// </summary>
        private sealed class TokenNames
        {
            private readonly AsyncCounterparts _counterparts;
            private readonly System.Runtime.CompilerServices.ConditionalWeakTable<IOperation, string[]> _localNames =
                new System.Runtime.CompilerServices.ConditionalWeakTable<IOperation, string[]>();

            public TokenNames(AsyncCounterparts counterparts) => _counterparts = counterparts;

            public IEnumerable<string> Candidates(IOperation operation, ISymbol containingSymbol)
            {
                var names = new HashSet<string>(_localNames.GetValue(operation.GetRootOperation(), root =>
                    BodyIndex.Of(root).Locals.Where(l => _counterparts.IsCancellationToken(l.Type)).Select(l => l.Name).Distinct().ToArray()));
                for (var current = operation.Parent; current is not null; current = current.Parent)
                {
                    var function = current switch
                    {
                        IAnonymousFunctionOperation lambda => lambda.Symbol,
                        ILocalFunctionOperation local => local.Symbol,
                        _ => null,
                    };
                    AddTokenParameters(function, names);
                }

                for (var symbol = containingSymbol; symbol is not null && symbol is not INamespaceSymbol; symbol = symbol.ContainingSymbol)
                {
                    AddTokenParameters(symbol as IMethodSymbol, names);
                    if (symbol is INamedTypeSymbol type)
                    {
                        foreach (var constructor in type.InstanceConstructors)
                        {
                            if (constructor.DeclaringSyntaxReferences.Any(r => r.GetSyntax() is TypeDeclarationSyntax))
                            {
                                AddTokenParameters(constructor, names); // a primary constructor
                            }
                        }
                    }
                }

                names.RemoveWhere(n => n.Length == 0);
                return names;
            }

            private void AddTokenParameters(IMethodSymbol? method, HashSet<string> names)
            {
                if (method is null)
                {
                    return;
                }

                foreach (var parameter in method.Parameters)
                {
                    if (_counterparts.IsCancellationToken(parameter.Type))
                    {
                        names.Add(parameter.Name);
                    }
                }
            }
        }
    }
}
