using System.Globalization;

namespace PerfAnalyzers.Rules.Query
{
    /// <summary>
    /// EFP312: a page of an EF query (<c>Skip(n).Take(m)</c>) whose ordering does not identify a row: the columns of the
    /// <c>OrderBy</c> and its <c>ThenBy</c>s, taken together, include no unique set of the entity (its primary key, an
    /// alternate key or a unique index, <see cref="ModelUniqueness"/>). Rows that tie are returned in any order the plan
    /// likes, and that order may differ between two pages: a row shows up twice, another never. Reported once per page
    /// query, on its <c>Skip</c>. Silent for a top-N <c>Take</c> without <c>Skip</c>, a <c>Skip</c> without <c>Take</c>,
    /// an unordered query (EFP306), an ordering the layer cannot read (a selector that is not a lambda, an ordering helper),
    /// entities whose key is not known, shapes after a join/group/SelectMany, and client-side paging.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class PagingOrderNotUniqueAnalyzer() : EfAnalyzer(Descriptors.EFP312_PagingOrderNotUnique)
    {
        /// <summary>Diagnostic property: how many orderings the fix completes (then <c>At{i}</c>, <c>Parameter{i}</c>, <c>Descending{i}</c>, <c>Keys{i}</c>).</summary>
        public const string CountProperty = "Count";

        /// <summary>Diagnostic property prefix: the position after the ordering's last call, where the ThenBy calls go.</summary>
        public const string AtProperty = "At";

        /// <summary>Diagnostic property prefix: the lambda parameter name the ordering uses.</summary>
        public const string ParameterProperty = "Parameter";

        /// <summary>Diagnostic property prefix: "true" when the ordering's last call is descending (ThenByDescending follows).</summary>
        public const string DescendingProperty = "Descending";

        /// <summary>Diagnostic property prefix: the members to order by, comma separated (the key columns the ordering lacks).</summary>
        public const string KeysProperty = "Keys";

        /// <summary>Operators that keep the rows of the entity as they are (one row per entity, the entity's columns).</summary>
        private static bool IsRowPreserving(OperatorKind kind)
            => QueryOperators.KeepsRootRows(kind)
               || kind is OperatorKind.AsQueryable or OperatorKind.OfType or OperatorKind.Distinct or OperatorKind.Skip or OperatorKind.Select;

        private protected override void OnCompilationStart(CompilationStartAnalysisContext start, EfCompilation ef)
            => start.RegisterOperationAction(c => Analyze(c, ef), OperationKind.Invocation);

        private static void Analyze(OperationAnalysisContext context, EfCompilation ef)
        {
            var take = (IInvocationOperation)context.Operation;
            if (take.TargetMethod.Name != "Take" || !ef.Symbols.IsQueryableMethod(take.TargetMethod) || take.IsInsideExpressionTree())
            {
                return;
            }

            var receiver = take.GetReceiverOrThisArgument();
            if (receiver is null || receiver.IsUnbound() || take.HasUnboundArgument())
            {
                return;
            }

            var chain = ef.Queries.Build(receiver, context.CancellationToken);

            // q = q.OrderBy(..).Skip(..).Take(..): the local's own assignment brings this Take back into its chain.
            if (chain.RootKind is not (QueryRootKind.DbSet or QueryRootKind.SetMethod or QueryRootKind.NavigationQuery)
                || chain.Operators.Any(o => o.Invocation != take && (o.IsClientSide || !IsRowPreserving(o.Kind))))
            {
                return; // raw SQL, a query of unknown origin, client-side paging, a join/group/SelectMany shape, or an earlier Take
            }

            var skip = chain.Operators.LastOrDefault(o => o.Name == "Skip").Invocation;
            if (skip is null || skip.GetArgumentValue(1)?.ConstantValue is { HasValue: true, Value: 0 })
            {
                return; // a top-N Take (Skip(0) included): one query, nothing to repeat across pages
            }

            var ordered = false;
            foreach (var op in chain.Operators)
            {
                ordered |= op.Is(OperatorMeaning.Ordering);
                if (ordered && op.Name == "Distinct")
                {
                    return; // OrderBy(..).Select(..).Distinct(): EF Core drops the ordering (an unordered page, not a tie)
                }
            }

            var entity = chain.EntityType;
            var key = ef.Uniqueness.PrimaryKey(entity);
            if (key.IsEmpty)
            {
                return; // keyless, or a key the source does not show: cannot tell what is unique
            }

            var groups = OrderingKeys.Groups(chain);
            if (groups is null || groups.Count == 0)
            {
                return;
            }

            var location = skip.Syntax.SyntaxTree == take.Syntax.SyntaxTree ? skip.GetMethodNameLocation() : take.GetMethodNameLocation();
            var notUnique = new List<(List<QueryOperator> Group, List<OrderingColumn> Columns)>();
            foreach (var group in groups)
            {
                var columns = new List<OrderingColumn>();
                foreach (var op in group)
                {
                    var column = OrderingKeys.Resolve(op, chain);
                    if (column.Kind == OrderingColumnKind.Unknown)
                    {
                        columns = null;
                        break;
                    }

                    columns.Add(column);
                }

                if (columns is null)
                {
                    continue; // an ordering the layer cannot read: it may well be unique
                }

                if (!ef.Uniqueness.IsUnique(entity, columns.Where(c => c.Property is not null).Select(c => c.Property!)))
                {
                    notUnique.Add((group, columns));
                }
            }

            if (notUnique.Count == 0)
            {
                return;
            }

            var properties = ImmutableDictionary.CreateBuilder<string, string?>();
            var fixes = 0;
            foreach (var (group, columns) in notUnique)
            {
                if (FixFor(group, columns, key, chain, location.SourceTree) is { } fix)
                {
                    var i = fixes.ToString(CultureInfo.InvariantCulture);
                    properties[AtProperty + i] = fix.At.ToString(CultureInfo.InvariantCulture);
                    properties[ParameterProperty + i] = fix.Parameter;
                    properties[DescendingProperty + i] = fix.Descending ? "true" : "false";
                    properties[KeysProperty + i] = string.Join(",", fix.Members);
                    fixes++;
                }
            }

            if (fixes == notUnique.Count)
            {
                properties[CountProperty] = fixes.ToString(CultureInfo.InvariantCulture); // a fix only when it completes every ordering reported
            }

            var described = string.Join(" (or ", notUnique.Select(n => Describe(n.Group))) + string.Concat(Enumerable.Repeat(")", notUnique.Count - 1));
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.EFP312_PagingOrderNotUnique,
                location,
                properties.ToImmutable(),
                described,
                string.Join(", ", key.Select(k => k.Name))));
        }

        private sealed class Fix(int at, string parameter, bool descending, List<string> members)
        {
            public int At { get; } = at;

            public string Parameter { get; } = parameter;

            public bool Descending { get; } = descending;

            public List<string> Members { get; } = members;
        }

        /// <summary>
        /// The ThenBy calls that complete <paramref name="group"/> with the key columns it lacks, after its last call, with
        /// that call's lambda parameter name and direction; null when the ordering is not in <paramref name="tree"/>, does
        /// not end in a plain call, or a projection leaves out a key column.
        /// </summary>
        private static Fix? FixFor(List<QueryOperator> group, List<OrderingColumn> columns, ImmutableArray<IPropertySymbol> key, QueryChain chain, SyntaxTree? tree)
        {
            var last = group.Select(o => o.Invocation).Where(i => i.Syntax.SyntaxTree == tree).OrderBy(i => i.Syntax.Span.End).LastOrDefault();
            var lastColumn = last is null ? default : columns[group.FindIndex(o => o.Invocation == last)];
            if (last?.Syntax is not InvocationExpressionSyntax syntax || syntax.Expression is not MemberAccessExpressionSyntax
                || OrderingKeys.NextCall(last) is { TargetMethod.Name: "ThenBy" or "ThenByDescending" } || lastColumn.Lambda is null
                || group.Any(o => o.Invocation.Syntax.SyntaxTree != tree))
            {
                return null;
            }

            var ordered = new HashSet<ISymbol>(columns.Where(c => c.Property is not null).Select(c => c.Property!.OriginalDefinition), SymbolEqualityComparer.Default);
            var members = new List<string>();
            foreach (var column in key)
            {
                if (ordered.Contains(column.OriginalDefinition))
                {
                    continue;
                }

                if (lastColumn.Projection is null)
                {
                    members.Add(column.Name);
                }
                else if (lastColumn.Projection.FirstOrDefault(p => SymbolEqualityComparer.Default.Equals(p.Key.OriginalDefinition, column.OriginalDefinition)).Value is { } projected)
                {
                    members.Add(projected.Name);
                }
                else
                {
                    return null; // the projection does not carry the key
                }
            }

            if (members.Count == 0)
            {
                return null;
            }

            return new Fix(syntax.Span.End, lastColumn.Lambda.Symbol.Parameters[0].Name, last.TargetMethod.Name.EndsWith("Descending", System.StringComparison.Ordinal), members);
        }

        /// <summary>The ordering as written: <c>p.Views</c>, <c>p.Blog.Name, p.Title</c>.</summary>
        private static string Describe(List<QueryOperator> group)
            => string.Join(", ", group.Select(o => o.Invocation.GetArgumentValue(1).AsLambda() is { } lambda
                && SourceBodies.ReturnedValues(lambda.Body).FirstOrDefault() is { } value
                    ? Shorten(value.Syntax.ToString())
                    : o.Name));

        private static string Shorten(string text)
        {
            text = string.Join(" ", text.Split(new[] { ' ', '\r', '\n', '\t' }, System.StringSplitOptions.RemoveEmptyEntries));
            return text.Length <= 60 ? text : text.Substring(0, 57) + "...";
        }
    }
}
