namespace PerfAnalyzers.Rules.Loading
{
    /// <summary>
    /// EFP106: an Include that loads nothing anyone reads. Two cases: the query ends in a projection that does not return
    /// the entity (EF Core ignores the Include), or the query's results stay in the method (not returned, stored,
    /// passed on or serialized) and the included navigation is never read there.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class UnusedIncludeAnalyzer() : EfAnalyzer(Descriptors.EFP106_UnusedInclude)
    {
        /// <summary>Diagnostic property: "true" when the Include (with its ThenIncludes) can be removed by the fix.</summary>
        public const string CanRemoveProperty = "CanRemove";

        private protected override void OnCompilationStart(CompilationStartAnalysisContext start, EfCompilation ef)
        {
            var chains = new ChainFacts();
            start.RegisterOperationAction(c => Analyze(c, ef, chains), OperationKind.Invocation);
        }

        private static void Analyze(OperationAnalysisContext context, EfCompilation ef, ChainFacts chains)
        {
            var invocation = (IInvocationOperation)context.Operation;
            if (invocation.TargetMethod.Name != "Include" || !EfSymbols.IsEfExtensionMethod(invocation.TargetMethod))
            {
                return;
            }

            // What the rule needs about the calls after the Include, without walking the rest of a long chain per Include
            // (issue 14): its ThenIncludes, whether another call follows, and (memoized per chain) the first projection
            // after it and whether the chain sits in an expression tree.
            var facts = chains.Of(invocation);
            if (facts.InsideExpressionTree)
            {
                return;
            }

            var thenIncludes = new List<IInvocationOperation>();
            var canRemove = false; // the Include group must be followed by another call for the removal to keep the expression's type usable
            foreach (var call in QueryFlow.ChainedAfterLazily(invocation))
            {
                if (call.TargetMethod.Name != "ThenInclude")
                {
                    canRemove = true;
                    break;
                }

                thenIncludes.Add(call);
            }

            var path = IncludedPath(invocation, thenIncludes);
            if (path is null)
            {
                return;
            }

            var model = ef.GetModel(context.CancellationToken);

            var projection = facts.FirstProjection;
            if (projection is not null)
            {
                if ((ef.Symbols.IsQueryableMethod(projection.TargetMethod) || EfSymbols.IsEfExtensionMethod(projection.TargetMethod))
                    && !ProjectsEntity(projection, model, ef.Symbols))
                {
                    Report(context, invocation, path, "EF Core ignores it: the query returns a projection, not the entities", canRemove);
                }

                return;
            }

            // Case 2: the rows stay in this method and nobody reads the navigation.
            var later = QueryFlow.ChainedAfter(invocation, out var top);
            var rest = later.Skip(thenIncludes.Count).ToList();
            if (!ConsumedLocally(top, rest, ef, out var results))
            {
                return;
            }

            var chain = ef.Queries.Build(invocation, context.CancellationToken);
            if (!chain.IsEfQuery || chain.EntityType is null)
            {
                return;
            }

            var navigationName = path.Split('.')[0];
            var body = invocation.GetRootOperation();
            var budget = MaxFollowedBodies;
            if (ReadsNavigation(body, top.Syntax.Span, navigationName, ef, depth: 0, ref budget, context.CancellationToken))
            {
                return;
            }

            if (QueryFlow.Escapes(results, body, ef.Symbols))
            {
                return;
            }

            Report(context, invocation, path, "the loaded navigation is never read", canRemove);
        }

        /// <summary>Source methods followed from the query's method for navigation reads: method groups and mapping helpers.</summary>
        private const int MaxFollowDepth = 3;

        /// <summary>At most this many method bodies are followed per Include; when the budget runs out the navigation counts as read.</summary>
        private const int MaxFollowedBodies = 40;

        /// <summary>
        /// Whether the navigation is read (by name) in <paramref name="body"/> outside the query itself, or in a source
        /// method it hands entities to through a method group (<c>Select(ToDto)</c>) or a call (<c>Map(blog)</c>),
        /// followed <see cref="MaxFollowDepth"/> calls deep. A change-tracker API (<c>Entry</c>, <c>Collection</c>...) counts
        /// as a read.
        /// </summary>
        private static bool ReadsNavigation(IOperation body, Microsoft.CodeAnalysis.Text.TextSpan querySpan, string navigationName, EfCompilation ef, int depth, ref int budget, CancellationToken cancellationToken)
        {
            // From the body's index (one walk per body, not one per Include): every way out is "read", so the reads by name
            // and the change-tracker calls are checked first, then the source methods in walk order against the budget.
            var index = BodyIndex.Of(body);
            if (index.Root != body)
            {
                return ReadsNavigationByWalk(body, querySpan, navigationName, ef, depth, ref budget, cancellationToken);
            }

            foreach (var read in index.MemberReferences(navigationName))
            {
                if (!InQuery(read) && (read is IPropertyReferenceOperation property ? !ef.Symbols.IsDbContextOrInterface(property.Property.ContainingType) : read is IFieldReferenceOperation))
                {
                    return true;
                }
            }

            foreach (var name in ChangeTrackerMethods)
            {
                if (index.Invocations(name).Any(call => !InQuery(call)))
                {
                    return true;
                }
            }

            foreach (var op in index.SourceCalls)
            {
                if (InQuery(op))
                {
                    continue;
                }

                var followed = op switch
                {
                    IMethodReferenceOperation reference => reference.Method,
                    IInvocationOperation call => call.TargetMethod,
                    _ => null,
                };
                if (ReadsNavigationIn(followed, navigationName, ef, depth, ref budget, cancellationToken))
                {
                    return true;
                }
            }

            return false;

            bool InQuery(IOperation op) => querySpan.Contains(op.Syntax.Span) && op.Syntax.SyntaxTree == body.Syntax.SyntaxTree;
        }

        /// <summary>
        /// Whether the navigation is read in the source method <paramref name="followed"/> hands entities to, one call deeper
        /// than <paramref name="depth"/>: no deeper than <see cref="MaxFollowDepth"/>, and "read" once the budget runs out.
        /// </summary>
        private static bool ReadsNavigationIn(IMethodSymbol? followed, string navigationName, EfCompilation ef, int depth, ref int budget, CancellationToken cancellationToken)
        {
            if (followed is null || depth >= MaxFollowDepth)
            {
                return false;
            }

            if (--budget < 0)
            {
                return true; // too much to follow: assume it is read rather than risk a fix that breaks the code
            }

            return SourceBodies.GetBody(ef.Symbols.Compilation, followed.OriginalDefinition, cancellationToken) is { } followedBody
                   && ReadsNavigation(followedBody, default, navigationName, ef, depth + 1, ref budget, cancellationToken);
        }

        private static bool IsProjection(IInvocationOperation call)
            => call.TargetMethod.Name is "Select" or "SelectMany" or "GroupBy" or "Count" or "LongCount" or "Any" or "All" or "Sum" or "Min" or "Max" or "Average";

        /// <summary>
        /// Per call of a chain, memoized for the compilation: the first projection among the calls after it, and whether
        /// the chain is inside an expression tree. Both are the same for a call as for the next call of its chain, so each
        /// question walks up only to the first call already known (the driver meets the outer calls of a chain first).
        /// </summary>
        private sealed class ChainFacts
        {
            private readonly System.Runtime.CompilerServices.ConditionalWeakTable<IInvocationOperation, Known> _known =
                new System.Runtime.CompilerServices.ConditionalWeakTable<IInvocationOperation, Known>();

            public Known Of(IInvocationOperation invocation)
            {
                if (_known.TryGetValue(invocation, out var known))
                {
                    return known;
                }

                IInvocationOperation? projection = null;
                bool? inside = null;
                IOperation last = invocation;
                foreach (var call in QueryFlow.ChainedAfterLazily(invocation))
                {
                    if (_known.TryGetValue(call, out var next))
                    {
                        projection ??= next.FirstProjection;
                        inside = next.InsideExpressionTree;
                        break;
                    }

                    if (projection is null && IsProjection(call))
                    {
                        projection = call;
                    }

                    last = call;
                }

                known = new Known(projection, inside ?? last.IsInsideExpressionTree());
                return _known.GetValue(invocation, _ => known);
            }
        }

        private sealed class Known(IInvocationOperation? firstProjection, bool insideExpressionTree)
        {
            public IInvocationOperation? FirstProjection { get; } = firstProjection;

            public bool InsideExpressionTree { get; } = insideExpressionTree;
        }

        private static readonly string[] ChangeTrackerMethods = { "Collection", "Reference", "Navigation", "Entry" };

        /// <summary><see cref="ReadsNavigation"/> for a body that is part of a larger operation tree: the same question by a walk.</summary>
        private static bool ReadsNavigationByWalk(IOperation body, Microsoft.CodeAnalysis.Text.TextSpan querySpan, string navigationName, EfCompilation ef, int depth, ref int budget, CancellationToken cancellationToken)
        {
            foreach (var op in body.Descendants())
            {
                if (querySpan.Contains(op.Syntax.Span) && op.Syntax.SyntaxTree == body.Syntax.SyntaxTree)
                {
                    continue;
                }

                IMethodSymbol? followed = null;
                switch (op)
                {
                    case IPropertyReferenceOperation property when property.Property.Name == navigationName && !ef.Symbols.IsDbContextOrInterface(property.Property.ContainingType):
                        return true;
                    case IFieldReferenceOperation field when field.Field.Name == navigationName:
                        return true;
                    case IInvocationOperation call when call.TargetMethod.Name is "Collection" or "Reference" or "Navigation" or "Entry":
                        // Change-tracker APIs inspect the loaded navigations.
                        return true;
                    case IMethodReferenceOperation reference:
                        followed = reference.Method;
                        break;
                    case IInvocationOperation call when call.TargetMethod.DeclaringSyntaxReferences.Length > 0:
                        followed = call.TargetMethod;
                        break;
                }

                if (ReadsNavigationIn(followed, navigationName, ef, depth, ref budget, cancellationToken))
                {
                    return true;
                }
            }

            return false;
        }

        private static void Report(OperationAnalysisContext context, IInvocationOperation include, string path, string reason, bool canRemove)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.EFP106_UnusedInclude,
                include.GetMethodNameLocation(),
                ImmutableDictionary<string, string?>.Empty.Add(CanRemoveProperty, canRemove ? "true" : "false"),
                path,
                reason));
        }

        /// <summary>"Posts.Author" for Include(b => b.Posts).ThenInclude(p => p.Author) or Include("Posts.Author").</summary>
        private static string? IncludedPath(IInvocationOperation include, List<IInvocationOperation> thenIncludes)
        {
            var argument = include.GetArgumentValue(1);
            if (argument is null)
            {
                return null;
            }

            var names = new List<string>();
            if (argument.ConstantValue is { HasValue: true, Value: string text })
            {
                names.AddRange(text.Split('.'));
            }
            else if (NavigationAccess.LambdaPath(argument.AsLambda()) is { } lambdaPath)
            {
                names.AddRange(lambdaPath);
            }
            else
            {
                return null;
            }

            foreach (var then in thenIncludes)
            {
                if (NavigationAccess.LambdaPath(then.GetArgumentValue(1).AsLambda()) is not { } thenPath)
                {
                    return null;
                }

                names.AddRange(thenPath);
            }

            return string.Join(".", names);
        }

        /// <summary>Does the projection return entities (Select(b => b), new { Blog = b }, b.Posts.ToList())? Then Include still applies.</summary>
        private static bool ProjectsEntity(IInvocationOperation projection, EfModel model, EfSymbols symbols)
        {
            if (projection.TargetMethod.Name is not ("Select" or "SelectMany" or "GroupBy"))
            {
                return false;
            }

            if (projection.TargetMethod.Name == "GroupBy")
            {
                // GroupBy(key) returns groups of entities; with a result selector it is a projection.
                if (projection.Arguments.Length <= 2)
                {
                    return true;
                }
            }

            var selector = projection.Arguments.Length > 1 ? projection.Arguments[projection.Arguments.Length - 1].Value.AsLambda() : null;
            if (selector is null)
            {
                return true;
            }

            foreach (var op in selector.Body.Descendants())
            {
                var type = op.Type;
                if (type is null || op is IConversionOperation || op is IParenthesizedOperation)
                {
                    continue;
                }

                var isEntity = model.IsEntityType(type)
                               || (type.SpecialType == SpecialType.None && symbols.IsSequenceType(type) && model.IsEntityType(symbols.GetElementType(type)));
                if (!isEntity)
                {
                    continue;
                }

                var current = op.WalkUpConversions();
                var parent = current.Parent;

                var consumed = parent switch
                {
                    IPropertyReferenceOperation property => property.Instance == current,
                    IFieldReferenceOperation field => field.Instance == current,
                    IBinaryOperation => true,
                    IIsPatternOperation => true,
                    IArgumentOperation { Parent: IInvocationOperation call } => call.Type is { } callType && !model.IsEntityType(callType)
                                                                                && !(symbols.IsSequenceType(callType) && model.IsEntityType(symbols.GetElementType(callType))),
                    _ => false,
                };
                if (!consumed)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The query's rows land in this method: <c>var x = query.ToList()/First()</c> (awaited or not) or
        /// <c>foreach (var x in query)</c>. <paramref name="results"/> is the value to follow.
        /// </summary>
        private static bool ConsumedLocally(IOperation top, List<IInvocationOperation> rest, EfCompilation ef, out IOperation results)
        {
            results = top;
            var materializer = rest.LastOrDefault(c => c.TargetMethod.Name != "ConfigureAwait");
            if (materializer is not null && ef.Symbols.Operators.Is(materializer.TargetMethod, OperatorMeaning.ToCollection | OperatorMeaning.SingleRow | OperatorMeaning.Streaming))
            {
                return materializer == top || IsAwaitOf(top, materializer);
            }

            // foreach (var x in query)
            var parent = top.Parent;
            while (parent is IConversionOperation)
            {
                parent = parent.Parent;
            }

            return parent is IForEachLoopOperation && ef.Symbols.IsQueryable(top.Type);
        }

        private static bool IsAwaitOf(IOperation top, IInvocationOperation materializer)
            => top is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configure && configure.Instance == materializer;
    }
}
