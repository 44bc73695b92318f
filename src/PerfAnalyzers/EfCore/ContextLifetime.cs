namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// Which DbContext instance a round trip uses, where that instance comes from (a local of the task itself, a captured
    /// local, a field, a parameter given by DI), and the concurrency and lifetime APIs around it (Task.WhenAll, Task.Run,
    /// Parallel, Timer, ThreadPool, AddSingleton/AddHostedService). Used by EFP402 and EFP403.
    /// </summary>
    internal sealed class ContextLifetime
    {
        private const int MaxDepth = 6;

        // How many receivers ContextSymbol walks back from an operation to its context: a real query chain
        // (Kavita: Where, Where, SelectMany, a project filter, Select, ToListAsync) is longer than MaxDepth.
        private const int MaxChainLength = 32;

        private readonly EfCompilation _ef;
        private readonly INamedTypeSymbol? _task;
        private readonly INamedTypeSymbol? _taskOfT;
        private readonly INamedTypeSymbol? _valueTask;
        private readonly INamedTypeSymbol? _valueTaskOfT;
        private readonly INamedTypeSymbol? _taskFactory;
        private readonly INamedTypeSymbol? _taskFactoryOfT;
        private readonly INamedTypeSymbol? _parallel;
        private readonly INamedTypeSymbol? _timer;
        private readonly INamedTypeSymbol? _threadPool;
        private readonly INamedTypeSymbol? _serviceCollectionExtensions;
        private readonly INamedTypeSymbol? _hostedServiceExtensions;
        private readonly INamedTypeSymbol? _hostedService;

        public ContextLifetime(EfCompilation ef)
        {
            _ef = ef;
            var compilation = ef.Symbols.Compilation;
            _task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
            _taskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
            _valueTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask");
            _valueTaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");
            _taskFactory = compilation.GetTypeByMetadataName("System.Threading.Tasks.TaskFactory");
            _taskFactoryOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.TaskFactory`1");
            _parallel = compilation.GetTypeByMetadataName("System.Threading.Tasks.Parallel");
            _timer = compilation.GetTypeByMetadataName("System.Threading.Timer");
            _threadPool = compilation.GetTypeByMetadataName("System.Threading.ThreadPool");
            _serviceCollectionExtensions = compilation.GetTypeByMetadataName("Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions");
            _hostedServiceExtensions = compilation.GetTypeByMetadataName("Microsoft.Extensions.DependencyInjection.ServiceCollectionHostedServiceExtensions");
            _hostedService = compilation.GetTypeByMetadataName("Microsoft.Extensions.Hosting.IHostedService");
        }

        // ---- the APIs ----

        /// <summary><c>Task.WhenAll</c> or <c>Task.WhenAny</c>.</summary>
        public bool IsWhenAllOrAny(IMethodSymbol method)
            => method.Name is "WhenAll" or "WhenAny" && Same(method.ContainingType, _task);

        /// <summary><c>Task.Run</c>, <c>Task.Factory.StartNew</c> (TaskFactory or TaskFactory&lt;T&gt;).</summary>
        public bool IsTaskStart(IMethodSymbol method)
            => (method.Name == "Run" && Same(method.ContainingType, _task))
               || (method.Name == "StartNew" && (Same(method.ContainingType, _taskFactory) || Same(method.ContainingType.OriginalDefinition, _taskFactoryOfT)));

        /// <summary><c>Parallel.For</c>, <c>ForEach</c>, <c>ForAsync</c>, <c>ForEachAsync</c>, <c>Invoke</c>.</summary>
        public bool IsParallel(IMethodSymbol method) => Same(method.ContainingType, _parallel);

        /// <summary><c>ThreadPool.QueueUserWorkItem</c> / <c>UnsafeQueueUserWorkItem</c>.</summary>
        public bool IsQueueUserWorkItem(IMethodSymbol method)
            => method.Name is "QueueUserWorkItem" or "UnsafeQueueUserWorkItem" && Same(method.ContainingType, _threadPool);

        /// <summary>The constructor of <c>System.Threading.Timer</c>.</summary>
        public bool IsTimer(ITypeSymbol? type) => Same(type, _timer);

        /// <summary><c>services.AddSingleton&lt;...&gt;()</c>: the implementation type (the last type argument), if generic.</summary>
        public INamedTypeSymbol? SingletonImplementation(IMethodSymbol method)
        {
            if (method.Name != "AddSingleton" || !Same(method.ContainingType, _serviceCollectionExtensions) || method.TypeArguments.Length == 0)
            {
                return null;
            }

            return method.TypeArguments[method.TypeArguments.Length - 1] as INamedTypeSymbol;
        }

        /// <summary><c>services.AddHostedService&lt;T&gt;()</c>.</summary>
        public bool IsAddHostedService(IMethodSymbol method)
            => method.Name == "AddHostedService" && Same(method.ContainingType, _hostedServiceExtensions);

        /// <summary>A hosted service (BackgroundService or any IHostedService): the host creates it once, as a singleton.</summary>
        public bool IsHostedService(ITypeSymbol? type)
        {
            if (type is null || _hostedService is null)
            {
                return false;
            }

            foreach (var @interface in type.AllInterfaces)
            {
                if (Same(@interface, _hostedService))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Task, Task&lt;T&gt;, ValueTask, ValueTask&lt;T&gt;.</summary>
        public bool IsTaskType(ITypeSymbol? type)
        {
            var original = type?.OriginalDefinition;
            return original is not null && (Same(original, _task) || Same(original, _taskOfT) || Same(original, _valueTask) || Same(original, _valueTaskOfT));
        }

        // ---- which context instance ----

        /// <summary>
        /// The symbol that names the context instance a round trip uses: a local, a parameter, a field or property of
        /// <c>this</c> (or static), or the containing type for <c>this</c> inside a DbContext. Null when the instance
        /// is not named (a context created inline, a call that returns one): then nothing can be said about sharing.
        /// </summary>
        public ISymbol? ContextOf(RoundTrip roundTrip)
        {
            var context = roundTrip.Query.Context;
            if (context is null && roundTrip.Operation is IInvocationOperation invocation)
            {
                context = invocation.GetReceiverOrThisArgument();
            }

            return ContextSymbol(context, 0);
        }

        /// <summary>The context an expression names (<c>db</c>, <c>_db</c>, <c>this.Db</c>), as in <see cref="ContextOf"/>.</summary>
        public ISymbol? ContextOfExpression(IOperation? operation) => ContextSymbol(operation, 0);

        /// <summary>The contexts a method of this compilation (declared in the caller's file) uses in its own body.</summary>
        public ImmutableArray<(RoundTrip RoundTrip, ISymbol Context)> ContextsUsedBy(IMethodSymbol method, IOperation caller, CancellationToken cancellationToken)
        {
            if (method.DeclaringSyntaxReferences.Length != 1 || caller.SemanticModel is not { } model)
            {
                return ImmutableArray<(RoundTrip, ISymbol)>.Empty;
            }

            var syntax = method.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken);
            return syntax.SyntaxTree == model.SyntaxTree && model.GetOperation(syntax, cancellationToken) is { } body
                ? RoundTripsIn(body, cancellationToken)
                : ImmutableArray<(RoundTrip, ISymbol)>.Empty;
        }

        private ISymbol? ContextSymbol(IOperation? operation, int depth)
        {
            for (var i = 0; operation is not null && i < MaxChainLength; i++)
            {
                operation = operation.WalkDownConversions();
                if (_ef.Symbols.IsDbContext(operation.Type))
                {
                    return NamedInstance(operation, depth);
                }

                operation = operation switch
                {
                    IInvocationOperation call => call.GetReceiverOrThisArgument(),
                    IPropertyReferenceOperation property => property.Instance,
                    IFieldReferenceOperation field => field.Instance,
                    _ => null,
                };
            }

            return null;
        }

        private ISymbol? NamedInstance(IOperation operation, int depth)
        {
            switch (operation)
            {
                case ILocalReferenceOperation local:
                    // 'var db = _db;' is the same instance as _db.
                    return depth < 2 && AliasOf(local.Local, operation) is { } alias ? ContextSymbol(alias, depth + 1) ?? local.Local : local.Local;
                case IParameterReferenceOperation parameter:
                    return parameter.Parameter;
                case IFieldReferenceOperation field when field.Instance is null or IInstanceReferenceOperation:
                    return field.Field;
                case IPropertyReferenceOperation property when property.Instance is null or IInstanceReferenceOperation:
                    return property.Property;
                case IInstanceReferenceOperation instance:
                    return instance.Type;
                default:
                    return null;
            }
        }

        /// <summary>The initializer of <c>var db = other;</c> when <c>other</c> names a context (not a call that creates one).</summary>
        private static IOperation? AliasOf(ILocalSymbol local, IOperation user)
        {
            var initializer = LocalInitializer(local, user)?.WalkDownConversions();
            return initializer is ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation or IPropertyReferenceOperation
                ? initializer
                : null;
        }

        /// <summary>The context is declared inside <paramref name="scope"/> (a lambda or a body): the code there owns it.</summary>
        public static bool IsDeclaredInside(ISymbol context, SyntaxNode scope)
        {
            if (context is not ILocalSymbol and not IParameterSymbol)
            {
                return false;
            }

            foreach (var reference in context.DeclaringSyntaxReferences)
            {
                if (reference.SyntaxTree == scope.SyntaxTree && scope.Span.Contains(reference.Span))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// A context the surrounding code was given and does not own beyond the current call: a field or property of the
        /// class (constructor injection), a primary-constructor parameter, a parameter of the method or endpoint lambda
        /// (action, handler, minimal API), or a local in a <c>using</c> declaration (disposed when the method ends).
        /// </summary>
        public static bool IsBorrowed(ISymbol context)
        {
            switch (context)
            {
                case IFieldSymbol { IsStatic: false }:
                case IPropertySymbol { IsStatic: false }:
                case IParameterSymbol:
                    return true;
                case ILocalSymbol local:
                    foreach (var reference in local.DeclaringSyntaxReferences)
                    {
                        var syntax = reference.GetSyntax();
                        if (syntax.Parent?.Parent is LocalDeclarationStatementSyntax { UsingKeyword.RawKind: not 0 }
                            || syntax.Parent?.Parent is UsingStatementSyntax)
                        {
                            return true;
                        }
                    }

                    return false;
                default:
                    return false;
            }
        }

        // ---- round trips in a body ----

        /// <summary>Every round trip inside <paramref name="body"/> (not in expression trees) with the context it uses.</summary>
        public ImmutableArray<(RoundTrip RoundTrip, ISymbol Context)> RoundTripsIn(IOperation body, CancellationToken cancellationToken)
        {
            var builder = ImmutableArray.CreateBuilder<(RoundTrip, ISymbol)>();
            foreach (var operation in body.DescendantsAndSelf())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (operation is not IInvocationOperation and not IForEachLoopOperation)
                {
                    continue;
                }

                if (_ef.TryGetRoundTrip(operation, out var roundTrip, cancellationToken) && ContextOf(roundTrip) is { } context)
                {
                    builder.Add((roundTrip, context));
                }
            }

            return builder.ToImmutable();
        }

        /// <summary>
        /// Every operation on a named context inside <paramref name="body"/>: its round trips (<see cref="RoundTripsIn"/>)
        /// and the async calls on the context the layer does not know as round trips (<see cref="ContextOfOtherAsyncCall"/>).
        /// </summary>
        public List<(IOperation Operation, ISymbol Context)> ContextOperationsIn(IOperation body, CancellationToken cancellationToken)
        {
            var result = new List<(IOperation, ISymbol)>();
            foreach (var operation in body.DescendantsAndSelf())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (operation is not IInvocationOperation and not IForEachLoopOperation)
                {
                    continue;
                }

                if (_ef.TryGetRoundTrip(operation, out var roundTrip, cancellationToken))
                {
                    if (ContextOf(roundTrip) is { } context)
                    {
                        result.Add((roundTrip.Operation, context));
                    }
                }
                else if (operation is IInvocationOperation invocation && ContextOfOtherAsyncCall(invocation) is { } other)
                {
                    result.Add((invocation, other));
                }
            }

            return result;
        }

        /// <summary>
        /// An async call the layer does not know as a round trip, made on a named context or on a set or query of it: a
        /// project or third-party extension (<c>_db.Employees.GetEntityAsync(id)</c>, a bulk
        /// <c>_db.Forums.Where(..).DeleteAsync()</c>), a method of the derived context (<c>_db.SeedAsync()</c>). It runs on
        /// that context, so it counts as an operation on it. Not EF Core's own methods (those that reach the database are
        /// round trips; <c>AddAsync</c> and the like complete synchronously), not a call on a task, not code that does not bind.
        /// </summary>
        public ISymbol? ContextOfOtherAsyncCall(IInvocationOperation invocation)
        {
            var method = invocation.TargetMethod;
            if (!IsTaskType(method.ReturnType) || IsEfCoreAssembly(method.ContainingAssembly)
                || invocation.Instance.IsUnbound() || invocation.HasUnboundArgument() || invocation.IsInsideExpressionTree())
            {
                return null;
            }

            var receiver = invocation.GetReceiverOrThisArgument()?.WalkDownConversions();
            if (receiver is null || IsTaskType(receiver.Type)
                || !(_ef.Symbols.IsDbContext(receiver.Type) || _ef.Symbols.IsDbSet(receiver.Type) || _ef.Symbols.IsQueryable(receiver.Type)))
            {
                return null;
            }

            return ContextSymbol(receiver, 0);
        }

        private static bool IsEfCoreAssembly(IAssemblySymbol? assembly)
            => assembly is not null && assembly.Name.StartsWith("Microsoft.EntityFrameworkCore", System.StringComparison.Ordinal);

        /// <summary>
        /// The contexts a lambda (or method group of this compilation's source, in the same file) uses that it does not own:
        /// declared outside it. Each with the first operation on it (<see cref="ContextOperationsIn"/>).
        /// </summary>
        public List<(ISymbol Context, IOperation First)> OuterContexts(IOperation? callback, CancellationToken cancellationToken)
        {
            var result = new List<(ISymbol, IOperation)>();
            var body = CallbackBody(callback, out var scope);
            if (body is null || scope is null)
            {
                return result;
            }

            foreach (var (operation, context) in ContextOperationsIn(body, cancellationToken))
            {
                if (IsDeclaredInside(context, scope) || result.Exists(r => SymbolEqualityComparer.Default.Equals(r.Item1, context)))
                {
                    continue;
                }

                result.Add((context, operation));
            }

            return result;
        }

        private static IOperation? CallbackBody(IOperation? callback, out SyntaxNode? scope)
        {
            scope = null;
            if (callback.AsLambda() is { } lambda)
            {
                scope = lambda.Syntax;
                return OperationExtensions.IsExpressionTreeLambda(lambda) ? null : lambda.Body;
            }

            var current = callback?.WalkDownConversions();
            if (current is IDelegateCreationOperation creation)
            {
                current = creation.Target.WalkDownConversions();
            }

            // A method group of this class, declared in the same file: its body runs on the other thread.
            if (current is IMethodReferenceOperation { Method: { } method, Instance: null or IInstanceReferenceOperation }
                && callback?.SemanticModel is { } model && method.DeclaringSyntaxReferences.Length == 1)
            {
                var syntax = method.DeclaringSyntaxReferences[0].GetSyntax();
                if (syntax.SyntaxTree == model.SyntaxTree && model.GetOperation(syntax) is { } body)
                {
                    scope = syntax;
                    return body;
                }
            }

            return null;
        }

        // ---- tasks ----

        /// <summary>
        /// What a task expression runs, as units of work on named contexts: a direct EF async call (one unit), Task.Run
        /// or StartNew over a lambda (one unit per context it captures), <c>items.Select(async x => ...)</c> (a unit that
        /// runs once per element, so it is concurrent with itself), a task local (followed to its initializer), an array
        /// of those. <paramref name="sawUnknown"/> is set for anything else.
        /// </summary>
        public void CollectUnits(IOperation? operation, List<TaskUnit> units, ref bool sawUnknown, CancellationToken cancellationToken, int depth = 0)
        {
            operation = operation?.WalkDownConversions();
            if (operation is null || depth > MaxDepth)
            {
                sawUnknown = true;
                return;
            }

            if (Elements(operation) is { } elements)
            {
                foreach (var element in elements)
                {
                    CollectUnits(element, units, ref sawUnknown, cancellationToken, depth + 1);
                }

                return;
            }

            switch (operation)
            {
                case ILocalReferenceOperation local when LocalInitializer(local.Local, operation) is { } initializer:
                    if (initializer.WalkDownConversions() is IObjectCreationOperation && IsTaskList(local.Local.Type))
                    {
                        CollectAddedTasks(local, units, ref sawUnknown, cancellationToken, depth);
                        return;
                    }

                    CollectUnits(initializer, units, ref sawUnknown, cancellationToken, depth + 1);
                    return;

                case IInvocationOperation invocation:
                    if (_ef.TryGetRoundTrip(invocation, out var roundTrip, cancellationToken))
                    {
                        if (roundTrip.IsAsync && ContextOf(roundTrip) is { } context)
                        {
                            units.Add(new TaskUnit(context, roundTrip.Operation, repeats: false));
                            return;
                        }

                        sawUnknown = true;
                        return;
                    }

                    if (ContextOfOtherAsyncCall(invocation) is { } called)
                    {
                        units.Add(new TaskUnit(called, invocation, repeats: false));
                        return;
                    }

                    var method = invocation.TargetMethod;
                    if (IsTaskStart(method))
                    {
                        foreach (var argument in invocation.Arguments)
                        {
                            foreach (var (outer, first) in OuterContexts(argument.Value, cancellationToken))
                            {
                                units.Add(new TaskUnit(outer, first, repeats: false));
                            }
                        }

                        return;
                    }

                    // items.Select(async x => ...), items.Select(...).ToList()/ToArray()
                    if (_ef.Symbols.IsEnumerableMethod(method))
                    {
                        if (method.Name is "ToList" or "ToArray")
                        {
                            CollectUnits(invocation.GetReceiverOrThisArgument(), units, ref sawUnknown, cancellationToken, depth + 1);
                            return;
                        }

                        if (method.Name == "Select" && invocation.Arguments.Length == 2)
                        {
                            foreach (var (outer, first) in OuterContexts(invocation.Arguments[1].Value, cancellationToken))
                            {
                                units.Add(new TaskUnit(outer, first, repeats: true));
                            }

                            return;
                        }
                    }

                    sawUnknown = true;
                    return;

                default:
                    sawUnknown = true;
                    return;
            }
        }

        /// <summary>A <c>List&lt;Task&gt;</c> (or of Task&lt;T&gt;): filled with <c>Add</c>, then awaited together.</summary>
        private bool IsTaskList(ITypeSymbol? type)
            => type is INamedTypeSymbol { Name: "List", TypeArguments.Length: 1 } list
               && SymbolEqualityComparer.Default.Equals(list.OriginalDefinition, _ef.Symbols.ListOfT)
               && IsTaskType(list.TypeArguments[0]);

        /// <summary>
        /// <c>var tasks = new List&lt;Task&gt;(); ... tasks.Add(db.Posts.CountAsync()); ... await Task.WhenAll(tasks);</c>:
        /// the tasks added before the use, in the same body; one added inside a loop runs once per iteration.
        /// </summary>
        private void CollectAddedTasks(ILocalReferenceOperation use, List<TaskUnit> units, ref bool sawUnknown, CancellationToken cancellationToken, int depth)
        {
            var root = use.GetRootOperation();
            foreach (var operation in root.Descendants())
            {
                if (operation is not IInvocationOperation { TargetMethod.Name: "Add", Arguments.Length: 1 } add
                    || add.Instance is not ILocalReferenceOperation target
                    || !SymbolEqualityComparer.Default.Equals(target.Local, use.Local)
                    || add.Syntax.SpanStart > use.Syntax.SpanStart)
                {
                    continue;
                }

                var before = units.Count;
                CollectUnits(add.Arguments[0].Value, units, ref sawUnknown, cancellationToken, depth + 1);
                if (InsideLoop(add, root))
                {
                    for (var i = before; i < units.Count; i++)
                    {
                        units[i] = new TaskUnit(units[i].Context, units[i].Operation, repeats: true);
                    }
                }
            }
        }

        private static bool InsideLoop(IOperation operation, IOperation root)
        {
            for (var current = operation.Parent; current is not null && current != root; current = current.Parent)
            {
                if (current is ILoopOperation)
                {
                    return true;
                }

                if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    return false;
                }
            }

            return false;
        }

        /// <summary>
        /// The elements of <c>new[] { a, b }</c>, of a params array, or of a collection expression / params span
        /// (<c>[a, b]</c>; C# 12-13, an operation kind newer than the Roslyn this package builds against).
        /// </summary>
        public static IEnumerable<IOperation>? Elements(IOperation operation)
        {
            if (operation is IArrayCreationOperation { Initializer: { } initializer })
            {
                return initializer.ElementValues;
            }

            return operation.Kind.ToString() == "CollectionExpression" ? operation.ChildOperations : null;
        }

        /// <summary>
        /// The initializer of <c>var t = ...;</c>: a local declared once, in the tree of <paramref name="user"/>, with an
        /// initializer (a task local, a context alias). Null otherwise.
        /// </summary>
        public static IOperation? LocalInitializer(ILocalSymbol local, IOperation user)
        {
            if (local.DeclaringSyntaxReferences.Length != 1 || user.SemanticModel is not { } model)
            {
                return null;
            }

            var syntax = local.DeclaringSyntaxReferences[0].GetSyntax();
            if (syntax.SyntaxTree != model.SyntaxTree || syntax is not VariableDeclaratorSyntax { Initializer.Value: { } value })
            {
                return null;
            }

            return model.GetOperation(value);
        }

        /// <summary>Two contexts are the same instance (same local, parameter, field or property of this).</summary>
        public static bool SameInstance(ISymbol a, ISymbol b) => SymbolEqualityComparer.Default.Equals(a, b);

        private static bool Same(ITypeSymbol? a, ITypeSymbol? b) => b is not null && SymbolEqualityComparer.Default.Equals(a, b);
    }

    /// <summary>A piece of work that becomes a task: which context it uses, where, and whether it runs once per element.</summary>
    internal readonly struct TaskUnit(ISymbol context, IOperation operation, bool repeats)
    {
        public ISymbol Context { get; } = context;

        public IOperation Operation { get; } = operation;

        /// <summary>Started once per element of a sequence (<c>Select(async x => ...)</c>): concurrent with itself.</summary>
        public bool Repeats { get; } = repeats;
    }
}
