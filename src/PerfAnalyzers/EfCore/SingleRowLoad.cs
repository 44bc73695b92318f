namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// "Is this value one entity a tracking EF query just loaded, and by which filter?" <c>await db.Counters.FirstAsync(c
    /// =&gt; c.Id == id, ct)</c>, <c>db.Counters.Where(..).SingleOrDefault()</c>, <c>db.Counters.Find(id)</c>. Knows the
    /// query a set-based statement (<c>ExecuteUpdate</c>) would run on to reach the same row (<see cref="FilterText"/>), or why
    /// it cannot be copied (<see cref="FilterBlocker"/>): an ordering, a Take, an Include... or a filter that may match more
    /// rows than the one <c>First</c> picks.
    /// </summary>
    internal sealed class SingleRowLoad(QueryChain query, IInvocationOperation terminal, ITypeSymbol entity, bool isAsync, bool configureAwait, IOperation? token, string? filterText, string? filterBlocker)
    {
        /// <summary>The query up to (not including) the terminal; its root and context.</summary>
        public QueryChain Query { get; } = query;

        /// <summary>First/FirstOrDefault/Single/SingleOrDefault(Async) or Find(Async).</summary>
        public IInvocationOperation Terminal { get; } = terminal;

        public ITypeSymbol Entity { get; } = entity;

        /// <summary>The load is awaited.</summary>
        public bool IsAsync { get; } = isAsync;

        public bool ConfigureAwait { get; } = configureAwait;

        /// <summary>The load's explicit cancellation token, if any.</summary>
        public IOperation? Token { get; } = token;

        /// <summary>The query that selects the same row, as code (<c>db.Counters.Where(c =&gt; c.Id == id)</c>), or null.</summary>
        public string? FilterText { get; } = filterText;

        /// <summary>Why the filter cannot be copied into a set-based statement, or null.</summary>
        public string? FilterBlocker { get; } = filterBlocker;

        /// <summary>
        /// The single-row load <paramref name="value"/> is (the initializer of a local), or null when it is not one, or not of
        /// a tracked entity (<c>AsNoTracking</c>, a projection, a no-tracking context without <c>AsTracking</c>).
        /// <paramref name="parameterName"/> names the lambda parameter of the filter written for <c>Find(id)</c>.
        /// </summary>
        public static SingleRowLoad? Find(EfCompilation ef, IOperation value, string parameterName, CancellationToken cancellationToken)
        {
            var op = value.WalkDownAwait(out var isAsync, out var configureAwait);

            if (op is not IInvocationOperation terminal || terminal.HasUnboundArgument())
            {
                return null;
            }

            var method = terminal.TargetMethod;
            if (method.Name.EndsWith("Async", System.StringComparison.Ordinal) != isAsync)
            {
                return null;
            }

            var token = terminal.Arguments.FirstOrDefault(a => a.Parameter?.Type.Name == "CancellationToken" && !a.IsImplicit)?.Value;
            if (ef.Symbols.IsFindMethod(method))
            {
                return FromFind(ef, terminal, isAsync, configureAwait, token, parameterName, cancellationToken);
            }

            if (!KeyLookup.IsSingleRowTerminal(method) || !ef.Queries.IsMaterializingCall(method)
                || terminal.GetReceiverOrThisArgument() is not { } receiver)
            {
                return null;
            }

            var query = ef.Queries.Build(receiver.WalkDownConversions(), cancellationToken);
            if (query.RootKind is not (QueryRootKind.DbSet or QueryRootKind.SetMethod) || query.EntityType is not { } entity
                || query.MaterializedBy is not null
                || query.Operators.Any(o => o.IsClientSide || QueryOperators.EndsTrackedEntities(o.Kind))
                || !SymbolEqualityComparer.Default.Equals(ef.Symbols.GetElementType(receiver.WalkDownConversions().Type), entity)
                || !IsTracking(ef, query, cancellationToken))
            {
                return null;
            }

            var predicate = terminal.Arguments.Select(a => a.Value.AsLambda()).FirstOrDefault(l => l is not null);
            string? blocker = null;
            var other = query.Operators.FirstOrDefault(o => !QueryOperators.IsReproducibleInBulk(o.Kind));
            if (other.Invocation is not null)
            {
                blocker = $"the query uses '{other.Name}'";
            }
            else if (predicate is null && !query.Has("Where"))
            {
                blocker = "the query has no filter, and ExecuteUpdate would change every row of the table";
            }
            else if (EfSymbols.SyncName(method.Name) is "First" or "FirstOrDefault"
                     && !KeyLookup.IsSingleRowByKey(terminal, query.Operators.Select(o => o.Invocation), entity, ef.GetModel(cancellationToken)))
            {
                // First picks one of the rows the filter matches; ExecuteUpdate would change all of them.
                blocker = $"'{method.Name}' does not find the row by its key, and ExecuteUpdate would change every row the filter matches";
            }

            var text = receiver.Syntax.ToString();
            if (predicate is not null)
            {
                text += ".Where(" + predicate.Syntax + ")";
            }

            return new SingleRowLoad(query, terminal, entity, isAsync, configureAwait, token, blocker is null ? text : null, blocker);
        }

        private static SingleRowLoad? FromFind(EfCompilation ef, IInvocationOperation terminal, bool isAsync, bool configureAwait, IOperation? token, string parameterName, CancellationToken cancellationToken)
        {
            // DbSet<T>.Find(keys) only: DbContext.Find<T>(keys) has no query to copy.
            if (terminal.Instance is not { } set || !ef.Symbols.IsDbSet(set.Type))
            {
                return null;
            }

            var query = ef.Queries.Build(set.WalkDownConversions(), cancellationToken);
            if (query.RootKind is not (QueryRootKind.DbSet or QueryRootKind.SetMethod) || query.EntityType is not { } entity
                || !query.Operators.IsEmpty)
            {
                return null;
            }

            // Find always tracks what it returns.
            var keyValues = terminal.Arguments.FirstOrDefault(a => a.Parameter?.Type is IArrayTypeSymbol);
            var key = ef.GetModel(cancellationToken).FindSingleKey(entity);
            string? text = null;
            string? blocker;
            if (key is null)
            {
                blocker = $"'{entity.Name}' has no single key property the filter could compare";
            }
            else if (keyValues is not { ArgumentKind: ArgumentKind.ParamArray, Value: IArrayCreationOperation { Initializer.ElementValues: { Length: 1 } values } })
            {
                blocker = "the key values are passed as an array";
            }
            else
            {
                blocker = null;
                text = $"{set.Syntax}.Where({parameterName} => {parameterName}.{key.Name} == {values[0].WalkDownConversions().Syntax})";
            }

            return new SingleRowLoad(query, terminal, entity, isAsync, configureAwait, token, text, blocker);
        }

        private static bool IsTracking(EfCompilation ef, QueryChain query, CancellationToken cancellationToken)
            => query.Has("AsTracking") || !ef.GetModel(cancellationToken).UsesNoTrackingByDefault(query.Context?.Type);
    }
}
