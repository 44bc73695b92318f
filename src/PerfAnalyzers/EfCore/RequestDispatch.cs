namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// In-process request dispatch (the mediator pattern): <c>await _mediator.Send(new GetOrderQuery(id))</c> runs the
    /// <c>Handle</c> method of the handler for <c>GetOrderQuery</c>. Understood by shape and name, without a reference to
    /// any mediator library: a call named <c>Send</c>, <c>Execute</c>, <c>Dispatch</c> or <c>Publish</c> (or their
    /// <c>Async</c> forms) whose first argument's type (the request, a source type) has a handler in this compilation, a
    /// concrete type implementing a generic interface named <c>IRequestHandler</c>, <c>ICommandHandler</c>,
    /// <c>IQueryHandler</c> or <c>INotificationHandler</c> whose first type argument is the request type, through the
    /// interface's method that takes the request first (<c>Handle</c>, <c>HandleAsync</c>, <c>Execute</c>,
    /// <c>ExecuteAsync</c>): MediatR, martinothamar/Mediator, and home-grown dispatchers of the same shape
    /// (<c>_commandExecutor.ExecuteAsync(new AddPageCommand(..))</c>). <c>Send</c>, <c>Execute</c> and <c>Dispatch</c> follow
    /// the one handler of the request (none when several); <c>Publish</c> runs every handler of the notification. A call
    /// whose first argument has no handler (Dapper's <c>ExecuteAsync(sql)</c>, Polly's <c>ExecuteAsync(action)</c>) is no
    /// dispatch. Built once per compilation from the <see cref="SourceTypeIndex"/>.
    /// </summary>
    internal sealed class RequestDispatch
    {
        private static readonly ImmutableHashSet<string> HandlerInterfaces = ImmutableHashSet.Create(
            "IRequestHandler", "ICommandHandler", "IQueryHandler", "INotificationHandler");

        private static readonly ImmutableHashSet<string> SendNames = ImmutableHashSet.Create(
            "Send", "SendAsync", "Execute", "ExecuteAsync", "Dispatch", "DispatchAsync");

        /// <summary>What a handler interface's method is called: MediatR's <c>Handle</c>, home-grown CQRS's <c>ExecuteAsync</c>...</summary>
        private static readonly ImmutableHashSet<string> HandleNames = ImmutableHashSet.Create(
            "Handle", "HandleAsync", "Execute", "ExecuteAsync");

        private static readonly ImmutableHashSet<string> PublishNames = ImmutableHashSet.Create("Publish", "PublishAsync");

        private readonly Dictionary<ITypeSymbol, List<IMethodSymbol>> _handlers = new Dictionary<ITypeSymbol, List<IMethodSymbol>>(SymbolEqualityComparer.Default);
        private readonly Dictionary<IMethodSymbol, INamedTypeSymbol> _requests = new Dictionary<IMethodSymbol, INamedTypeSymbol>(SymbolEqualityComparer.Default);

        private RequestDispatch()
        {
        }

        /// <summary>True when the compilation declares at least one handler (so dispatch calls are worth looking at).</summary>
        public bool HasHandlers => _handlers.Count > 0;

        /// <summary>A cheap first check on a call: its name is one of the dispatch names and the compilation has handlers.</summary>
        public bool MayDispatch(IMethodSymbol method) => IsDispatchName(method) && HasHandlers;

        /// <summary>Named like a dispatch (Send, Publish...) and takes the request: checked before the handler index is built.</summary>
        public static bool IsDispatchName(IMethodSymbol method)
            => IsDispatchName(method.Name) && method.Parameters.Length >= 1;

        /// <summary>One of the dispatch names (Send, Execute, Dispatch, Publish and their Async forms).</summary>
        public static bool IsDispatchName(string name) => SendNames.Contains(name) || PublishNames.Contains(name);

        /// <summary>
        /// The handler methods that <paramref name="invocation"/> runs: the one handler of a Send (empty when there are
        /// several), every handler of a Publish; empty when the call is not a dispatch to a handler of this compilation.
        /// </summary>
        public ImmutableArray<IMethodSymbol> HandlersOf(IInvocationOperation invocation)
        {
            var method = invocation.TargetMethod;
            if (!MayDispatch(method) || invocation.Arguments.Length == 0)
            {
                return ImmutableArray<IMethodSymbol>.Empty;
            }

            var request = invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0)?.Value.WalkDownConversions();
            if (request?.Type is not INamedTypeSymbol requestType || requestType.TypeKind == TypeKind.Error
                || !_handlers.TryGetValue(requestType.OriginalDefinition, out var handlers))
            {
                return ImmutableArray<IMethodSymbol>.Empty;
            }

            if (SendNames.Contains(method.Name))
            {
                return handlers.Count == 1 ? ImmutableArray.Create(handlers[0]) : ImmutableArray<IMethodSymbol>.Empty;
            }

            return handlers.ToImmutableArray();
        }

        public static RequestDispatch Build(SourceTypeIndex index)
        {
            var dispatch = new RequestDispatch();
            foreach (var type in index.AllConcreteTypes)
            {
                foreach (var @interface in type.AllInterfaces)
                {
                    if (!HandlerInterfaces.Contains(@interface.Name) || @interface.TypeArguments.Length == 0
                        || @interface.TypeArguments[0] is not INamedTypeSymbol requestType || requestType.TypeKind == TypeKind.TypeParameter)
                    {
                        continue;
                    }

                    foreach (var handle in @interface.GetMembers().OfType<IMethodSymbol>())
                    {
                        // The method that takes the request: Handle(TRequest, ..), ExecuteAsync(TCommand, ..).
                        if (HandleNames.Contains(handle.Name) && handle.Parameters.Length >= 1
                            && SymbolEqualityComparer.Default.Equals(handle.Parameters[0].Type, @interface.TypeArguments[0])
                            && type.FindImplementationForInterfaceMember(handle) is IMethodSymbol implementation && !implementation.IsAbstract)
                        {
                            dispatch.Add(requestType.OriginalDefinition, implementation);
                        }
                    }
                }
            }

            return dispatch;
        }

        /// <summary>The request type <paramref name="handler"/> (a handler method found by <see cref="Build"/>) handles, if it is one.</summary>
        public INamedTypeSymbol? RequestOf(IMethodSymbol handler)
            => _requests.TryGetValue(handler.OriginalDefinition, out var request) ? request : null;

        /// <summary>Whether <paramref name="type"/> declares a handler method of <paramref name="request"/>.</summary>
        public bool IsHandlerTypeOf(INamedTypeSymbol type, INamedTypeSymbol request)
            => _handlers.TryGetValue(request.OriginalDefinition, out var handlers)
               && handlers.Any(h => SymbolEqualityComparer.Default.Equals(h.ContainingType?.OriginalDefinition, type.OriginalDefinition));

        private void Add(INamedTypeSymbol request, IMethodSymbol handler)
        {
            _requests[handler.OriginalDefinition] = request;

            if (!_handlers.TryGetValue(request, out var list))
            {
                _handlers[request] = list = new List<IMethodSymbol>();
            }

            if (!list.Contains(handler, SymbolEqualityComparer.Default))
            {
                list.Add(handler);
            }
        }
    }
}
