using System.Globalization;

namespace PerfAnalyzers.Rules.Query
{
    /// <summary>
    /// EFP303: <c>db.Posts.ToList().Where(p =&gt; p.IsPublished).Count()</c>, or <c>var all = await q.ToListAsync();</c>
    /// followed by a single <c>all.Where(..)</c>: every row is loaded (and tracked) so that filtering, sorting, paging or
    /// counting can happen in memory, where the database could have done it and sent back only what is needed.
    /// Reported only when the database can do the first in-memory step (Queryable has it and EF Core translates its
    /// lambda), and for a local only when it is used exactly once and not once per loop iteration (loading once and then
    /// querying the list many times is the cure for N+1, not a problem).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class PrematureMaterializationAnalyzer() : EfAnalyzer(Descriptors.EFP303_PrematureMaterialization)
    {
        /// <summary>Diagnostic property: how many in-memory steps the fix moves into the query ("0": no fix).</summary>
        public const string MoveProperty = "Move";

        /// <summary>Diagnostic property: "true" when the step after the moved ones is a ToList/ToArray that takes the place of the first materialization.</summary>
        public const string AbsorbProperty = "Absorb";

        /// <summary>Diagnostic property: "true" when the rows are held in a local; additional location 0 is its one use.</summary>
        public const string LocalProperty = "Local";

        private protected override void OnCompilationStart(CompilationStartAnalysisContext start, EfCompilation ef)
        {
            if (TestCode.IsTestProject(start.Compilation))
            {
                return; // a test's database holds the few rows the test put there: filtering them on the client costs nothing
            }

            var counterparts = ef.Async;
            start.RegisterOperationAction(c => Analyze(c, ef, counterparts), OperationKind.Invocation);
        }

        private static void Analyze(OperationAnalysisContext context, EfCompilation ef, AsyncCounterparts counterparts)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var method = invocation.TargetMethod;
            var syncName = EfSymbols.SyncName(method.Name);
            if (!ClientSideOperators.IsMaterializer(ef.Symbols.Operators.Kind(method)))
            {
                return;
            }

            if (TestCode.IsInTestClass(context.ContainingSymbol))
            {
                return;
            }

            var isAsync = syncName != method.Name;
            if (isAsync ? syncName == "AsEnumerable" || !EfSymbols.IsEfExtensionMethod(method) : !ef.Symbols.IsEnumerableMethod(method))
            {
                return;
            }

            var receiver = invocation.GetReceiverOrThisArgument();
            var receiverType = receiver?.WalkDownConversions().Type;
            if (receiver is null || !(ef.Symbols.IsQueryable(receiverType) || ef.Symbols.IsDbSet(receiverType)) || invocation.IsInsideExpressionTree())
            {
                return;
            }

            var chain = ef.Queries.Build(receiver, context.CancellationToken);
            if (!chain.IsEfQuery || chain.MaterializedBy is not null || chain.RootKind == QueryRootKind.RawSql
                || QueryShape.HasClientSideOperators(chain))
            {
                return; // FromSql may be a stored procedure, which cannot be composed over
            }

            if (invocation.AwaitedValue() is not { } result)
            {
                return; // ToListAsync() whose task is not awaited here
            }

            // Either the rows are used right away (q.ToList().Where(..)) or through a local used exactly once.
            var start = result;
            var isLocal = false;
            IVariableDeclaratorOperation? declarator = null;
            if (result.Parent is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation d })
            {
                declarator = d;
                if (SingleUse(d) is not { } use)
                {
                    return;
                }

                start = use;
                isLocal = true;
            }

            var steps = ClientSideOperators.StepsAfter(start, ef.Symbols);
            if (steps.IsEmpty)
            {
                return;
            }

            var element = ef.Symbols.GetElementType(result.Type);
            var ordered = chain.Operators.Any(o => o.Is(OperatorMeaning.Ordering));
            // Reported when the database could send fewer rows (Where, Skip/Take, a single row or a scalar). A Select or a
            // sort alone moves no fewer rows: the projection is EFP305's business, and sorting rows already in memory is cheap.
            var reportable = ClientSideOperators.MovableCount(steps, element, chain.EntityType, ordered, TranslationMode.Translates);
            if (!steps.Take(reportable).Any(ClientSideOperators.ReducesRows))
            {
                return;
            }

