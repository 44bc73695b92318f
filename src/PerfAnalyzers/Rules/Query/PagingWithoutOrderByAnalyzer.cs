namespace PerfAnalyzers.Rules.Query
{
    /// <summary>
    /// EFP306: Skip/Take/ElementAt on an EF query that is not ordered, and First/FirstOrDefault(Async) with neither an
    /// OrderBy nor a filter. Reported once per query (on its first row-limiting operator). Not for delete-in-batches
    /// loops (<see cref="DeleteDrains"/>): when every row is deleted, the order of the batches does not matter.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class PagingWithoutOrderByAnalyzer() : EfAnalyzer(Descriptors.EFP306_PagingWithoutOrderBy)
    {
        /// <summary>Diagnostic property: the key property to order by, when known and the fix can insert it.</summary>
        public const string KeyProperty = "Key";

        /// <summary>The operators whose rows depend on the order: Skip, Take, TakeLast, SkipLast (Queryable), ElementAt(OrDefault).</summary>
        private static bool IsPaging(OperatorKind kind)
            => kind is OperatorKind.Skip or OperatorKind.Take or OperatorKind.TakeLast or OperatorKind.SkipLast or OperatorKind.ElementAt or OperatorKind.ElementAtOrDefault;

        private protected override void OnCompilationStart(CompilationStartAnalysisContext start, EfCompilation ef)
        {
            var model = ef.Model;
            start.RegisterOperationAction(c => Analyze(c, ef, model), OperationKind.Invocation);
        }

        private static void Analyze(OperationAnalysisContext context, EfCompilation ef, EfModel model)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var method = invocation.TargetMethod;
            var kind = ef.Symbols.Operators.Kind(method);
            var isPaging = IsPaging(kind);
            var isFirst = kind is OperatorKind.First or OperatorKind.FirstOrDefault;
            if (!isPaging && !isFirst)
            {
                return;
            }

            var isLinq = ef.Symbols.IsQueryableMethod(method) || (isFirst && EfSymbols.IsEfExtensionMethod(method));
            if (!isLinq || invocation.IsInsideExpressionTree())
            {
                return;
            }

            if (isFirst && HasPredicate(invocation))
            {
                return; // First(x => x.Id == id): a filter
            }

            var receiver = invocation.GetReceiverOrThisArgument();
            if (receiver is null || IsOrderedType(receiver.WalkDownConversions().Type))
            {
                return;
            }

            var chain = ef.Queries.Build(receiver, context.CancellationToken);
            if (chain.RootKind is not (QueryRootKind.DbSet or QueryRootKind.SetMethod or QueryRootKind.NavigationQuery))
            {
                return; // raw SQL may carry its own ORDER BY; an IQueryable parameter may be ordered by the caller
            }

            var earlier = chain.Operators.Where(o => o.Invocation != invocation).ToList();
            if (chain.Order != QueryOrder.Unordered || earlier.Any(o => o.IsClientSide || IsPaging(o.Kind)))
            {
                return; // ordered (even on some paths, or by a helper), of unknown order, in memory, or already reported on the first paging operator
            }

            // After a filter (Where, a join, an intersection, Distinct) a First() is a lookup, not an arbitrary pick.
            if (isFirst && earlier.Any(o => o.Kind is OperatorKind.Where or OperatorKind.Join or OperatorKind.GroupJoin or OperatorKind.Intersect or OperatorKind.IntersectBy or OperatorKind.Distinct or OperatorKind.DistinctBy))
            {
                return;
            }

            if (kind is OperatorKind.Skip or OperatorKind.ElementAt or OperatorKind.ElementAtOrDefault && IsRandom(invocation.GetArgumentValue(1), invocation))
            {
                return; // Skip(random.Next(count)).First(): a random pick, which any row order serves equally well
            }

            if (method.Name == "Take" && !earlier.Any(o => o.Name == "Skip") && DeleteDrains.IsDeleteDrain(ef, invocation, chain.EntityType, context.CancellationToken))
            {
                return; // while (..) { q.Take(100).ExecuteDelete(); }: every row is deleted, in whatever order the batches come
            }

            // Setup code (seeding, migrations, installation) runs once, over rows it just wrote: accurate, but not worth acting on.
            if (SetupCode.SilencesRule(ef, context.Options, invocation, RuleIds.PagingWithoutOrderBy, context.CancellationToken))
            {
                return;
            }

            var properties = ImmutableDictionary<string, string?>.Empty;
            var key = model.FindSingleKey(chain.EntityType);
            var elementType = ef.Symbols.GetElementType(receiver.WalkDownConversions().Type);
            var canFix = key is not null
                         && elementType is not null
                         && SymbolEqualityComparer.Default.Equals(elementType, chain.EntityType)
                         && invocation.Instance is null
                         && invocation.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax { Expression: Microsoft.CodeAnalysis.CSharp.Syntax.MemberAccessExpressionSyntax };
            if (canFix)
            {
                properties = properties.Add(KeyProperty, key!.Name);
            }

            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.EFP306_PagingWithoutOrderBy,
                invocation.GetMethodNameLocation(),
                properties,
                method.Name,
                isFirst ? " or a filter" : "",
                key is not null ? $" (for example by its key '{key.Name}')" : ""));
        }

        /// <summary>
        /// The offset is drawn from <see cref="System.Random"/> (<c>random.Next(count)</c>, <c>Random.Shared.Next(..)</c>),
        /// directly or through a local that is assigned only once: the query picks a random row.
        /// </summary>
        private static bool IsRandom(IOperation? value, IOperation context)
        {
            value = value?.WalkDownConversions();
            if (value is ILocalReferenceOperation { Local: var local })
            {
                var writes = BodyIndex.Of(context).Writes(local);
                if (writes.Any(o => o is IAssignmentOperation))
                {
                    return false;
                }

                value = writes.OfType<IVariableDeclaratorOperation>().FirstOrDefault()?.Initializer?.Value;
            }

            return value is not null
                   && (IsRandomCall(value) || value.Descendants().Any(IsRandomCall));
        }

        private static bool IsRandomCall(IOperation operation)
            => operation is IInvocationOperation { TargetMethod: { ContainingType: { Name: "Random" } type } target }
               && target.Name.StartsWith("Next", System.StringComparison.Ordinal)
               && type.ContainingNamespace is { Name: "System", ContainingNamespace.IsGlobalNamespace: true };

        private static bool HasPredicate(IInvocationOperation invocation)
            => invocation.TargetMethod.Parameters.Skip(1).Any(p => p.Type is INamedTypeSymbol { Name: "Expression" or "Func" });

        private static bool IsOrderedType(ITypeSymbol? type)
            => type is INamedTypeSymbol named
               && (named.Name == "IOrderedQueryable" || named.AllInterfaces.Any(i => i.Name == "IOrderedQueryable"))
               && named.ContainingNamespace?.ToDisplayString() == "System.Linq";
    }
}
