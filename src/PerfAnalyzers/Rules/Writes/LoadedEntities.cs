using System.Globalization;
using System.Text;

namespace PerfAnalyzers.Rules.Writes
{
    /// <summary>
    /// The shape shared by EFP203 and EFP204: entities loaded by an EF query (enumerated directly, or materialized into a
    /// local used only here), changed or removed, then saved by the next statement. Knows which statements a set-based
    /// ExecuteUpdate/ExecuteDelete would replace, and passes that to the fixer as diagnostic properties.
    /// </summary>
    internal sealed class LoadedEntities(QueryChain query, IOperation queryExpression, IOperation? loadStatement, bool loadIsAsync, IOperation? loadToken, bool loadConfigureAwait)
    {
        /// <summary>Diagnostic property: the statement that replaces the first statement of the pattern (absent: no fix).</summary>
        public const string ReplacementProperty = "Replacement";

        /// <summary>Diagnostic property: "start:length" of the statement replaced.</summary>
        public const string ReplaceSpanProperty = "ReplaceSpan";

        /// <summary>Diagnostic property: "start:length;start:length" of the statements removed.</summary>
        public const string RemoveSpansProperty = "RemoveSpans";

        public QueryChain Query { get; } = query;

        /// <summary>The IQueryable expression whose rows are loaded (what ExecuteUpdate/ExecuteDelete is called on).</summary>
        public IOperation QueryExpression { get; } = queryExpression;

        /// <summary>The declaration statement of the list local the query is materialized into, if any.</summary>
        public IOperation? LoadStatement { get; } = loadStatement;

        public bool LoadIsAsync { get; } = loadIsAsync;

        public IOperation? LoadToken { get; } = loadToken;

        public bool LoadConfigureAwait { get; } = loadConfigureAwait;

        public ITypeSymbol Entity => Query.EntityType!;

        /// <summary>
        /// The entities behind <paramref name="collection"/>, consumed by <paramref name="consumer"/> (the loop or the
        /// RemoveRange statement): an EF query, a materialization of one, or a local holding one that nothing else uses.
        /// </summary>
        public static LoadedEntities? Find(EfCompilation ef, IOperation collection, IOperation consumer, CancellationToken cancellationToken)
        {
            var op = collection.WalkDownConversions();
            IOperation? loadStatement = null;
            if (op is ILocalReferenceOperation local)
            {
                var root = consumer.GetRootOperation();
                IVariableDeclaratorOperation? declarator = null;
                var index = BodyIndex.Of(root);
                foreach (var d in index.Writes(local.Local))
                {
                    if (d is IVariableDeclaratorOperation found)
                    {
                        declarator = found; // the last one in walk order, as a walk of the body would find
                    }
                }

                var references = index.References(local.Local).Count;

                // The list exists only to be looped over (or removed) here: nothing else reads it or reassigns it.
                if (declarator?.GetVariableInitializer()?.Value is not { } initializer || references != 1)
                {
                    return null;
                }

                loadStatement = declarator.GetContainingStatement();
                if (loadStatement is not IVariableDeclarationGroupOperation { Declarations: { Length: 1 } declarations }
                    || declarations[0].Declarators.Length != 1
                    || loadStatement.Parent is not IBlockOperation || loadStatement.Parent != consumer.Parent)
                {
                    return null;
                }

                op = initializer.WalkDownConversions();
            }

            op = op.WalkDownAwait(out var isAsync, out var configureAwait);

            IOperation? token = null;
            IOperation queryExpression = op;
            if (op is IInvocationOperation materialize && ef.Queries.IsMaterializingCall(materialize.TargetMethod))
            {
                var name = EfSymbols.SyncName(materialize.TargetMethod.Name);
                if (name is not ("ToList" or "ToArray" or "ToHashSet") || materialize.GetReceiverOrThisArgument() is not { } receiver)
                {
                    return null;
                }

                if (materialize.TargetMethod.Name.EndsWith("Async", System.StringComparison.Ordinal))
                {
                    if (!isAsync)
                    {
                        return null;
                    }

                    token = materialize.Arguments.FirstOrDefault(a => a.Parameter?.Type.Name == "CancellationToken" && !a.IsImplicit)?.Value;
                }

                queryExpression = receiver.WalkDownConversions();
            }
            else if (isAsync || loadStatement is not null && !ef.Symbols.IsQueryable(op.Type))
            {
                return null;
            }

            var query = ef.Queries.Build(queryExpression, cancellationToken);
            if (query.RootKind != QueryRootKind.DbSet && query.RootKind != QueryRootKind.SetMethod
                || query.EntityType is null || query.MaterializedBy is not null
                || query.Operators.Any(o => o.IsClientSide || QueryOperators.EndsTrackedEntities(o.Kind))
                || !SymbolEqualityComparer.Default.Equals(ef.Symbols.GetElementType(queryExpression.Type), query.EntityType))
            {
                return null;
            }

            return new LoadedEntities(query, queryExpression, loadStatement, isAsync, token, configureAwait);
        }

