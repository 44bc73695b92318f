namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// "Does this code run per request, and where does a query's result go?"
    /// <list type="bullet">
    /// <item>request handlers: controller actions (a public method of a type deriving from <c>ControllerBase</c>, or with
    /// <c>[ApiController]</c>, or a method with an <c>[Http*]</c>/<c>[Route]</c> attribute), Razor Pages handlers
    /// (<c>On*</c> methods of a <c>PageModel</c>), Blazor component life-cycle methods, SignalR hub methods, minimal-API
    /// endpoints (a lambda passed to <c>MapGet</c>/<c>MapPost</c>/... on an <c>IEndpointRouteBuilder</c>), and MediatR-style
    /// handlers (<c>Handle</c>/<c>HandleAsync</c> of a type implementing an interface whose name ends in <c>Handler</c>);</item>
    /// <item>returned: the value (through <c>await</c>, conversions and one local) is what the method returns, or part of
    /// an object it returns;</item>
    /// <item>cached: the value (or the element of a loop over it) is put into a cache or registry: a field or static
    /// member (not an instance property, nor a plain field of a Blazor component or page model: that is what the page
    /// renders), an <c>IMemoryCache</c>/<c>IDistributedCache</c> call, a call on a field (a dictionary, a registry), or the
    /// query runs inside a cache factory (<c>GetOrCreate</c>, <c>GetOrCreateAsync</c>, <c>GetOrAdd</c>, <c>GetOrSet</c>).</item>
    /// </list>
    /// </summary>
    internal static class RequestPath
    {
        public static bool IsRequestHandler(IOperation operation, ISymbol? containing)
        {
            for (var op = operation.Parent; op is not null; op = op.Parent)
            {
                if (op is IAnonymousFunctionOperation lambda && IsEndpointLambda(lambda))
                {
                    return true;
                }
            }

            var method = containing as IMethodSymbol;
            while (method is { MethodKind: MethodKind.AnonymousFunction or MethodKind.LambdaMethod or MethodKind.LocalFunction })
            {
                method = method.ContainingSymbol as IMethodSymbol;
            }

            if (method is null || method.IsStatic && method.ContainingType?.Name != "Program")
            {
                return false;
            }

            var type = method.ContainingType;
            if (type is null)
            {
                return false;
            }

            if (method.GetAttributes().Any(a => a.AttributeClass is { } c && (c.Name.StartsWith("Http", System.StringComparison.Ordinal) && c.Name.EndsWith("Attribute", System.StringComparison.Ordinal) || c.Name == "RouteAttribute")))
            {
                return true;
            }

            // Razor Pages handlers (public OnGet/OnPostAsync) and Blazor life-cycle overrides (protected OnInitializedAsync).
            if (method.Name.StartsWith("On", System.StringComparison.Ordinal)
                && EfSymbols.SelfAndBaseTypes(type).Any(t => t.Name == "PageModel" && InNamespace(t, "Microsoft.AspNetCore.Mvc.RazorPages")
                                                             || t.Name == "ComponentBase" && InNamespace(t, "Microsoft.AspNetCore.Components")))
            {
                return true;
            }

            if (method.DeclaredAccessibility != Accessibility.Public || method.MethodKind != MethodKind.Ordinary)
            {
                return false;
            }

            if (EfSymbols.SelfAndBaseTypes(type).Any(t => t.Name is "ControllerBase" or "Controller" && InNamespace(t, "Microsoft.AspNetCore.Mvc")
                                                          || t.Name == "Hub" && InNamespace(t, "Microsoft.AspNetCore.SignalR"))
                || type.GetAttributes().Any(a => a.AttributeClass?.Name == "ApiControllerAttribute"))
            {
                return !method.GetAttributes().Any(a => a.AttributeClass?.Name == "NonActionAttribute");
            }

            return method.Name is "Handle" or "HandleAsync"
                   && type.AllInterfaces.Any(i => i.Name.EndsWith("Handler", System.StringComparison.Ordinal));
        }

        /// <summary><c>app.MapGet("/x", async (Db db) =&gt; ...)</c>: a lambda argument of a Map* call on an endpoint route builder.</summary>
        private static bool IsEndpointLambda(IAnonymousFunctionOperation lambda)
        {
            var parent = lambda.Parent;
            while (parent is IConversionOperation or IDelegateCreationOperation)
            {
                parent = parent.Parent;
            }

            return parent is IArgumentOperation { Parent: IInvocationOperation call }
                   && call.TargetMethod.Name.StartsWith("Map", System.StringComparison.Ordinal)
                   && call.TargetMethod.Parameters.FirstOrDefault() is { } first
                   && (first.Type.Name == "IEndpointRouteBuilder" || first.Type.AllInterfaces.Any(i => i.Name == "IEndpointRouteBuilder"));
        }

        private static bool InNamespace(ITypeSymbol type, string ns)
            => type.ContainingNamespace?.ToDisplayString() == ns;

        /// <summary>The value of a materializing call after <c>await</c>/<c>ConfigureAwait</c> and conversions, and the local it is stored in.</summary>
        private static (IOperation Value, ILocalSymbol? Local) Stored(IOperation materialization)
        {
            var value = (materialization.AwaitedValue() ?? materialization).WalkUpConversions();
            var parent = value.Parent;

            ILocalSymbol? local = parent switch
            {
                IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol,
                ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } => target.Local,
                _ => null,
            };
            return (value, local);
        }

        /// <summary>True when the materialized rows are what the method returns (directly, through one local, or inside a returned object).</summary>
        public static bool IsReturned(IOperation materialization)
        {
            if (materialization is IForEachLoopOperation)
            {
                return false; // a loop consumes the rows where it is
            }

            var (value, local) = Stored(materialization);
            return IsInReturnedValue(value) || (local is not null && ReadsOf(local, value).Any(IsInReturnedValue));
        }

        /// <summary>The reads of <paramref name="local"/> (where the rows of <paramref name="value"/> are stored) in the method.</summary>
        private static IEnumerable<ILocalReferenceOperation> ReadsOf(ILocalSymbol local, IOperation value)
        {
            foreach (var op in value.GetRootOperation().Descendants())
            {
                if (op is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local))
                {
                    yield return reference;
                }
            }
        }

        /// <summary>
        /// The value itself is returned, or is an argument / initializer of what is returned (<c>return View(posts)</c>,
        /// <c>return new Page { Items = posts }</c>, <c>return posts.OrderBy(..).Take(20).ToList()</c>: paged in memory).
        /// </summary>
        private static bool IsInReturnedValue(IOperation value)
        {
            var current = value;
            for (var depth = 0; depth < 16; depth++)
            {
                var parent = current.Parent;
                switch (parent)
                {
                    case IReturnOperation:
                        return true;
                    case IConversionOperation or IParenthesizedOperation or IArgumentOperation or IObjectCreationOperation
                        or IAnonymousObjectCreationOperation or IObjectOrCollectionInitializerOperation or IMemberInitializerOperation
                        or IAwaitOperation:
                        current = parent;
                        continue;
                    case ISimpleAssignmentOperation assignment when assignment.Value == current && assignment.Parent is IObjectOrCollectionInitializerOperation or IAnonymousObjectCreationOperation:
                        current = assignment;
                        continue;
                    case IInvocationOperation call when call.Arguments.Any(a => a == current):
                        current = call;
                        continue;
                    default:
                        return false;
                }
            }

            return false;
        }

        /// <summary>True when the rows end up in a cache or registry (see the type's summary).</summary>
        public static bool IsCached(IOperation materialization)
        {
            // The query runs inside a cache factory: cache.GetOrCreateAsync(key, e => db.Types.ToListAsync()).
            for (var op = materialization.Parent; op is not null; op = op.Parent)
            {
                if (op is IAnonymousFunctionOperation lambda)
                {
                    var parent = lambda.Parent;
                    while (parent is IConversionOperation or IDelegateCreationOperation)
                    {
                        parent = parent.Parent;
                    }

                    if (parent is IArgumentOperation { Parent: IInvocationOperation factory }
                        && factory.TargetMethod.Name is "GetOrCreate" or "GetOrCreateAsync" or "GetOrAdd" or "GetOrAddAsync" or "GetOrSet" or "GetOrSetAsync" or "AddOrUpdate")
                    {
                        return true;
                    }
                }
            }

            if (materialization is IForEachLoopOperation loop)
            {
                return loop.Body.DescendantsAndSelf().Any(IsCacheWrite);
            }

            var (value, local) = Stored(materialization);
            // A read of the local that is a foreach's collection is a sink when the loop writes a cache (IsCacheSink).
            return IsCacheSink(value) || (local is not null && ReadsOf(local, value).Any(IsCacheSink));
        }

        /// <summary>
        /// Rows loaded whole on purpose: they go into a cache or a memoised field (<see cref="IsCached"/>), and their table does
        /// not grow with use (<see cref="TableGrowth"/>: a lookup or configuration table, such as smileys, languages, content
        /// types). Filtering them in memory afterwards (<c>_records = rows.Where(r =&gt; r.Code != null).ToList()</c>) costs a few
        /// rows once per cache lifetime, not a transfer worth a finding (EFP303).
        /// </summary>
        public static bool IsCachedLookup(EfCompilation ef, IOperation materialization, ITypeSymbol? entityType)
            => entityType is not null && IsCached(materialization) && !ef.Growth.Explain(entityType).Grows;

        /// <summary>The value (possibly inside an argument or a collection element, or through LINQ-to-objects steps) is stored into a field/static member or handed to a cache.</summary>
        private static bool IsCacheSink(IOperation value)
        {
            var current = value;
            for (var depth = 0; depth < 10; depth++)
            {
                var parent = current.Parent;
                switch (parent)
                {
                    case IConversionOperation or IParenthesizedOperation:
                        current = parent;
                        continue;
                    case ISimpleAssignmentOperation assignment when assignment.Value == current:
                        return IsSharedStorage(assignment.Target);
                    case ICoalesceAssignmentOperation assignment when assignment.Value == current:
                        return IsSharedStorage(assignment.Target);
                    case IForEachLoopOperation loop when loop.Collection == current:
                        return loop.Body.DescendantsAndSelf().Any(IsCacheWrite);
                    case IArgumentOperation { Parent: IInvocationOperation step } argument
                        when argument.Parameter is { Ordinal: 0 } && step.TargetMethod.IsExtensionMethod
                             && step.TargetMethod.ContainingType is { Name: "Enumerable" } linq && linq.ContainingNamespace?.ToDisplayString() == "System.Linq":
                        // _records = rows.Where(r => r.Code != null).OrderBy(r => r.Order).ToList(): the rows, filtered in memory, go on.
                        current = step;
                        continue;
                    case IArgumentOperation { Parent: IInvocationOperation call }:
                        return IsCacheCall(call);
                    default:
                        return false;
                }
            }

            return false;
        }

        /// <summary>Inside a loop over the rows: <c>_registry[x.Name] = x</c>, <c>_types.TryAdd(..)</c>, <c>cache.Set(..)</c>.</summary>
        private static bool IsCacheWrite(IOperation op)
            => op switch
            {
                ISimpleAssignmentOperation assignment => IsSharedStorage(assignment.Target),
                IInvocationOperation call => IsCacheCall(call),
                _ => false,
            };

        /// <summary>A field, a static member, or an element of one (<c>_cache</c>, <c>Registry.Items</c>, <c>_map[key]</c>).</summary>
        private static bool IsSharedStorage(IOperation target)
        {
            target = target.WalkDownConversions();
            if (target is IPropertyReferenceOperation { Property.IsIndexer: true } indexer && indexer.Instance is { } indexed)
            {
                return IsSharedStorage(indexed);
            }

            if (target is IArrayElementReferenceOperation element)
            {
                return IsSharedStorage(element.ArrayReference);
            }

            return target switch
            {
                IFieldReferenceOperation { Field: var field } => field.IsStatic || !IsRenderState(field),
                IPropertyReferenceOperation { Property.IsStatic: true } => true,
                _ => false, // an instance property (a page model's Posts) is what the request renders, not a cache
            };
        }

        /// <summary>
        /// A field of a Blazor component or a Razor page model that is not named or typed as a cache: the state the
        /// component renders (<c>_orders = await db.Orders.ToListAsync()</c> in <c>OnInitializedAsync</c>), not a cache.
        /// </summary>
        private static bool IsRenderState(IFieldSymbol field)
            => field.Name.IndexOf("cache", System.StringComparison.OrdinalIgnoreCase) < 0
               && !(field.Type.Name.IndexOf("Dictionary", System.StringComparison.Ordinal) >= 0)
               && field.ContainingType is { } type
               && EfSymbols.SelfAndBaseTypes(type).Any(t => t.Name == "PageModel" && InNamespace(t, "Microsoft.AspNetCore.Mvc.RazorPages")
                                                            || t.Name == "ComponentBase" && InNamespace(t, "Microsoft.AspNetCore.Components"));

        private static bool IsCacheCall(IInvocationOperation call)
        {
            var receiver = call.GetReceiverOrThisArgument()?.WalkDownConversions();
            var receiverType = receiver?.Type;
            if (receiverType is not null
                && (receiverType.Name is "IMemoryCache" or "IDistributedCache" or "MemoryCache" or "HybridCache" or "IFusionCache" or "IAppCache"
                    || receiverType.AllInterfaces.Any(i => i.Name is "IMemoryCache" or "IDistributedCache")))
            {
                return true;
            }

            return receiver is not null && call.TargetMethod.Name is "Add" or "TryAdd" or "Set" or "AddOrUpdate" or "GetOrAdd" or "AddRange" or "Register" or "UnionWith"
                   && IsSharedStorage(receiver);
        }

        private static bool IsCollectionLike(ITypeSymbol? type)
            => type is not null && type.SpecialType != SpecialType.System_String
               && type.AllInterfaces.Any(i => i.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T);
    }
}
