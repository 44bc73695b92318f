using System.Globalization;
using PerfAnalyzers.Options;

namespace PerfAnalyzers.Rules.Query
{
    /// <summary>
    /// EFP305: <c>var posts = db.Posts.Where(..).ToList();</c> where the method then only reads <c>p.Title</c> and
    /// <c>p.Views</c>: every column (Content included) is read, tracked and allocated for two values per row.
    /// Reported only when every use of the entities is accounted for (see <see cref="EntityMemberUsage"/>).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class WholeEntityProjectionAnalyzer() : EfAnalyzer(Descriptors.EFP305_WholeEntityProjection)
    {
        /// <summary>Diagnostic property: "true" when the fixer may insert the Select.</summary>
        public const string CanFixProperty = "CanFix";

        /// <summary>Diagnostic property: the members read, comma separated, in first-read order.</summary>
        public const string MembersProperty = "Members";

        /// <summary>Query operators that keep the rows' identity and meaning when a Select is added at the end.</summary>
        private static bool IsKept(OperatorKind kind)
            => (QueryOperators.MeaningOf(kind) & (OperatorMeaning.Filter | OperatorMeaning.Tracking)) != 0
               || kind is OperatorKind.OrderBy or OperatorKind.OrderByDescending or OperatorKind.ThenBy or OperatorKind.ThenByDescending
                   or OperatorKind.Take or OperatorKind.Skip or OperatorKind.TagWith or OperatorKind.TagWithCallSite or OperatorKind.IgnoreQueryFilters
                   or OperatorKind.AsSplitQuery or OperatorKind.AsSingleQuery;

        private protected override void OnCompilationStart(CompilationStartAnalysisContext start, EfCompilation ef)
        {
            if (TestCode.IsTestProject(start.Compilation))
            {
                return; // a test reads back the few rows it wrote: the columns it does not read cost nothing worth a change
            }

            start.RegisterOperationAction(c => Analyze(c, ef), OperationKind.Invocation);
        }

        private static void Analyze(OperationAnalysisContext context, EfCompilation ef)
        {
            if (!TestCode.IsInTestClass(context.ContainingSymbol) && Match((IInvocationOperation)context.Operation, ef, context.Options, context.CancellationToken) is { } diagnostic)
            {
                context.ReportDiagnostic(diagnostic);
            }
        }

        /// <summary>
        /// The EFP305 finding on <paramref name="invocation"/>, or null. Also asked by EFP302, which stays silent where this
        /// rule reports: a projection is never tracked, so "add AsNoTracking" is moot beside "select only what you read".
        /// </summary>
        internal static Diagnostic? Match(IInvocationOperation invocation, EfCompilation ef, AnalyzerOptions options, System.Threading.CancellationToken cancellationToken)
        {
            var name = invocation.TargetMethod.Name;
            var kind = ef.Symbols.Operators.Kind(invocation.TargetMethod);
            var isList = QueryOperators.IsEntityListTerminal(kind);
            if ((!isList && !QueryOperators.IsEntityRowTerminal(kind)) || invocation.IsInsideExpressionTree())
            {
                return null;
            }

            if (!ef.TryGetRoundTrip(invocation, out var roundTrip, cancellationToken)
                || roundTrip.Kind != RoundTripKind.Query
                || roundTrip.Query is not { EntityType: { } entityType, MaterializedBy: null } chain
                || (chain.RootKind != QueryRootKind.DbSet && chain.RootKind != QueryRootKind.SetMethod)
                || chain.Operators.Any(o => o.IsClientSide || (!IsKept(o.Kind) && o.Invocation != invocation)))
            {
                return null;
            }

            // The call must produce the root entities themselves: List<Post>/Post[]/Task<...> or Post.
            var resultType = EfSymbols.TaskResultType(invocation.Type);
            var produced = isList ? ef.Symbols.GetElementType(resultType) : resultType;
            if (produced is null || !SymbolEqualityComparer.Default.Equals(produced.WithNullableAnnotation(NullableAnnotation.None), entityType.WithNullableAnnotation(NullableAnnotation.None)))
            {
                return null;
            }

            // Only "var x = [await] query.ToList();": the local is what we follow.
            if (ResultLocal(invocation) is not { } local)
            {
                return null;
            }

            // A method that saves may be changing these entities (through a method of theirs, or a change the usage walk
            // does not see): a projection would not be tracked. SaveChanges on the context, on an interface over it, on a
            // unit of work, or inside a source method it calls (SaveCalls).
            var body = invocation.GetRootOperation();
            if (SaveCalls.AnySave(body, ef.Symbols, cancellationToken))
            {
                return null;
            }

            var usage = EntityMemberUsage.TryCollect(ef.Symbols, entityType, local, isList, body, cancellationToken);
            if (usage is null || usage.Members.Count == 0)
            {
                return null;
            }

            var maxMembers = RuleOptions.MaxMembers.Read(options, invocation.Syntax.SyntaxTree, RuleIds.WholeEntityProjection);
            var mapped = AllProperties(entityType).Where(EntityMemberUsage.IsMappedScalar).ToList();
            if (usage.Members.Count > maxMembers || usage.Members.Count >= mapped.Count)
            {
                return null;
            }

            // Weigh what is NOT read: report only when the projection would cut the transfer substantially.
            if (!ProjectionSavesEnough(usage.Members, mapped, ef.Model, singleRow: !isList))
            {
                return null;
            }

            if (SetupCode.SilencesRule(ef, options, invocation, RuleIds.WholeEntityProjection, cancellationToken))
            {
                return null; // setup code runs once over a handful of rows: accurate, but not worth acting on
            }

            var canFix = usage.AllDeclarationsImplicit
                         && invocation.Syntax is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax }
                         && (isList || !HasPredicate(invocation));
            var members = string.Join(",", usage.Members.Select(m => m.Name));
            return Diagnostic.Create(
                Descriptors.EFP305_WholeEntityProjection,
                invocation.GetMethodNameLocation(),
                ImmutableDictionary<string, string?>.Empty
                    .Add(CanFixProperty, canFix ? "true" : "false")
                    .Add(MembersProperty, members),
                name,
                entityType.Name,
                string.Join(", ", usage.Members.Select(m => "'" + m.Name + "'")));
        }

