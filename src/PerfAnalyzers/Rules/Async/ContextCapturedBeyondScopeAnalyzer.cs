namespace PerfAnalyzers.Rules.Async
{
    /// <summary>
    /// EFP403: a DbContext the code was given for one scope (an injected field, a parameter of an action, endpoint or
    /// handler, a local in a <c>using</c> declaration) used by work that outlives it: fire-and-forget <c>Task.Run</c> /
    /// <c>Task.Factory.StartNew</c>, a discarded async call, a <c>System.Threading.Timer</c> or ThreadPool callback; a
    /// DbContext kept in a static field or auto-property; a DbContext constructor parameter of a singleton (a type passed to
    /// <c>AddSingleton</c>, or a hosted service). Silent when the background work creates its own context (a new DI
    /// scope, IDbContextFactory: declared inside the work).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class ContextCapturedBeyondScopeAnalyzer() : EfAnalyzer(Descriptors.EFP403_ContextCapturedBeyondScope)
    {
        private protected override void OnCompilationStart(CompilationStartAnalysisContext start, EfCompilation ef)
        {
            start.RegisterOperationAction(c => AnalyzeInvocation(c, ef), OperationKind.Invocation);
            start.RegisterOperationAction(c => AnalyzeObjectCreation(c, ef), OperationKind.ObjectCreation);
            start.RegisterSymbolAction(c => AnalyzeStaticMember(c, ef), SymbolKind.Field, SymbolKind.Property);
            start.RegisterSymbolAction(c => AnalyzeHostedService(c, ef), SymbolKind.NamedType);
        }

        private static void AnalyzeInvocation(OperationAnalysisContext context, EfCompilation ef)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var method = invocation.TargetMethod;
            var lifetime = ef.Lifetime;
            if (lifetime.IsTaskStart(method))
            {
                if (IsDiscarded(invocation))
                {
                    ReportCallbacks(context, invocation, lifetime, $"is used by fire-and-forget work ({Describe(method)} whose task is discarded)");
                }

                return;
            }

            if (lifetime.IsQueueUserWorkItem(method))
            {
                ReportCallbacks(context, invocation, lifetime, $"is used by a ThreadPool.{method.Name} callback");
                return;
            }

            if (lifetime.SingletonImplementation(method) is { } singleton)
            {
                if (ef.Symbols.IsDbContext(singleton))
                {
                    context.ReportDiagnostic(Diagnostic.Create(
                        Descriptors.EFP403_ContextCapturedBeyondScope,
                        invocation.GetMethodNameLocation(),
                        singleton.Name,
                        "is registered as a singleton: one instance for every request and thread"));
                }
                else if (!lifetime.IsHostedService(singleton) && ContextParameter(singleton, ef) is { } parameter)
                {
                    context.ReportDiagnostic(Diagnostic.Create(
                        Descriptors.EFP403_ContextCapturedBeyondScope,
                        invocation.GetMethodNameLocation(),
                        parameter.Name,
                        $"is injected into '{singleton.Name}', registered as a singleton"));
                }

                return;
            }

            if (!lifetime.IsTaskType(method.ReturnType) || !IsDiscarded(invocation))
            {
                return;
            }

            // _ = db.SaveChangesAsync(); on a context the request owns
            if (ef.TryGetRoundTrip(invocation, out var roundTrip, context.CancellationToken))
            {
                if (lifetime.ContextOf(roundTrip) is { } own && ContextLifetime.IsBorrowed(own))
                {
                    Report(context, invocation.GetMethodNameLocation(), own, $"runs '{roundTrip.OperationName}' whose task is discarded (never awaited)");
                }

                return;
            }

            // _ = _db.Posts.Where(..).DeleteAsync(); an extension (project or third-party) that runs on the context
            if (lifetime.ContextOfOtherAsyncCall(invocation) is { } called)
            {
                if (ContextLifetime.IsBorrowed(called))
                {
                    Report(context, invocation.GetMethodNameLocation(), called, $"runs '{method.Name}' whose task is discarded (never awaited)");
                }

                return;
            }

            // _ = SendDigestAsync(db); / _ = SendDigestAsync(); where the method uses an injected context
            foreach (var argument in invocation.Arguments)
            {
                if (ef.Symbols.IsDbContext(argument.Value.WalkDownConversions().Type)
                    && lifetime.ContextOfExpression(argument.Value) is { } passed && ContextLifetime.IsBorrowed(passed))
                {
                    Report(context, invocation.GetMethodNameLocation(), passed, $"is passed to '{method.Name}' whose task is discarded (never awaited)");
                    return;
                }
            }

            if (invocation.Instance is null or IInstanceReferenceOperation && !method.IsStatic)
            {
                foreach (var (_, used) in lifetime.ContextsUsedBy(method, invocation, context.CancellationToken))
                {
                    if (used is IFieldSymbol or IPropertySymbol && ContextLifetime.IsBorrowed(used))
                    {
                        Report(context, invocation.GetMethodNameLocation(), used, $"is used by '{method.Name}' whose task is discarded (never awaited)");
                        return;
                    }
                }
            }
        }

        private static void AnalyzeObjectCreation(OperationAnalysisContext context, EfCompilation ef)
        {
            var creation = (IObjectCreationOperation)context.Operation;
            if (!ef.Lifetime.IsTimer(creation.Type) || creation.Arguments.Length == 0)
            {
                return;
            }

            foreach (var (used, _) in ef.Lifetime.OuterContexts(creation.Arguments[0].Value, context.CancellationToken))
            {
                if (ContextLifetime.IsBorrowed(used))
                {
                    var location = creation.Syntax is ObjectCreationExpressionSyntax syntax ? syntax.Type.GetLocation() : creation.Syntax.GetLocation();
                    Report(context, location, used, "is used by a Timer callback");
                    return;
                }
            }
        }

        private static void ReportCallbacks(OperationAnalysisContext context, IInvocationOperation invocation, ContextLifetime lifetime, string what)
        {
            foreach (var argument in invocation.Arguments)
            {
                foreach (var (used, _) in lifetime.OuterContexts(argument.Value, context.CancellationToken))
                {
                    if (ContextLifetime.IsBorrowed(used))
                    {
                        Report(context, invocation.GetMethodNameLocation(), used, what);
                        return;
                    }
                }
            }
        }

        private static void AnalyzeStaticMember(SymbolAnalysisContext context, EfCompilation ef)
        {
            var symbol = context.Symbol;
            if (!symbol.IsStatic || symbol.IsImplicitlyDeclared || symbol.Locations.Length == 0 || !symbol.Locations[0].IsInSource)
            {
                return;
            }

            switch (symbol)
            {
                case IFieldSymbol field when ef.Symbols.IsDbContext(field.Type) && !field.IsConst:
                    context.ReportDiagnostic(Diagnostic.Create(
                        Descriptors.EFP403_ContextCapturedBeyondScope, field.Locations[0], field.Name, "is kept in a static field"));
                    break;
                case IPropertySymbol property when ef.Symbols.IsDbContext(property.Type) && IsAutoProperty(property):
                    context.ReportDiagnostic(Diagnostic.Create(
                        Descriptors.EFP403_ContextCapturedBeyondScope, property.Locations[0], property.Name, "is kept in a static property"));
                    break;
            }
        }

        private static void AnalyzeHostedService(SymbolAnalysisContext context, EfCompilation ef)
        {
            if (context.Symbol is not INamedTypeSymbol { TypeKind: TypeKind.Class, IsAbstract: false } type || !ef.Lifetime.IsHostedService(type))
            {
                return;
            }

            foreach (var constructor in type.InstanceConstructors)
            {
                foreach (var parameter in constructor.Parameters)
                {
                    if (ef.Symbols.IsDbContext(parameter.Type) && parameter.Locations.Length > 0 && parameter.Locations[0].IsInSource)
                    {
                        context.ReportDiagnostic(Diagnostic.Create(
                            Descriptors.EFP403_ContextCapturedBeyondScope,
                            parameter.Locations[0],
                            parameter.Name,
                            $"is injected into hosted service '{type.Name}', which the host creates once (a singleton)"));
                    }
                }
            }
        }

        /// <summary>A DbContext parameter of a constructor of the singleton's implementation type.</summary>
        private static IParameterSymbol? ContextParameter(INamedTypeSymbol type, EfCompilation ef)
        {
            foreach (var constructor in type.InstanceConstructors)
            {
                foreach (var parameter in constructor.Parameters)
                {
                    if (ef.Symbols.IsDbContext(parameter.Type))
                    {
                        return parameter;
                    }
                }
            }

            return null;
        }

        private static bool IsAutoProperty(IPropertySymbol property)
        {
            foreach (var reference in property.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax() is PropertyDeclarationSyntax { ExpressionBody: null, AccessorList: { } accessors })
                {
                    foreach (var accessor in accessors.Accessors)
                    {
                        if (accessor.Body is not null || accessor.ExpressionBody is not null)
                        {
                            return false;
                        }
                    }

                    return true;
                }
            }

            return false;
        }

        /// <summary>The call is a statement of its own, or assigned to the discard <c>_</c>: nobody awaits its task.</summary>
        private static bool IsDiscarded(IOperation operation)
        {
            var parent = operation.WalkUpConversions().Parent;

            return parent is IExpressionStatementOperation
                   || (parent is ISimpleAssignmentOperation { Target: IDiscardOperation } assignment && assignment.Parent is IExpressionStatementOperation);
        }

        private static string Describe(IMethodSymbol method) => method.Name == "Run" ? "Task.Run" : "Task.Factory.StartNew";

        private static void Report(OperationAnalysisContext context, Location location, ISymbol instance, string what)
            => context.ReportDiagnostic(Diagnostic.Create(Descriptors.EFP403_ContextCapturedBeyondScope, location, instance.Name, what));
    }
}