            // The query already finds at most one row by its primary key (Where(x => x.Id == id)): the database sends that row
            // either way, and the client-side step works on it alone.
            if (KeyLookup.IsKeyLookup(chain, ef.Model))
            {
                return;
            }

            // A lookup table loaded whole into a cache or memoised field, filtered once there: a few rows once per cache lifetime.
            if (RequestPath.IsCachedLookup(ef, invocation, chain.EntityType))
            {
                return;
            }

            // A tracking query of a tree (Category.Parent/Children) loaded whole and then filtered to its roots is how a
            // hierarchy is built by relationship fixup: the rows the filter drops are the children the kept rows show.
            if (chain.EntityType is { } entity && !chain.HasAny("AsNoTracking", "AsNoTrackingWithIdentityResolution")
                && KeepsEntities(steps, reportable) && HasSelfNavigation(entity, ef.Symbols)
                && !ef.GetModel(context.CancellationToken).UsesNoTrackingByDefault(chain.Context?.Type))
            {
                return;
            }

            var move = ClientSideOperators.MovableCount(
                steps, element, chain.EntityType, ordered, TranslationMode.SameResults,
                isAsync ? name => counterparts.HasQueryableOperator(name + "Async") : null);
            var absorb = false;
            if (move > 0 && move < steps.Length)
            {
                var next = steps[move];
                if (next.Name is "ThenBy" or "ThenByDescending")
                {
                    move = 0; // OrderBy(..).ToList().ThenBy(..) would not compile
                }
                else if (next.IsMaterializer && !steps[move - 1].IsTerminal && next.Operation is IInvocationOperation nextCall
                         && nextCall.Arguments.All(a => a.Parameter?.Ordinal == 0 || a.ArgumentKind == ArgumentKind.DefaultValue)
                         && (!isAsync || counterparts.HasQueryableOperator(next.Name + "Async")))
                {
                    absorb = true;
                }
            }

            if (isLocal && move > 0 && !CanInline(declarator!, start))
            {
                move = 0;
            }

            // When the materialization moves behind the last moved step, the expression's type becomes List<T> (or T[])
            // where it was IEnumerable<T>: offer that only where the new type fits.
            if (move > 0 && !absorb && !steps[move - 1].IsTerminal && syncName != "AsEnumerable"
                && !MaterializedTypeFits(steps[move - 1].Operation, invocation, isAsync, move < steps.Length, ef))
            {
                move = 0;
            }

            // Setup code (seeding, migrations, installation) runs once over a handful of rows: accurate, but not worth acting on.
            if (SetupCode.SilencesRule(ef, context.Options, invocation, RuleIds.PrematureMaterialization, context.CancellationToken))
            {
                return;
            }