        /// <summary>
        /// The context symbol of the query (<c>db</c> in <c>db.Posts.Where(..)</c>); for a DbSet whose context is not visible
        /// (a <c>DbSet&lt;T&gt;</c> parameter, a repository's DbSet field), the DbSet's own symbol: the removals must go
        /// through that DbSet, and any context's SaveChanges after them is the save (<see cref="FindSave"/>).
        /// </summary>
        public ISymbol? ContextSymbol(EfSymbols symbols)
            => Query.Context is { } context && symbols.IsDbContextOrInterface(context.Type) ? SymbolOf(context)
                : Query.RootKind == QueryRootKind.DbSet && SymbolOf(Query.Root) is { } set && symbols.IsDbSet(TypeOf(set)) ? set
                : SymbolOf(Query.Context);

        /// <summary>The context type the bulk statement would run on: the query's context, or the saved context for a bare DbSet.</summary>
        public ITypeSymbol? ContextType(EfSymbols symbols, SaveStatement save)
            => Query.Context is { } context && symbols.IsDbContextOrInterface(context.Type) ? context.Type : save.Save.Instance?.Type ?? Query.Context?.Type;

        /// <summary>The declared type of a local, parameter, field or property.</summary>
        public static ITypeSymbol? TypeOf(ISymbol? symbol) => symbol switch
        {
            ILocalSymbol local => local.Type,
            IParameterSymbol parameter => parameter.Type,
            IFieldSymbol field => field.Type,
            IPropertySymbol property => property.Type,
            _ => null,
        };

        public static ISymbol? SymbolOf(IOperation? operation) => operation?.WalkDownConversions() switch
        {
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            IFieldReferenceOperation field => field.Field,
            IPropertyReferenceOperation property => property.Property,
            IInstanceReferenceOperation instance => instance.Type,
            _ => null,
        };

        /// <summary>Why the query itself cannot be turned into one bulk statement, or null.</summary>
        public string? QueryBlocker()
        {
            var op = Query.Operators.FirstOrDefault(o => !QueryOperators.IsReproducibleInBulk(o.Kind));
            return op.Invocation is null ? null : $"the query uses '{op.Name}'";
        }

        /// <summary>The SaveChanges statement right after <paramref name="consumer"/> on the same context, if any.</summary>
        public static SaveStatement? FindSave(EfSymbols symbols, IOperation consumer, ISymbol? contextSymbol)
        {
            if (contextSymbol is null || consumer.Parent is not IBlockOperation block)
            {
                return null;
            }

            var index = block.Operations.IndexOf(consumer);
            if (index < 0 || index + 1 >= block.Operations.Length)
            {
                return null;
            }

            var next = block.Operations[index + 1];
            var save = next.DescendantsAndSelf().OfType<IInvocationOperation>().FirstOrDefault(i => symbols.IsSaveChanges(i.TargetMethod));
            if (save is null
                || !SymbolEqualityComparer.Default.Equals(SymbolOf(save.Instance), contextSymbol)
                && !(symbols.IsDbSet(TypeOf(contextSymbol)) && symbols.IsDbContextOrInterface(save.Instance?.Type)))
            {
                return null;
            }

            // Only a plain 'db.SaveChanges();' / 'await db.SaveChangesAsync(ct)[.ConfigureAwait(false)];' can be rewritten:
            // a used result (the count of saved entities) would change meaning.
            IOperation current = save;
            var configureAwait = false;
            if (current.Parent is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configure && configure.Instance == current)
            {
                current = configure;
                configureAwait = true;
            }

            if (current.Parent is IAwaitOperation awaitOperation)
            {
                current = awaitOperation;
            }

            var plain = current.Parent == next && next is IExpressionStatementOperation;
            var token = save.Arguments.FirstOrDefault(a => a.Parameter?.Type.Name == "CancellationToken" && !a.IsImplicit)?.Value;
            return new SaveStatement(next, save, plain, token, configureAwait);
        }

