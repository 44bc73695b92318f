using System.Text;

namespace PerfAnalyzers.Rules.Loading
{
    /// <summary>
    /// EFP102 (lazy loading on: a navigation read per element of a loop over query results runs one query per element)
    /// and EFP103 (lazy loading off: a navigation the query did not load is null/empty). Both start from a navigation
    /// read, trace the entity back to the query that produced it, and ask whether that query (Include/ThenInclude,
    /// AutoInclude, owned types) or the method (assignment, explicit Load, related rows already tracked) loads it.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class NavigationLoadingAnalyzer() : EfAnalyzer(Descriptors.EFP102_LazyLoadingNPlusOne, Descriptors.EFP103_NavigationNotLoaded)
    {
        /// <summary>Diagnostic property: the text to insert after the query root (".Include(b => b.Posts)..."), when the fix is offered.</summary>
        public const string IncludeTextProperty = "IncludeText";

        /// <summary>Diagnostic property: where to insert it (position in the document).</summary>
        public const string InsertAtProperty = "InsertAt";

        /// <summary>Diagnostic property: "true" when the document needs <c>using Microsoft.EntityFrameworkCore;</c>.</summary>
        public const string NeedsUsingProperty = "NeedsUsing";

        private protected override void OnCompilationStart(CompilationStartAnalysisContext start, EfCompilation ef)
        {
            PropertyReads.RegisterPerBody(start, ef, read => read.Instance is not null && IsCandidateRead(read), (end, reads) => AnalyzeReads(end, ef, reads));
        }

        private static void AnalyzeReads(OperationBlockAnalysisContext context, EfCompilation ef, IEnumerable<IPropertyReferenceOperation> reads)
        {
            var nav = ef.GetNavigationAccess(context.CancellationToken);
            BodyFacts? facts = null;
            var seen = new Dictionary<ISymbol, HashSet<string>>(SymbolEqualityComparer.Default);
            foreach (var read in reads.OrderBy(r => r.Syntax.SpanStart))
            {
                // One report per navigation of one variable: the first read loads it (or finds it empty).
                var variable = PropertyReads.VariableOf(read);
                if (variable is not null && seen.TryGetValue(variable, out var names) && names.Contains(read.Property.Name))
                {
                    continue;
                }

                if (Analyze(context, ef, nav, read, ref facts) && variable is not null)
                {
                    if (!seen.TryGetValue(variable, out var reported))
                    {
                        seen[variable] = reported = new HashSet<string>();
                    }

                    reported.Add(read.Property.Name);
                }
            }
        }

        /// <summary>A value read (not an assignment target, not the receiver of Add on a collection, not SQL).</summary>
        private static bool IsCandidateRead(IPropertyReferenceOperation property)
        {
            var parent = property.Parent;
            if (parent is IAssignmentOperation assignment && assignment.Target == property)
            {
                return false;
            }

            if (parent is IInvocationOperation invocation && invocation.Instance == property && CollectionMethods.AddsElements(invocation.TargetMethod, property.Type))
            {
                return false;
            }

            if (parent is INameOfOperation)
            {
                return false;
            }

            return !property.IsInsideExpressionTree();
        }

        private static bool Analyze(OperationBlockAnalysisContext context, EfCompilation ef, NavigationAccess access, IPropertyReferenceOperation read, ref BodyFacts? facts)
        {
            if (!access.TryGetNavigation(read.Property, out var navigation))
            {
                return false;
            }

            var model = access.Model;
            if (model.IsOwned(navigation.Property, navigation.TargetType))
            {
                return false;
            }

            var origin = access.TraceEntity(read.Instance, context.CancellationToken);
            if (origin is null)
            {
                return false;
            }

            var chain = origin.Query;
            if (!NavigationAccess.TryGetIncludePaths(chain, out var includes))
            {
                return false;
            }

            var ignoreAutoIncludes = chain.Has("IgnoreAutoIncludes");
            var names = origin.Path.Select(n => n.Name).Concat(new[] { navigation.Name }).ToList();
            if (NavigationAccess.Covers(includes, names) || (!ignoreAutoIncludes && model.IsAutoIncluded(navigation.Property)))
            {
                return false;
            }

            var contextType = chain.Context?.Type;
            var state = model.GetLazyLoading(contextType, navigation.Property.ContainingType, navigation.Property);
            if (state == LazyLoadingState.Unknown)
            {
                return false;
            }

            // Each navigation on the way must be loaded too; otherwise the outer read is the one to fix first.
            for (var i = 0; i < origin.Path.Length; i++)
            {
                var step = origin.Path[i];
                var loaded = NavigationAccess.Covers(includes, names.Take(i + 1).ToList())
                             || (!ignoreAutoIncludes && model.IsAutoIncluded(step.Property))
                             || model.IsOwned(step.Property, step.TargetType);
                if (!loaded && state == LazyLoadingState.Off)
                {
                    return false;
                }
            }

            facts ??= BodyFacts.Collect(ef, read.GetRootOperation(), context.CancellationToken);
            if (facts.AssignedOrLoaded.Contains(navigation.Name))
            {
                return false;
            }

            if (!chain.Has("AsNoTracking") && !chain.Has("AsNoTrackingWithIdentityResolution")
                && facts.TrackedQueries.Any(q => q.Root != chain.Root && q.Position < read.Syntax.SpanStart && SameContext(q.Context, chain.Context) && q.Types.Any(t => EfSymbols.InheritsFrom(navigation.TargetType, t) || EfSymbols.InheritsFrom(t, navigation.TargetType))))
            {
                // Related rows loaded by another tracked query of this method are fixed up into the navigation.
                return false;
            }

            DiagnosticDescriptor descriptor;
            if (state == LazyLoadingState.On)
            {
                if (origin.Kind != EntityOriginKind.Iteration)
                {
                    return false;
                }

                descriptor = Descriptors.EFP102_LazyLoadingNPlusOne;
            }
            else
            {
                descriptor = Descriptors.EFP103_NavigationNotLoaded;
            }

            var properties = ImmutableDictionary<string, string?>.Empty;
            if (origin.Kind != EntityOriginKind.Find && TryBuildFix(origin, navigation, includes, read, out var includeText, out var insertAt, out var needsUsing))
            {
                properties = properties.Add(IncludeTextProperty, includeText)
                    .Add(InsertAtProperty, insertAt.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    .Add(NeedsUsingProperty, needsUsing ? "true" : "false");
            }

            var ownerName = navigation.Property.ContainingType.Name;
            context.ReportDiagnostic(Diagnostic.Create(
                descriptor,
                NameLocation(read),
                properties,
                ownerName + "." + navigation.Name,
                chain.EntityType?.Name ?? ownerName));
            return true;
        }

        /// <summary>Fix-up only happens within one context instance: different variables/fields are different contexts; unknown means maybe the same.</summary>
        private static bool SameContext(IOperation? a, IOperation? b)
        {
            var left = ContextSymbol(a);
            var right = ContextSymbol(b);
            return left is null || right is null || SymbolEqualityComparer.Default.Equals(left, right);
        }

        private static ISymbol? ContextSymbol(IOperation? context) => context?.WalkDownConversions() switch
        {
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            IFieldReferenceOperation field => field.Field,
            IPropertyReferenceOperation property => property.Property,
            _ => null,
        };

        private static Location NameLocation(IPropertyReferenceOperation read) => read.Syntax switch
        {
            MemberAccessExpressionSyntax member => member.Name.GetLocation(),
            MemberBindingExpressionSyntax binding => binding.Name.GetLocation(),
            _ => read.Syntax.GetLocation(),
        };

        /// <summary>
        /// ".Include(b => b.Posts).ThenInclude(p => p.Author)" to insert right after the query root, when the root is in
        /// this method and the path is expressible from the root entity type.
        /// </summary>
        private static bool TryBuildFix(EntityOrigin origin, Navigation navigation, ImmutableArray<IncludePath> includes, IPropertyReferenceOperation read, out string text, out int insertAt, out bool needsUsing)
        {
            text = "";
            insertAt = 0;
            needsUsing = false;
            var root = origin.Query.Root;
            var rootType = origin.Query.EntityType;
            if (root is null || rootType is null || root.SemanticModel is null || root.Syntax.SyntaxTree != read.Syntax.SyntaxTree
                || !root.IsDescendantOf(read.GetRootOperation()) || origin.Query.RootKind == QueryRootKind.RawSql && !(root.Syntax is InvocationExpressionSyntax))
            {
                return false;
            }

            var model = root.SemanticModel;
            var position = root.Syntax.SpanStart;

            // Insert after the Includes already chained to the root, so repeated fixes keep their order.
            SyntaxNode anchor = root.Syntax;
            IInvocationOperation? lastInclude = null;
            while (anchor.Parent is MemberAccessExpressionSyntax access && access.Expression == anchor
                   && access.Parent is InvocationExpressionSyntax call && access.Name.Identifier.ValueText is "Include" or "ThenInclude"
                   && model.GetOperation(call) is IInvocationOperation callOperation)
            {
                anchor = call;
                lastInclude = callOperation;
            }

            var steps = origin.Path.Add(navigation);
            var first = 0;
            ITypeSymbol current = rootType;
            if (lastInclude is not null && origin.Path.Length > 0
                && includes.FirstOrDefault(p => p.Invocation == lastInclude) is { } chained
                && chained.Names.SequenceEqual(origin.Path.Select(n => n.Name)))
            {
                // Include(b => b.Posts) is the last call: continue it with ThenInclude(p => p.Author).
                first = origin.Path.Length;
                current = origin.Path[origin.Path.Length - 1].TargetType;
            }

            var builder = new StringBuilder();
            for (var i = first; i < steps.Length; i++)
            {
                var step = steps[i];
                if (!EfSymbols.InheritsFrom(current, step.Property.ContainingType))
                {
                    return false;
                }

                var parameter = ParameterName(current, model, position);
                builder.Append(i == 0 ? ".Include(" : ".ThenInclude(").Append(parameter).Append(" => ").Append(parameter).Append('.').Append(step.Name).Append(')');
                current = step.TargetType;
            }

            text = builder.ToString();
            insertAt = anchor.Span.End;
            needsUsing = root.Type is null || model.LookupSymbols(position, root.Type, "Include", includeReducedExtensionMethods: true).IsEmpty;
            return true;
        }

        private static string ParameterName(ITypeSymbol type, SemanticModel model, int position)
        {
            var name = type.Name.Length == 0 ? "x" : char.ToLowerInvariant(type.Name[0]).ToString();
            var candidate = name;
            for (var i = 2; !model.LookupSymbols(position, name: candidate).IsEmpty; i++)
            {
                candidate = name + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return candidate;
        }

        /// <summary>What the method does that loads navigations besides the query: assignments, explicit loads, other tracked queries.</summary>
        private sealed class BodyFacts
        {
            private BodyFacts(HashSet<string> assignedOrLoaded, List<TrackedQuery> trackedQueries)
            {
                AssignedOrLoaded = assignedOrLoaded;
                TrackedQueries = trackedQueries;
            }

            /// <summary>Navigation names assigned, added to, or loaded explicitly (Entry(..).Collection/Reference/Navigation(..)).</summary>
            public HashSet<string> AssignedOrLoaded { get; }

            public List<TrackedQuery> TrackedQueries { get; }

            public static BodyFacts Collect(EfCompilation ef, IOperation root, CancellationToken cancellationToken)
            {
                var names = new HashSet<string>();
                var queries = new List<TrackedQuery>();
                foreach (var op in root.Descendants())
                {
                    switch (op)
                    {
                        case IAssignmentOperation { Target: IPropertyReferenceOperation target }
                            when !target.Property.ContainingType.IsAnonymousType
                                 && target.Instance is not IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver }:
                            // x.Nav = ...; not the members of an object or anonymous-object initializer (new Dto { Posts = ... }).
                            names.Add(target.Property.Name);
                            break;

                        case IInvocationOperation invocation:
                            var method = invocation.TargetMethod;
                            if (invocation.Instance is IPropertyReferenceOperation receiver && CollectionMethods.AddsElements(method, receiver.Type))
                            {
                                names.Add(receiver.Property.Name);
                            }

                            if (NavigationAccess.EntryNavigationPath(ef.Symbols, invocation) is { Length: > 0 } loaded)
                            {
                                names.Add(loaded[loaded.Length - 1]);
                            }

                            if (!invocation.IsInsideExpressionTree() && ef.TryGetRoundTrip(invocation, out var roundTrip, cancellationToken)
                                && roundTrip.Query.HasKnownRoot && roundTrip.Query.EntityType is { } entityType
                                && !roundTrip.Query.Has("AsNoTracking") && !roundTrip.Query.Has("AsNoTrackingWithIdentityResolution"))
                            {
                                var types = new List<ITypeSymbol> { entityType };
                                foreach (var include in roundTrip.Query.Operators)
                                {
                                    if ((include.Name == "Include" || include.Name == "ThenInclude") && include.Invocation.Type is INamedTypeSymbol { TypeArguments.Length: 2 } includable)
                                    {
                                        var property = includable.TypeArguments[1];
                                        types.Add(ef.Symbols.IsSequenceType(property) && ef.Symbols.GetElementType(property) is { } element ? element : property);
                                    }
                                }

                                if (!ef.Symbols.Operators.Is(method, OperatorMeaning.SingleResult))
                                {
                                    queries.Add(new TrackedQuery(roundTrip.Query.Root, types, invocation.Syntax.SpanStart, roundTrip.Query.Context));
                                }
                            }

                            break;
                    }
                }

                return new BodyFacts(names, queries);
            }
        }

        private sealed class TrackedQuery(IOperation? root, List<ITypeSymbol> types, int position, IOperation? context)
        {
            public IOperation? Root { get; } = root;

            public List<ITypeSymbol> Types { get; } = types;

            public int Position { get; } = position;

            public IOperation? Context { get; } = context;
        }
    }
}
