namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// "Is each iteration of this loop its own unit of work?": the round trip's DbContext (or, for a call, its receiver
    /// or an argument) is created inside the loop body — <c>await using var db = factory.CreateDbContext()</c>,
    /// <c>new BlogContext(options)</c>, <c>contextFactory()</c> (a <c>Func&lt;TContext&gt;</c>), a context resolved for the loop's tenant (<c>contexts.For(tenant)</c>), or a
    /// context or service resolved from a DI scope created in the body (<c>using var scope = scopeFactory.CreateScope();
    /// scope.ServiceProvider.GetRequiredService&lt;BlogContext&gt;()</c>). A context declared in the body that only
    /// aliases one from outside (<c>var db = _db;</c>) is not created per iteration.
    /// </summary>
    internal static class UnitOfWork
    {
        private const int MaxDepth = 4;

        public static bool IsPerIteration(EfCompilation ef, IOperation operation, EnclosingLoop loop, CancellationToken cancellationToken)
        {
            if (ef.TryGetRoundTrip(operation, out var roundTrip, cancellationToken))
            {
                var context = roundTrip.Query.Context ?? ContextOf(operation);
                return context is not null && IsCreatedPerIteration(ef, context, loop, 0);
            }

            if (operation is not IInvocationOperation call)
            {
                return false;
            }

            // A call into the application's code: its receiver or an argument is this iteration's context, scope or service.
            if (call.Instance is { } instance && IsCreatedPerIteration(ef, instance, loop, 0))
            {
                return true;
            }

            return call.Arguments.Any(a => IsCreatedPerIteration(ef, a.Value, loop, 0));
        }

        /// <summary>
        /// A call in <paramref name="body"/> (a method's body) whose receiver or an argument is an application service resolved
        /// from a DI scope the same body creates (<c>using var scope = _provider.CreateScope();
        /// var syncer = scope.ServiceProvider.GetRequiredService&lt;PermissionSyncer&gt;(); await syncer.SyncAsync();</c>): the method
        /// runs a unit of work in a scope of its own, once per call. A DbContext resolved from the scope does not count (a
        /// singleton's repository method that opens a scope to query is still one round trip per call).
        /// </summary>
        public static bool RunsInOwnScope(EfCompilation ef, IInvocationOperation call, IOperation body)
        {
            if (call.Instance is { } instance && IsScopedService(ef, instance, body))
            {
                return true;
            }

            return call.Arguments.Any(a => IsScopedService(ef, a.Value, body));
        }

        private static bool IsScopedService(EfCompilation ef, IOperation value, IOperation body)
        {
            if (value.WalkDownAwaits() is not ILocalReferenceOperation local
                || InitializerIn(local.Local, body) is not { } initializer
                || initializer.WalkDownAwaits() is not IInvocationOperation { TargetMethod.Name: "GetService" or "GetRequiredService" or "GetKeyedService" or "GetRequiredKeyedService" } resolve
                || ef.Symbols.IsDbContextOrInterface(resolve.Type))
            {
                return false;
            }

            return resolve.GetReceiverOrThisArgument() is { } provider && IsOwnScopeProvider(provider, body, 0);
        }

        /// <summary><c>scope.ServiceProvider</c> (or a local holding it) of a scope created in <paramref name="body"/>.</summary>
        private static bool IsOwnScopeProvider(IOperation value, IOperation body, int depth)
        {
            if (depth > MaxDepth)
            {
                return false;
            }

            value = value.WalkDownAwaits();
            switch (value)
            {
                case IPropertyReferenceOperation { Property.Name: "ServiceProvider", Instance: { } scope }:
                    return IsOwnScopeProvider(scope, body, depth + 1);
                case IInvocationOperation { TargetMethod.Name: "CreateScope" or "CreateAsyncScope" }:
                    return true;
                case ILocalReferenceOperation local:
                    return InitializerIn(local.Local, body) is { } initializer && IsOwnScopeProvider(initializer, body, depth + 1);
                default:
                    return false;
            }
        }

        private static IOperation? InitializerIn(ILocalSymbol local, IOperation body)
        {
            foreach (var op in body.DescendantsAndSelf())
            {
                if (op is IVariableDeclaratorOperation declarator && SymbolEqualityComparer.Default.Equals(declarator.Symbol, local))
                {
                    return declarator.Initializer?.Value ?? (declarator.Parent as IVariableDeclarationOperation)?.Initializer?.Value;
                }
            }

            return null;
        }

        /// <summary>The context of a round trip without a query: <c>db</c> in <c>db.SaveChanges()</c>, <c>db.Database.ExecuteSql(..)</c>.</summary>
        private static IOperation? ContextOf(IOperation operation)
        {
            var receiver = (operation as IInvocationOperation)?.GetReceiverOrThisArgument()?.WalkDownConversions();
            while (receiver is IPropertyReferenceOperation { Instance: { } owner })
            {
                receiver = owner.WalkDownConversions();
            }

            return receiver;
        }

        private static bool IsCreatedPerIteration(EfCompilation ef, IOperation value, EnclosingLoop loop, int depth)
        {
            if (depth > MaxDepth)
            {
                return false;
            }

            value = value.WalkDownAwaits();
            switch (value)
            {
                case ILocalReferenceOperation local:
                    var initializer = InitializerInBody(local.Local, loop);
                    return initializer is not null && IsFresh(ef, initializer.WalkDownAwaits(), loop, depth + 1);
                case IPropertyReferenceOperation { Property.Name: "ServiceProvider", Instance: { } scope }:
                    return IsCreatedPerIteration(ef, scope, loop, depth + 1);
                default:
                    return false;
            }
        }

        /// <summary>Whether a local's initializer makes a new context, scope or scoped service (per execution of the body).</summary>
        private static bool IsFresh(EfCompilation ef, IOperation value, EnclosingLoop loop, int depth)
        {
            switch (value)
            {
                case IObjectCreationOperation creation:
                    return ef.Symbols.IsDbContext(creation.Type);

                case IPropertyReferenceOperation { Property.Name: "ServiceProvider", Instance: { } scope }:
                    return IsCreatedPerIteration(ef, scope, loop, depth);

                case IInvocationOperation invocation:
                    var method = invocation.TargetMethod;
                    if (method.Name is "CreateScope" or "CreateAsyncScope")
                    {
                        return true;
                    }

                    if (method.Name is "GetService" or "GetRequiredService" or "GetKeyedService" or "GetRequiredKeyedService")
                    {
                        return invocation.GetReceiverOrThisArgument() is { } provider && IsCreatedPerIteration(ef, provider, loop, depth);
                    }

                    if (!ef.Symbols.IsDbContext(ResultType(invocation.Type)))
                    {
                        return false;
                    }

                    // factory.CreateDbContext(), CreateDbContextAsync(), contexts.Create(tenant), a Func<TContext> factory;
                    // or a context resolved for this element.
                    return method.Name.StartsWith("Create", System.StringComparison.Ordinal)
                           || method.MethodKind == MethodKind.DelegateInvoke
                           || (LoopKeyFilters.GetLoopVariable(loop) is { } element
                               && invocation.Arguments.Any(a => a.Value.DescendantsAndSelf().Any(o => o is ILocalReferenceOperation l && SymbolEqualityComparer.Default.Equals(l.Local, element)
                                                                                                      || o is IParameterReferenceOperation p && SymbolEqualityComparer.Default.Equals(p.Parameter, element))));

                default:
                    return false;
            }
        }

        /// <summary>T of Task&lt;T&gt;/ValueTask&lt;T&gt; (what an awaited call yields), else the type itself.</summary>
        private static ITypeSymbol? ResultType(ITypeSymbol? type)
            => type is INamedTypeSymbol { Name: "Task" or "ValueTask", TypeArguments.Length: 1 } task ? task.TypeArguments[0] : type;

        /// <summary>The initializer of a local declared inside the loop body (null when declared outside it or without one).</summary>
        private static IOperation? InitializerInBody(ILocalSymbol local, EnclosingLoop loop)
        {
            foreach (var op in loop.Body.DescendantsAndSelf())
            {
                if (op is IVariableDeclaratorOperation declarator && SymbolEqualityComparer.Default.Equals(declarator.Symbol, local))
                {
                    return declarator.Initializer?.Value ?? (declarator.Parent as IVariableDeclarationOperation)?.Initializer?.Value;
                }
            }

            return null;
        }
    }
}