        /// <summary>Unread columns that weigh at least this share of the row (estimated bytes, <see cref="ColumnWeights"/>)...</summary>
        internal const double MinUnreadShare = 0.5;

        /// <summary>...and include a large column, or are at least this many columns weighing at least <see cref="ManyUnreadBytes"/>.</summary>
        internal const int ManyUnreadColumns = 12;

        internal const int ManyUnreadBytes = 384;

        /// <remarks>For one row (<c>First</c>/<c>Single</c>) only a large unread column counts: a dozen narrow ones are a few hundred bytes once.</remarks>
        private static bool ProjectionSavesEnough(IReadOnlyCollection<IPropertySymbol> read, List<IPropertySymbol> mapped, EfModel model, bool singleRow)
        {
            var readNames = new HashSet<string>(read.Select(m => m.Name), StringComparer.Ordinal);
            var readColumns = mapped.Where(p => readNames.Contains(p.Name)).ToList();
            var unread = mapped.Where(p => !readNames.Contains(p.Name)).ToList();
            if (ColumnWeights.UnreadShare(readColumns, unread, model) < MinUnreadShare)
            {
                return false; // e.g. the one large JSON/text column is what the method reads
            }

            return unread.Any(p => ColumnWeights.IsLarge(p, model))
                   || (!singleRow && unread.Count >= ManyUnreadColumns && unread.Sum(p => ColumnWeights.EstimatedBytes(p, model)) >= ManyUnreadBytes);
        }

        private static bool HasPredicate(IInvocationOperation invocation)
            => invocation.Arguments.Any(a => a.Parameter is { } p && p.Ordinal > 0
                                             && p.Type.Name != "CancellationToken"
                                             && a.ArgumentKind != ArgumentKind.DefaultValue);

        /// <summary>The local initialized with the call's result (through await and ConfigureAwait), or null.</summary>
        private static ILocalSymbol? ResultLocal(IInvocationOperation invocation)
            => invocation.AwaitedValue()?.Parent is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }
                ? declarator.Symbol
                : null;

        private static IEnumerable<IPropertySymbol> AllProperties(ITypeSymbol type)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
            {
                foreach (var property in current.GetMembers().OfType<IPropertySymbol>())
                {
                    if (names.Add(property.Name))
                    {
                        yield return property;
                    }
                }
            }
        }
    }
}
