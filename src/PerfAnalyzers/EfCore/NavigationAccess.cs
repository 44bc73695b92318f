namespace PerfAnalyzers.EfCore
{
    /// <summary>A navigation property of an entity type.</summary>
    internal readonly struct Navigation(IPropertySymbol property, ITypeSymbol targetType, bool isCollection)
    {
        public IPropertySymbol Property { get; } = property;

        /// <summary>The related entity type (the element type for a collection).</summary>
        public ITypeSymbol TargetType { get; } = targetType;

        public bool IsCollection { get; } = isCollection;

        public string Name => Property.Name;
    }

    /// <summary>How an entity value was produced.</summary>
    internal enum EntityOriginKind
    {
        /// <summary>One element of a sequence being iterated (foreach variable, per-element lambda parameter).</summary>
        Iteration,

        /// <summary>One row (First/Single/Last/ElementAt... on a query).</summary>
        Single,

        /// <summary>DbSet.Find(Async): may come from the change tracker, no Include possible.</summary>
        Find,
    }

    /// <summary>Where an entity value came from: the query that materialized it and the navigations followed from there.</summary>
    internal sealed class EntityOrigin(EntityOriginKind kind, QueryChain query, ImmutableArray<Navigation> path, IOperation producer)
    {
        public EntityOriginKind Kind { get; } = kind;

        /// <summary>The EF query whose results hold the entity (known root, entity-typed results).</summary>
        public QueryChain Query { get; } = query;

        /// <summary>Navigations followed from the query's entities to this value (empty for the query's own entities).</summary>
        public ImmutableArray<Navigation> Path { get; } = path;

        /// <summary>The operation that executes the query (materializing call, foreach, Find).</summary>
        public IOperation Producer { get; } = producer;

        public EntityOrigin Append(Navigation navigation, EntityOriginKind kind)
            => new EntityOrigin(kind, Query, Path.Add(navigation), Producer);
    }

    /// <summary>
    /// Navigation reads: which properties are navigations, where the entity whose navigation is read came from, and
    /// which navigation paths a query loads (Include/ThenInclude by lambda or string path).
    /// </summary>
    internal sealed class NavigationAccess
    {
        private const int MaxDepth = 8;

        private readonly EfCompilation _ef;
        private readonly EfModel _model;

        public NavigationAccess(EfCompilation ef, EfModel model)
        {
            _ef = ef;
            _model = model;
        }

        public EfModel Model => _model;

        /// <summary>Is this property a navigation: declared on an entity type, typed as an entity or a collection of one?</summary>
        public bool TryGetNavigation(IPropertySymbol property, out Navigation navigation)
        {
            navigation = default;
            if (property.IsStatic || property.IsIndexer || !_model.IsEntityType(property.ContainingType))
            {
                return false;
            }

            var type = property.Type;
            if (type.SpecialType == SpecialType.System_String)
            {
                return false;
            }

            if (_model.IsEntityType(type))
            {
                navigation = new Navigation(property, type, isCollection: false);
                return true;
            }

            if (type.TypeKind != TypeKind.Array && _ef.Symbols.IsSequenceType(type) && _ef.Symbols.GetElementType(type) is { } element
                && _model.IsEntityType(element))
            {
                navigation = new Navigation(property, element, isCollection: true);
                return true;
            }

            return false;
        }

        /// <summary>
        /// Whether <see cref="TraceEntity"/> can find an origin for any value of the operation trees holding
        /// <paramref name="blocks"/>: every origin is a query-typed operation of the value's own tree (a query, a
        /// <c>DbSet</c> whose <c>Find</c> is called, an async stream of one), so a tree with none (a Blazor component, a
        /// mapper, a view model) has nothing to trace, and the rules reading navigations skip its reads without asking
        /// the model (issue 14: the model scan and a key search per read, in compilations that never query).
        /// Asks the symbols only, never the model.
        /// </summary>
        public static bool MayTraceEntityIn(EfSymbols symbols, IEnumerable<IOperation> blocks)
        {
            foreach (var block in blocks)
            {
                var root = block.GetRootOperation();
                if (QueryTrees.GetValue(root, r => HoldsQueryTyped(symbols, r) ? Yes : No) == Yes)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The answer per operation tree, shared by the rules that ask (EFP102/EFP103 and EFP107 ask for every body with reads).</summary>
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IOperation, object> QueryTrees = new System.Runtime.CompilerServices.ConditionalWeakTable<IOperation, object>();

        private static readonly object Yes = new object();

        private static readonly object No = new object();

        private static bool HoldsQueryTyped(EfSymbols symbols, IOperation root)
        {
            ITypeSymbol? lastOther = null;
            foreach (var op in root.DescendantsAndSelf())
            {
                var type = op.Type;
                if (type is null || type.SpecialType != SpecialType.None || ReferenceEquals(type, lastOther))
                {
                    continue;
                }

                if (symbols.IsQuerySequenceType(type))
                {
                    return true;
                }

                lastOther = type;
            }

            return false;
        }

        /// <summary>Where the entity value <paramref name="value"/> came from, when that is a visible EF query.</summary>
        public EntityOrigin? TraceEntity(IOperation? value, CancellationToken cancellationToken)
            => TraceEntity(value, 0, cancellationToken);

        private EntityOrigin? TraceEntity(IOperation? value, int depth, CancellationToken cancellationToken)
        {
            if (value is null || depth > MaxDepth)
            {
                return null;
            }

            var op = Unwrap(value);
            switch (op)
            {
                case ILocalReferenceOperation local:
                    if (FindForEach(local) is { } forEach)
                    {
                        var sequence = TraceSequence(forEach.Collection, depth + 1, cancellationToken);
                        return sequence is null ? null : new EntityOrigin(EntityOriginKind.Iteration, sequence.Query, sequence.Path, sequence.Producer);
                    }

                    return SingleAssignment(local) is { } assigned ? TraceEntity(assigned, depth + 1, cancellationToken) : null;

                case IParameterReferenceOperation parameter:
                    if (FindPerElementSource(parameter) is { } source)
                    {
                        var sequence = TraceSequence(source, depth + 1, cancellationToken);
                        return sequence is null ? null : new EntityOrigin(EntityOriginKind.Iteration, sequence.Query, sequence.Path, sequence.Producer);
                    }

                    return null;

                case IInvocationOperation invocation:
                    var method = invocation.TargetMethod;
                    if (_ef.Symbols.IsFindMethod(method) && invocation.Instance is { } set && _ef.Symbols.IsDbSet(set.Type))
                    {
                        var chain = _ef.Queries.Build(set, cancellationToken);
                        return chain.HasKnownRoot ? new EntityOrigin(EntityOriginKind.Find, chain, ImmutableArray<Navigation>.Empty, invocation) : null;
                    }

                    if (_ef.Symbols.Operators.Is(method, OperatorMeaning.SingleRow) && invocation.GetReceiverOrThisArgument() is { } receiver)
                    {
                        if (IsQuerySequence(receiver))
                        {
                            var chain = _ef.Queries.Build(receiver, cancellationToken);
                            return IsEntityQuery(chain) ? new EntityOrigin(EntityOriginKind.Single, chain, ImmutableArray<Navigation>.Empty, invocation) : null;
                        }

                        // First() of a materialized list: an element of that list.
                        var sequence = TraceSequence(receiver, depth + 1, cancellationToken);
                        return sequence is null ? null : new EntityOrigin(EntityOriginKind.Single, sequence.Query, sequence.Path, sequence.Producer);
                    }

                    return null;

                case IPropertyReferenceOperation property when property.Instance is { } instance && TryGetNavigation(property.Property, out var navigation) && !navigation.IsCollection:
                    var owner = TraceEntity(instance, depth + 1, cancellationToken);
                    return owner?.Append(navigation, owner.Kind);

                default:
                    return null;
            }
        }

        /// <summary>The query (and navigation path) behind a sequence of entities: a query, a list materialized from one, a collection navigation.</summary>
        private EntityOrigin? TraceSequence(IOperation? value, int depth, CancellationToken cancellationToken)
        {
            if (value is null || depth > MaxDepth)
            {
                return null;
            }

            var op = Unwrap(value);
            if (IsQuerySequence(op))
            {
                var chain = _ef.Queries.Build(op, cancellationToken);
                return IsEntityQuery(chain) ? new EntityOrigin(EntityOriginKind.Iteration, chain, ImmutableArray<Navigation>.Empty, op) : null;
            }

            switch (op)
            {
                case ILocalReferenceOperation local:
                    if (FindForEach(local) is not null)
                    {
                        return null;
                    }

                    return SingleAssignment(local) is { } assigned ? TraceSequence(assigned, depth + 1, cancellationToken) : null;

                case IInvocationOperation invocation:
                    var method = invocation.TargetMethod;
                    var receiver = invocation.GetReceiverOrThisArgument();
                    if (receiver is null)
                    {
                        return null;
                    }

                    if (_ef.Symbols.Operators.Is(method, OperatorMeaning.ToCollection | OperatorMeaning.Streaming) && IsQuerySequence(receiver))
                    {
                        var chain = _ef.Queries.Build(receiver, cancellationToken);
                        return IsEntityQuery(chain) ? new EntityOrigin(EntityOriginKind.Iteration, chain, ImmutableArray<Navigation>.Empty, invocation) : null;
                    }

                    // LINQ to Objects operators whose results are elements of their source, and List<T>'s copies of itself.
                    if ((_ef.Symbols.IsEnumerableMethod(method) && _ef.Symbols.Operators.Is(method, OperatorMeaning.ElementPreserving | OperatorMeaning.Streaming | OperatorMeaning.ToCollection))
                        || (method.ContainingType?.Name == "List" && method.Name is "ToArray" or "AsReadOnly"))
                    {
                        return TraceSequence(receiver, depth + 1, cancellationToken);
                    }

                    return null;

                case IPropertyReferenceOperation property when property.Instance is { } instance && TryGetNavigation(property.Property, out var navigation) && navigation.IsCollection:
                    var owner = TraceEntity(instance, depth + 1, cancellationToken);
                    return owner?.Append(navigation, EntityOriginKind.Iteration);

                default:
                    return null;
            }
        }

        private bool IsQuerySequence(IOperation operation)
        {
            var type = operation.WalkDownConversions().Type;
            return _ef.Symbols.IsQueryable(type) || _ef.Symbols.IsDbSet(type) || (_ef.Symbols.IsAsyncEnumerable(type) && !_ef.Symbols.IsSequenceType(type));
        }

        /// <summary>A query with a visible root whose results are still its root entities.</summary>
        private static bool IsEntityQuery(QueryChain chain)
            => chain.HasKnownRoot && chain.EntityType is not null && !chain.Operators.Any(o => o.Kind is
                OperatorKind.Select or OperatorKind.SelectMany or OperatorKind.GroupBy or OperatorKind.Join or OperatorKind.GroupJoin or OperatorKind.Zip
                or OperatorKind.Cast or OperatorKind.Concat or OperatorKind.Union or OperatorKind.LeftJoin or OperatorKind.RightJoin);

        private static IOperation Unwrap(IOperation value)
        {
            var op = value.WalkDownConversions();
            while (true)
            {
                switch (op)
                {
                    case IAwaitOperation awaitOperation:
                        op = awaitOperation.Operation.WalkDownConversions();
                        continue;
                    case IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } instance }:
                        op = instance.WalkDownConversions();
                        continue;
                    case IInvocationOperation { TargetMethod.Name: "GetAwaiter" or "GetResult", Instance: { } awaited }:
                        op = awaited.WalkDownConversions();
                        continue;
                    case IPropertyReferenceOperation { Property.Name: "Result", Instance: { } task } when task.Type?.Name is "Task" or "ValueTask":
                        op = task.WalkDownConversions();
                        continue;
                    default:
                        return op;
                }
            }
        }

        private static IForEachLoopOperation? FindForEach(ILocalReferenceOperation reference)
        {
            for (var current = reference.Parent; current is not null; current = current.Parent)
            {
                if (current is IForEachLoopOperation forEach && forEach.Locals.Contains(reference.Local, SymbolEqualityComparer.Default)
                    && forEach.LoopControlVariable is IVariableDeclaratorOperation declarator
                    && SymbolEqualityComparer.Default.Equals(declarator.Symbol, reference.Local))
                {
                    return forEach;
                }
            }

            return null;
        }

        /// <summary>The only value ever assigned to a local (its initializer), or null when it is assigned more than once.</summary>
        internal static IOperation? SingleAssignment(ILocalReferenceOperation reference)
        {
            IOperation? value = null;
            var count = 0;
            // The body's writes of the local, and the out/ref arguments and declaration expressions around its references
            // (BodyIndex: one walk per body, not one per question).
            var index = BodyIndex.Of(reference);
            var candidates = index.Writes(reference.Local).Concat(index.References(reference.Local)
                .Where(r => r.Parent is IArgumentOperation or IDeclarationExpressionOperation).Select(r => r.Parent!));
            foreach (var op in candidates)
            {
                switch (op)
                {
                    case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, reference.Local):
                        if (declarator.GetVariableInitializer() is { } initializer)
                        {
                            value = initializer.Value;
                            count++;
                        }

                        break;
                    case IAssignmentOperation assignment when assignment.Target is ILocalReferenceOperation target
                                                             && SymbolEqualityComparer.Default.Equals(target.Local, reference.Local):
                        value = (assignment as ISimpleAssignmentOperation)?.Value;
                        count += 2;
                        break;
                    case IArgumentOperation { Parameter.RefKind: RefKind.Out or RefKind.Ref } argument
                        when argument.Value is ILocalReferenceOperation passed && SymbolEqualityComparer.Default.Equals(passed.Local, reference.Local):
                        count += 2;
                        break;
                    case IDeclarationExpressionOperation declaration when declaration.Expression is ILocalReferenceOperation declared
                                                                          && SymbolEqualityComparer.Default.Equals(declared.Local, reference.Local):
                        count += 2;
                        break;
                }
            }

            return count == 1 ? value : null;
        }

        /// <summary>The sequence a per-element lambda (Select/ForEach/Parallel.ForEach over a list) iterates, when the parameter is its element.</summary>
        private IOperation? FindPerElementSource(IParameterReferenceOperation reference)
        {
            for (var current = reference.Parent; current is not null; current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation lambda && lambda.Symbol.Parameters.Contains(reference.Parameter, SymbolEqualityComparer.Default))
                {
                    if (OperationExtensions.IsExpressionTreeLambda(lambda) || lambda.Symbol.Parameters.IndexOf(reference.Parameter) != 0)
                    {
                        return null;
                    }

                    var invocation = _ef.Loops.GetPerElementInvocation(lambda);
                    if (invocation is null)
                    {
                        return null;
                    }

                    if (invocation.TargetMethod.ContainingType?.Name == "Parallel")
                    {
                        return invocation.GetArgumentValue(0);
                    }

                    return invocation.GetReceiverOrThisArgument();
                }
            }

            return null;
        }

        // ---- Include paths ----

        /// <summary>
        /// The navigation paths a query loads with Include/ThenInclude (navigation names, root first). Returns false when
        /// an Include cannot be read (a non-constant string path): the caller must assume everything may be loaded.
        /// </summary>
        public static bool TryGetIncludePaths(QueryChain chain, out ImmutableArray<IncludePath> paths)
        {
            var builder = ImmutableArray.CreateBuilder<IncludePath>();
            IncludePath? last = null;
            foreach (var op in chain.Operators)
            {
                if (op.Name != "Include" && op.Name != "ThenInclude")
                {
                    continue;
                }

                var argument = op.Invocation.GetArgumentValue(1);
                if (argument is null)
                {
                    paths = default;
                    return false;
                }

                if (argument.ConstantValue is { HasValue: true, Value: string text })
                {
                    var names = text.Split('.').Select(n => n.Trim()).ToImmutableArray();
                    if (names.Any(n => n.Length == 0))
                    {
                        paths = default;
                        return false;
                    }

                    last = new IncludePath(op.Name == "ThenInclude" && last is not null ? last.Names.AddRange(names) : names, op.Invocation, op.Name == "ThenInclude" ? last?.Root ?? op.Invocation : op.Invocation);
                    builder.Add(last);
                    continue;
                }

                var names2 = LambdaPath(argument.AsLambda());
                if (names2 is null)
                {
                    paths = default;
                    return false;
                }

                if (op.Name == "ThenInclude")
                {
                    if (last is null)
                    {
                        paths = default;
                        return false;
                    }

                    last = new IncludePath(last.Names.AddRange(names2.Value), op.Invocation, last.Root);
                }
                else
                {
                    last = new IncludePath(names2.Value, op.Invocation, op.Invocation);
                }

                builder.Add(last);
            }

            paths = builder.ToImmutable();
            return true;
        }

        /// <summary>
        /// The navigation an entity entry's <c>Reference</c>/<c>Collection</c>/<c>Navigation</c> call names (<c>entry.Collection("Posts")</c>,
        /// <c>entry.Reference(p =&gt; p.Blog)</c>): its path (one name for a string or a one-member lambda), or null when the call is
        /// not such a member of EF's <c>EntityEntry</c> or names nothing readable.
        /// </summary>
        internal static ImmutableArray<string>? EntryNavigationPath(EfSymbols symbols, IInvocationOperation call)
        {
            if (call.TargetMethod.Name is not ("Reference" or "Collection" or "Navigation") || symbols.EntityEntry is not { } entryType
                || !EfSymbols.InheritsFrom(call.TargetMethod.ContainingType, entryType) || call.Arguments.Length != 1)
            {
                return null;
            }

            var argument = call.Arguments[0].Value.WalkDownConversions();
            if (argument.ConstantValue is { HasValue: true, Value: string name })
            {
                return name.Length > 0 ? ImmutableArray.Create(name) : null;
            }

            return LambdaPath(argument.AsLambda());
        }

        /// <summary><c>b => b.Posts</c>, <c>b => b.Author.Posts</c>, <c>b => b.Posts.Where(..).OrderBy(..)</c>, <c>b => ((Derived)b).Nav</c>.</summary>
        internal static ImmutableArray<string>? LambdaPath(IAnonymousFunctionOperation? lambda)
        {
            if (lambda is null)
            {
                return null;
            }

            var body = lambda.Body.Operations.Length == 1 && lambda.Body.Operations[0] is IReturnOperation { ReturnedValue: { } returned } ? returned : null;
            if (body is null)
            {
                return null;
            }

            var names = new List<string>();
            var current = body.WalkDownConversions();
            while (true)
            {
                switch (current)
                {
                    case IPropertyReferenceOperation property when property.Instance is not null:
                        names.Insert(0, property.Property.Name);
                        current = property.Instance.WalkDownConversions();
                        continue;
                    case IFieldReferenceOperation field when field.Instance is not null:
                        names.Insert(0, field.Field.Name);
                        current = field.Instance.WalkDownConversions();
                        continue;
                    case IInvocationOperation invocation when invocation.TargetMethod.IsExtensionMethod && invocation.GetReceiverOrThisArgument() is { } source:
                        // Filtered include: b.Posts.Where(..).OrderBy(..).Take(..)
                        current = source.WalkDownConversions();
                        continue;
                    case IParameterReferenceOperation parameter when lambda.Symbol.Parameters.Contains(parameter.Parameter, SymbolEqualityComparer.Default):
                        return names.Count > 0 ? names.ToImmutableArray() : null;
                    default:
                        return null;
                }
            }
        }

        /// <summary>Is <paramref name="names"/> (root first) loaded by one of the include paths?</summary>
        public static bool Covers(ImmutableArray<IncludePath> paths, IReadOnlyList<string> names)
        {
            foreach (var path in paths)
            {
                if (path.Names.Length < names.Count)
                {
                    continue;
                }

                var match = true;
                for (var i = 0; i < names.Count; i++)
                {
                    if (path.Names[i] != names[i])
                    {
                        match = false;
                        break;
                    }
                }

                if (match)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>One loaded navigation path: the names from the root entity, the call that added the last segment, and its Include.</summary>
    internal sealed class IncludePath(ImmutableArray<string> names, IInvocationOperation invocation, IInvocationOperation root)
    {
        public ImmutableArray<string> Names { get; } = names;

        public IInvocationOperation Invocation { get; } = invocation;

        /// <summary>The Include call this path starts with (ThenIncludes extend it).</summary>
        public IInvocationOperation Root { get; } = root;

        public override string ToString() => string.Join(".", Names);
    }
}