        /// <summary>
        /// The save can go away with the load: the context is a local of this method used only by this query and this
        /// save, so nothing else can be pending in its change tracker. Otherwise the fix keeps the save (a SaveChanges
        /// with no changes sends nothing to the database).
        /// </summary>
        public bool CanRemoveSave(ISymbol? contextSymbol, IOperation consumer, SaveStatement save)
        {
            if (contextSymbol is not ILocalSymbol local)
            {
                return false;
            }

            // References in what the fix removes or replaces are fine (the load, the loop with its Remove calls, the save).
            var allowed = new List<IOperation> { QueryExpression, consumer, save.Statement };
            if (LoadStatement is not null)
            {
                allowed.Add(LoadStatement);
            }

            foreach (var reference in BodyIndex.Of(consumer).References(local))
            {
                if (!allowed.Any(a => reference.IsDescendantOf(a)))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Builds the fixer's properties: replace the first statement of the pattern with <paramref name="statement"/>, remove the rest.</summary>
        public ImmutableDictionary<string, string?> FixProperties(IOperation consumer, SaveStatement save, bool removeSave, string statement)
        {
            var remove = new List<IOperation>();
            if (LoadStatement is not null)
            {
                remove.Add(consumer);
            }

            if (removeSave)
            {
                remove.Add(save.Statement);
            }

            return ReplaceAndRemove(LoadStatement ?? consumer, remove, statement);
        }

        /// <summary>The fixer's properties (EFP203, EFP204, EFP206): replace <paramref name="replaced"/> with <paramref name="statement"/>, remove <paramref name="removed"/>.</summary>
        public static ImmutableDictionary<string, string?> ReplaceAndRemove(IOperation replaced, IEnumerable<IOperation> removed, string statement)
            => ImmutableDictionary<string, string?>.Empty
                .Add(ReplacementProperty, statement)
                .Add(ReplaceSpanProperty, SpanProperty.Format(replaced))
                .Add(RemoveSpansProperty, string.Join(";", removed.Select(SpanProperty.Format)));

        /// <summary>
        /// <c>[await ]query.ExecuteX[Async](args[, ct])[.ConfigureAwait(false)];</c> — async when the load or the save was,
        /// with the save's (else the load's) cancellation token.
        /// </summary>
        public string BuildStatement(string method, string? arguments, SaveStatement save)
            => BulkStatement(QueryExpression.Syntax.ToString(), method, arguments, LoadIsAsync || save.IsAsync, save.Token ?? LoadToken, save.ConfigureAwait || LoadConfigureAwait);

        /// <summary><c>[await ]query.ExecuteX[Async](args[, ct])[.ConfigureAwait(false)];</c>, the statement that replaces a load, a change and a save.</summary>
        public static string BulkStatement(string query, string method, string? arguments, bool isAsync, IOperation? token, bool configureAwait)
        {
            var text = new StringBuilder();
            if (isAsync)
            {
                text.Append("await ");
            }

            text.Append(query).Append('.').Append(method).Append(isAsync ? "Async(" : "(");
            var args = new List<string>();
            if (arguments is not null)
            {
                args.Add(arguments);
            }

            if (isAsync && token is not null)
            {
                args.Add(token.Syntax.ToString());
            }

            text.Append(string.Join(", ", args)).Append(')');
            if (isAsync && configureAwait)
            {
                text.Append(".ConfigureAwait(false)");
            }

            return text.Append(';').ToString();
        }

        /// <summary>Whether <paramref name="second"/> is the statement right after <paramref name="first"/> in the same block.</summary>
        public static bool IsNextStatement(IOperation first, IOperation second)
            => first.Parent is IBlockOperation block && second.Parent == block && block.Operations.IndexOf(first) + 1 == block.Operations.IndexOf(second);

        /// <summary>The message suffix naming why there is no fix.</summary>
        public static string NoFixSuffix(string? blocker) => blocker is null ? "" : " (no automatic fix: " + blocker + ")";

        /// <summary>Whether the syntax of the whole pattern can be rewritten statement by statement.</summary>
        public static bool IsStatementInBlock(IOperation operation)
            => operation.Parent is IBlockOperation && operation.Syntax is StatementSyntax && operation.Syntax.Parent is BlockSyntax;
    }

    internal sealed class SaveStatement(IOperation statement, IInvocationOperation save, bool isPlain, IOperation? token, bool configureAwait)
    {
        public IOperation Statement { get; } = statement;

        public IInvocationOperation Save { get; } = save;

        /// <summary>An expression statement whose result is discarded.</summary>
        public bool IsPlain { get; } = isPlain;

        public IOperation? Token { get; } = token;

        public bool ConfigureAwait { get; } = configureAwait;

        public bool IsAsync => Save.TargetMethod.Name == "SaveChangesAsync";
    }
}
