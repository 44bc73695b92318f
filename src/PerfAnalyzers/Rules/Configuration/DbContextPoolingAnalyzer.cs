namespace PerfAnalyzers.Rules.Configuration
{
    /// <summary>
    /// EFP501: <c>services.AddDbContext&lt;T&gt;(options)</c> where T is pool-compatible (one constructor taking only
    /// DbContextOptions, no mutable state, no OnConfiguring reading instance state), the registration keeps the Scoped
    /// lifetime and its options lambda does not use the service provider (a pool's options are built once, from the
    /// root provider).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class DbContextPoolingAnalyzer() : EfAnalyzer(Descriptors.EFP501_DbContextPooling)
    {
        private protected override void OnCompilationStart(CompilationStartAnalysisContext start, EfCompilation ef)
        {
            var registration = new DbContextRegistration(ef.Symbols);
            if (!registration.IsAvailable)
            {
                return;
            }

            start.RegisterOperationAction(c => Analyze(c, registration), OperationKind.Invocation);
        }

        private static void Analyze(OperationAnalysisContext context, DbContextRegistration registration)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var method = invocation.TargetMethod;
            if (!registration.IsAddDbContext(method) || !registration.HasPoolFor(method))
            {
                return;
            }

            var hasOptions = false;
            foreach (var argument in invocation.Arguments)
            {
                var parameter = argument.Parameter;
                if (parameter is null)
                {
                    return;
                }

                if (SymbolEqualityComparer.Default.Equals(parameter.Type, registration.ServiceLifetime))
                {
                    // Only the default lifetime (omitted or explicitly Scoped) matches what a pool does.
                    if (argument.ArgumentKind != ArgumentKind.DefaultValue && !IsScoped(argument.Value))
                    {
                        return;
                    }

                    continue;
                }

                if (parameter.Ordinal == 1)
                {
                    if (argument.ArgumentKind == ArgumentKind.DefaultValue || argument.Value.WalkDownConversions() is ILiteralOperation)
                    {
                        return;
                    }

                    // Action<IServiceProvider, DbContextOptionsBuilder>: only a lambda we can see not reading the provider.
                    if (parameter.Type is INamedTypeSymbol { Arity: 2 })
                    {
                        var lambda = argument.Value.AsLambda();
                        if (lambda is null || UsesServiceProvider(lambda))
                        {
                            return;
                        }
                    }

                    hasOptions = true;
                }
            }

            var contextType = method.TypeArguments[method.TypeArguments.Length - 1] as INamedTypeSymbol;
            if (!hasOptions || contextType is null || !registration.IsPoolable(contextType, context.CancellationToken))
            {
                return;
            }

            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.EFP501_DbContextPooling,
                invocation.GetMethodNameLocation(),
                contextType.Name));
        }

        private static bool IsScoped(IOperation value)
            => value.WalkDownConversions() is IFieldReferenceOperation { Field: { Name: "Scoped", HasConstantValue: true } };

        /// <summary>
        /// <c>(sp, o) => ...</c> that reads <c>sp</c>: with a pool it would run once against the root provider, so scoped
        /// services (interceptors, tenant info) would no longer be per request.
        /// </summary>
        private static bool UsesServiceProvider(IAnonymousFunctionOperation lambda)
        {
            if (lambda.Symbol.Parameters.Length < 2)
            {
                return false;
            }

            var provider = lambda.Symbol.Parameters[0];
            foreach (var operation in lambda.Body.DescendantsAndSelf())
            {
                if (operation is IParameterReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Parameter, provider))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
