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
    public sealed class PagingOrderNotUniqueAnalyzer : EfAnalyzer
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
        private static readonly ImmutableHashSet<string> RowPreserving = ImmutableHashSet.Create(
            "Where", "Include", "ThenInclude", "AsNoTracking", "AsNoTrackingWithIdentityResolution", "AsTracking",
            "AsSplitQuery", "AsSingleQuery", "IgnoreQueryFilters", "IgnoreAutoIncludes", "TagWith", "TagWithCallSite",
            "OfType", "Distinct", "AsQueryable", "Skip", "Select",
            "OrderBy", "OrderByDescending", "ThenBy", "ThenByDescending");

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.EFP312_PagingOrderNotUnique);

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
                || chain.Operators.Any(o => o.Invocation != take && (o.IsClientSide || !RowPreserving.Contains(o.Name))))
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
                ordered |= QueryShape.OrderingOperators.Contains(op.Name);
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

            var groups = OrderingGroups(chain);
            if (groups is null || groups.Count == 0)
            {
                return;
            }

            var location = skip.Syntax.SyntaxTree == take.Syntax.SyntaxTree ? skip.GetMethodNameLocation() : take.GetMethodNameLocation();
            var notUnique = new List<(List<QueryOperator> Group, List<Column> Columns)>();
            foreach (var group in groups)
            {
                var columns = new List<Column>();
                foreach (var op in group)
                {
                    var column = Resolve(op, chain);
                    if (column.Kind == ColumnKind.Unknown)
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

        /// <summary>
        /// The orderings that decide the page: each <c>OrderBy</c> with the <c>ThenBy</c> calls chained on it; a <c>ThenBy</c>
        /// the layer cannot attach to one (applied to a local, a conditional) counts for every ordering. An ordering that a
        /// later <c>OrderBy</c> of the same expression replaces is left out. Null when the ordering cannot be read.
        /// </summary>
        private static List<List<QueryOperator>>? OrderingGroups(QueryChain chain)
        {
            var ordering = chain.Operators.Where(o => QueryShape.OrderingOperators.Contains(o.Name)).ToList();
            if (ordering.Count == 0 || ordering.Any(o => o.Name is "Order" or "OrderDescending"))
            {
                return null;
            }

            var byInvocation = new Dictionary<IInvocationOperation, QueryOperator>();
            foreach (var op in ordering)
            {
                byInvocation[op.Invocation] = op;
            }

            var attached = new HashSet<IInvocationOperation>();
            var groups = new List<List<QueryOperator>>();
            foreach (var start in byInvocation.Values.Where(o => o.Name is "OrderBy" or "OrderByDescending"))
            {
                var group = new List<QueryOperator> { start };
                attached.Add(start.Invocation);
                var current = start.Invocation;
                for (var next = NextCall(current); next is not null && next.TargetMethod.Name is "ThenBy" or "ThenByDescending"; next = NextCall(current))
                {
                    if (!byInvocation.TryGetValue(next, out var then))
                    {
                        break;
                    }

                    group.Add(then);
                    attached.Add(next);
                    current = next;
                }

                if (!IsReplacedLater(current))
                {
                    groups.Add(group);
                }
            }

            var loose = byInvocation.Values.Where(o => !attached.Contains(o.Invocation)).ToList();
            foreach (var group in groups)
            {
                group.AddRange(loose);
            }

            return groups;
        }

        /// <summary>The call made on <paramref name="invocation"/>'s result in the same expression (<c>x.OrderBy(..).ThenBy(..)</c>).</summary>
        private static IInvocationOperation? NextCall(IOperation invocation)
        {
            var parent = invocation.Parent;
            while (parent is IConversionOperation)
            {
                parent = parent.Parent;
            }

            return parent switch
            {
                IArgumentOperation { Parameter.Ordinal: 0, Parent: IInvocationOperation next } when next.TargetMethod.IsExtensionMethod => next,
                IInvocationOperation next when next.Instance is not null => next,
                _ => null,
            };
        }

        /// <summary>A later <c>OrderBy</c> in the same expression replaces this ordering (EFP309's case).</summary>
        private static bool IsReplacedLater(IInvocationOperation last)
        {
            IOperation current = last;
            for (var depth = 0; depth < 32 && NextCall(current) is { } next; depth++)
            {
                if (next.TargetMethod.Name is "OrderBy" or "OrderByDescending" or "Order" or "OrderDescending")
                {
                    return true;
                }

                current = next;
            }

            return false;
        }

        private enum ColumnKind
        {
            /// <summary>The selector cannot be read (not a lambda, an untraceable projection): it may be unique.</summary>
            Unknown,

            /// <summary>A column of the entity (directly, or through a projection's member).</summary>
            Property,

            /// <summary>Anything else the row is ordered by (a computed value, a navigation's column): never a unique set of the entity.</summary>
            Other,
        }

        private readonly struct Column
        {
            public Column(ColumnKind kind, IPropertySymbol? property = null, IAnonymousFunctionOperation? lambda = null, Dictionary<ISymbol, ISymbol>? projection = null)
            {
                Kind = kind;
                Property = property;
                Lambda = lambda;
                Projection = projection;
            }

            public ColumnKind Kind { get; }

            public IPropertySymbol? Property { get; }

            public IAnonymousFunctionOperation? Lambda { get; }

            /// <summary>When ordering a projection: the entity column behind each projected member (entity property -> projected member).</summary>
            public Dictionary<ISymbol, ISymbol>? Projection { get; }
        }

        /// <summary>What an ordering operator orders by.</summary>
        private static Column Resolve(QueryOperator op, QueryChain chain)
        {
            var invocation = op.Invocation;
            if (invocation.Arguments.Length != 2 || invocation.GetArgumentValue(1).AsLambda() is not { Symbol.Parameters.Length: 1 } lambda)
            {
                return new Column(ColumnKind.Unknown); // a selector in a variable, or a comparer
            }

            var returned = SourceBodies.ReturnedValues(lambda.Body).ToList();
            if (returned.Count != 1 || returned[0].IsUnbound())
            {
                return new Column(ColumnKind.Unknown);
            }

            var parameter = lambda.Symbol.Parameters[0];
            var value = returned[0].WalkDownConversions();
            if (IsEntity(parameter.Type, chain.EntityType))
            {
                return OwnColumn(value, parameter) is { } property
                    ? new Column(ColumnKind.Property, property, lambda)
                    : new Column(ColumnKind.Other, lambda: lambda);
            }

            // Ordered after a projection: trace the projected member back to the entity column it copies.
            var projection = ProjectionOf(parameter.Type, chain);
            if (projection is null)
            {
                return new Column(ColumnKind.Unknown);
            }

            if (OwnColumn(value, parameter) is { } member)
            {
                var source = projection.FirstOrDefault(p => SymbolEqualityComparer.Default.Equals(p.Value, member)).Key;
                return source is IPropertySymbol column
                    ? new Column(ColumnKind.Property, column, lambda, projection)
                    : new Column(ColumnKind.Other, lambda: lambda, projection: projection);
            }

            return new Column(ColumnKind.Other, lambda: lambda, projection: projection);
        }

        private static bool IsEntity(ITypeSymbol type, ITypeSymbol? entity)
            => entity is not null
               && (SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, entity.OriginalDefinition) || EfSymbols.InheritsFrom(type, entity));

        /// <summary><c>x.P</c> where <c>x</c> is the lambda's parameter.</summary>
        private static IPropertySymbol? OwnColumn(IOperation value, IParameterSymbol parameter)
            => value is IPropertyReferenceOperation { Property: var property, Instance: { } instance }
               && instance.WalkDownConversions() is IParameterReferenceOperation reference
               && SymbolEqualityComparer.Default.Equals(reference.Parameter, parameter)
                ? property
                : null;

        /// <summary>
        /// The <c>Select(x =&gt; new Dto { A = x.A, .. })</c> (or anonymous type) of the chain that makes <paramref name="type"/>
        /// from the entity: entity column -> projected member, for the members that copy a column. Null when there is none.
        /// </summary>
        private static Dictionary<ISymbol, ISymbol>? ProjectionOf(ITypeSymbol type, QueryChain chain)
        {
            foreach (var select in chain.Operators.Where(o => o.Name == "Select"))
            {
                if (select.Invocation.GetArgumentValue(1).AsLambda() is not { Symbol.Parameters.Length: 1 } lambda
                    || !IsEntity(lambda.Symbol.Parameters[0].Type, chain.EntityType))
                {
                    continue;
                }

                var returned = SourceBodies.ReturnedValues(lambda.Body).ToList();
                if (returned.Count != 1 || !SymbolEqualityComparer.Default.Equals(returned[0].WalkDownConversions().Type, type))
                {
                    continue;
                }

                var initializers = returned[0].WalkDownConversions() switch
                {
                    IAnonymousObjectCreationOperation anonymous => anonymous.Initializers,
                    IObjectCreationOperation { Initializer: { } initializer } => initializer.Initializers,
                    _ => default,
                };
                if (initializers.IsDefault)
                {
                    return null;
                }

                var map = new Dictionary<ISymbol, ISymbol>(SymbolEqualityComparer.Default);
                foreach (var initializer in initializers)
                {
                    if (initializer is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation target } assignment
                        && OwnColumn(assignment.Value.WalkDownConversions(), lambda.Symbol.Parameters[0]) is { } column
                        && !map.ContainsKey(column))
                    {
                        map[column] = target.Property;
                    }
                }

                return map;
            }

            return null;
        }

        private sealed class Fix
        {
            public Fix(int at, string parameter, bool descending, List<string> members)
            {
                At = at;
                Parameter = parameter;
                Descending = descending;
                Members = members;
            }

            public int At { get; }

            public string Parameter { get; }

            public bool Descending { get; }

            public List<string> Members { get; }
        }

        /// <summary>
        /// The ThenBy calls that complete <paramref name="group"/> with the key columns it lacks, after its last call, with
        /// that call's lambda parameter name and direction; null when the ordering is not in <paramref name="tree"/>, does
        /// not end in a plain call, or a projection leaves out a key column.
        /// </summary>
        private static Fix? FixFor(List<QueryOperator> group, List<Column> columns, ImmutableArray<IPropertySymbol> key, QueryChain chain, SyntaxTree? tree)
        {
            var last = group.Select(o => o.Invocation).Where(i => i.Syntax.SyntaxTree == tree).OrderBy(i => i.Syntax.Span.End).LastOrDefault();
            var lastColumn = last is null ? default : columns[group.FindIndex(o => o.Invocation == last)];
            if (last?.Syntax is not InvocationExpressionSyntax syntax || syntax.Expression is not MemberAccessExpressionSyntax
                || NextCall(last) is { TargetMethod.Name: "ThenBy" or "ThenByDescending" } || lastColumn.Lambda is null
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