            var first = steps[0];
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.EFP303_PrematureMaterialization,
                invocation.GetMethodNameLocation(),
                additionalLocations: isLocal ? new[] { start.Syntax.GetLocation() } : null,
                properties: ImmutableDictionary<string, string?>.Empty
                    .Add(MoveProperty, move.ToString(CultureInfo.InvariantCulture))
                    .Add(AbsorbProperty, absorb ? "true" : "false")
                    .Add(LocalProperty, isLocal ? "true" : "false"),
                method.Name,
                first.Operation is IPropertyReferenceOperation property ? property.Property.Name : first.Name));
        }

        /// <summary>
        /// The value of <paramref name="lastMoved"/> (an IEnumerable) can become the materialized collection: more client
        /// steps follow, or it is converted to a type the collection converts to, enumerated by foreach, or held by a
        /// <c>var</c> local that is never assigned again.
        /// </summary>
        private static bool MaterializedTypeFits(IOperation lastMoved, IInvocationOperation materializer, bool isAsync, bool moreSteps, EfCompilation ef)
        {
            if (moreSteps)
            {
                return true;
            }

            var element = ef.Symbols.GetElementType(lastMoved.Type);
            var produced = materializer.TargetMethod.ReturnType;
            if (isAsync && produced is INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } task)
            {
                produced = task.TypeArguments[0];
            }

            ITypeSymbol? collection = element is null ? null
                : produced is IArrayTypeSymbol ? ef.Symbols.Compilation.CreateArrayTypeSymbol(element)
                : produced is INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } named ? named.OriginalDefinition.Construct(element)
                : null;
            if (collection is null)
            {
                return false;
            }

            ITypeSymbol? target;
            switch (lastMoved.Parent)
            {
                case IConversionOperation conversion:
                    target = conversion.Type;
                    break;
                case IForEachLoopOperation:
                    return true;
                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                    var local = declarator.Symbol;
                    return !BodyIndex.Of(lastMoved).Writes(local).Any(o => o is IAssignmentOperation);
                default:
                    target = lastMoved.Type; // returned or passed as exactly this type
                    break;
            }

            return target is not null && ef.Symbols.Compilation.ClassifyCommonConversion(collection, target).IsImplicit;
        }

        /// <summary>The steps end with entities (a sequence or one of them), not a count, a sum or a projection.</summary>
        private static bool KeepsEntities(ImmutableArray<ClientSideStep> steps, int count)
        {
            var kept = steps.Take(count).ToList();
            return kept.All(s => s.Name != "Select")
                   && !(kept.Count > 0 && kept[kept.Count - 1].IsTerminal
                        && kept[kept.Count - 1].Name is "Count" or "LongCount" or "Any" or "All" or "Sum" or "Min" or "Max" or "Average");
        }

        /// <summary>The entity has a reference or a collection navigation to its own type (a tree: Parent, Children).</summary>
        private static bool HasSelfNavigation(ITypeSymbol entity, EfSymbols symbols)
        {
            for (var type = entity; type is not null && type.SpecialType != SpecialType.System_Object; type = type.BaseType)
            {
                foreach (var member in type.GetMembers())
                {
                    if (member is IPropertySymbol { IsStatic: false } property
                        && (SameHierarchy(property.Type, entity)
                            || (property.Type.SpecialType != SpecialType.System_String && SameHierarchy(symbols.GetElementType(property.Type), entity))))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static bool SameHierarchy(ITypeSymbol? type, ITypeSymbol entity)
            => type is { TypeKind: TypeKind.Class, SpecialType: SpecialType.None }
               && (EfSymbols.InheritsFrom(type, entity) || EfSymbols.InheritsFrom(entity, type));

        /// <summary>
        /// The one read of a local (not a write, not by ref) when it is read exactly once, in the same run of code as its
        /// declaration: not in a loop, lambda or local function that the declaration is outside of.
        /// </summary>
        private static ILocalReferenceOperation? SingleUse(IVariableDeclaratorOperation declarator)
        {
            var local = declarator.Symbol;
            if (declarator.Parent is not IVariableDeclarationOperation { Declarators.Length: 1 } declaration
                || declaration.Parent is not IVariableDeclarationGroupOperation group
                || group.Parent is not IBlockOperation block)
            {
                return null; // using declarations, several declarators, for-loop initializers...
            }

            ILocalReferenceOperation? use = null;
            foreach (var reference in BodyIndex.Of(declarator).References(local))
            {
                if (!reference.IsDeclaration)
                {
                    if (use is not null)
                    {
                        return null;
                    }

                    use = reference;
                }
            }

            if (use is null)
            {
                return null;
            }

            IOperation child = use;
            for (var current = use.Parent; current is not null && current != block; child = current, current = current.Parent)
            {
                if (current is IForEachLoopOperation forEach && forEach.Collection == child)
                {
                    continue; // foreach (var p in all.Where(..)): the collection is evaluated once
                }

                if (current is ILoopOperation || current is IAnonymousFunctionOperation || current is ILocalFunctionOperation)
                {
                    return null;
                }
            }

            return use;
        }

        /// <summary>The fix may move the query to its use: the use is in the statement right after the declaration, outside a lock.</summary>
        private static bool CanInline(IVariableDeclaratorOperation declarator, IOperation use)
        {
            if (declarator.Parent?.Parent is not IVariableDeclarationGroupOperation group || group.Parent is not IBlockOperation block)
            {
                return false;
            }

            var index = block.Operations.IndexOf(group);
            if (index < 0 || index + 1 >= block.Operations.Length || !use.IsDescendantOf(block.Operations[index + 1]))
            {
                return false;
            }

            for (var current = use.Parent; current is not null && current != block; current = current.Parent)
            {
                if (current is ILockOperation)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
