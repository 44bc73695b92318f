namespace PerfAnalyzers.Rules.Writes
{
    /// <summary>
    /// EFP204: entities loaded by an EF query only to be deleted, then saved by the next statement:
    /// <c>foreach (var p in query) db.Posts.Remove(p);</c>, <c>db.Posts.RemoveRange(query)</c>,
    /// <c>db.RemoveRange(query.ToList())</c> or <c>RemoveRange(list)</c> of a list loaded only for this. The fix is one
    /// ExecuteDelete(Async) on the query, offered only when WriteSafety finds nothing it would bypass (including soft
    /// delete conventions).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class DeleteLoopAnalyzer() : EfAnalyzer(Descriptors.EFP204_DeleteLoop)
    {
        private protected override void OnCompilationStart(CompilationStartAnalysisContext start, EfCompilation ef)
        {
            var safety = ef.Writes;
            start.RegisterOperationAction(c => Analyze(c, ef, safety), OperationKind.Invocation);
        }

        private static void Analyze(OperationAnalysisContext context, EfCompilation ef, WriteSafety safety)
        {
            var invocation = (IInvocationOperation)context.Operation;
            if (TrackerCall.Of(ef.Symbols, invocation) is not { Kind: TrackerKind.Remove } removal)
            {
                return;
            }

            var method = invocation.TargetMethod;
            var isRemove = !removal.IsRange;

            if (invocation.Parent is not IExpressionStatementOperation statement || invocation.Arguments.Length != 1 || invocation.IsInsideExpressionTree())
            {
                return;
            }

            var argument = invocation.Arguments[0].Value.WalkDownConversions();
            if (invocation.Arguments[0].ArgumentKind == ArgumentKind.ParamArray && argument is IArrayCreationOperation { Initializer.ElementValues: { Length: 1 } elements })
            {
                // RemoveRange(params object[]) with one argument: db.RemoveRange(list) binds to IEnumerable<object>, but be lenient.
                argument = elements[0].WalkDownConversions();
            }

            IOperation consumer;
            IOperation collection;
            if (isRemove)
            {
                // foreach (var p in query) { db.Posts.Remove(p); }
                var loop = statement.Parent as IForEachLoopOperation
                           ?? (statement.Parent is IBlockOperation { Operations.Length: 1 } body ? body.Parent as IForEachLoopOperation : null);
                if (loop is null
                    || loop.LoopControlVariable is not IVariableDeclaratorOperation { Symbol: { } variable }
                    || argument is not ILocalReferenceOperation removed || !SymbolEqualityComparer.Default.Equals(removed.Local, variable))
                {
                    return;
                }

                consumer = loop;
                collection = loop.Collection;
            }
            else
            {
                consumer = statement;
                collection = argument;
            }

            var source = LoadedEntities.Find(ef, collection, consumer, context.CancellationToken);
            if (source is null)
            {
                return;
            }

            var contextSymbol = source.ContextSymbol(ef.Symbols);
            if (contextSymbol is null || !SymbolEqualityComparer.Default.Equals(RemoveContext(ef.Symbols, invocation), contextSymbol))
            {
                return;
            }

            var save = LoadedEntities.FindSave(ef.Symbols, consumer, contextSymbol);
            if (save is null)
            {
                return;
            }

            var blocker = safety.GetDeleteBlocker(source.ContextType(ef.Symbols, save), source.Entity) ?? source.QueryBlocker();
            if (blocker is null && !save.IsPlain)
            {
                blocker = "the result of SaveChanges is used";
            }

            if (blocker is null && (source.LoadStatement is not null && !LoadedEntities.IsNextStatement(source.LoadStatement, consumer) || !LoadedEntities.IsStatementInBlock(consumer)))
            {
                blocker = "the load, the delete and the save are not consecutive statements";
            }

            var removeSave = source.CanRemoveSave(contextSymbol, consumer, save);
            if (blocker is null && !removeSave && WriteSafety.FirstCollectionNavigation(source.Entity) is { } dependents)
            {
                // A context used elsewhere may track dependents: Remove applies EF's delete behaviour to them (cascade,
                // set null), ExecuteDelete only the database's foreign-key actions.
                blocker = $"the context may track '{source.Entity.Name}.{dependents.Name}' dependents, which Remove handles and ExecuteDelete does not";
            }

            // Setup code (seeding, migrations, installation) runs once over a handful of rows: accurate, but not worth acting on.
            if (SetupCode.SilencesRule(ef, context.Options, invocation, RuleIds.DeleteLoop, context.CancellationToken))
            {
                return;
            }

            var properties = ImmutableDictionary<string, string?>.Empty;
            if (blocker is null)
            {
                var replacement = source.BuildStatement("ExecuteDelete", null, save);
                properties = source.FixProperties(consumer, save, removeSave, replacement);
            }

            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.EFP204_DeleteLoop,
                invocation.GetMethodNameLocation(),
                properties,
                method.Name,
                source.Entity.Name,
                LoadedEntities.NoFixSuffix(blocker)));
        }

        /// <summary>The context of <c>db.Posts.Remove</c> / <c>db.Remove</c> / <c>db.Set&lt;Post&gt;().Remove</c>.</summary>
        private static ISymbol? RemoveContext(EfSymbols symbols, IInvocationOperation invocation)
        {
            var receiver = invocation.Instance?.WalkDownConversions();
            switch (receiver)
            {
                case IPropertyReferenceOperation property when symbols.IsDbSet(property.Type):
                    return symbols.IsDbContextOrInterface(property.Instance?.Type) ? LoadedEntities.SymbolOf(property.Instance) : property.Property;
                case IFieldReferenceOperation field when symbols.IsDbSet(field.Type):
                    return symbols.IsDbContextOrInterface(field.Instance?.Type) ? LoadedEntities.SymbolOf(field.Instance) : field.Field;
                case IInvocationOperation set when symbols.IsSetMethod(set.TargetMethod):
                    return LoadedEntities.SymbolOf(set.Instance);
                default:
                    return LoadedEntities.SymbolOf(receiver);
            }
        }
    }
}
