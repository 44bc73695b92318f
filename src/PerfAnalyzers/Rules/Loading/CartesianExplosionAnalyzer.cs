namespace PerfAnalyzers.Rules.Loading
{
    /// <summary>
    /// EFP105: two or more sibling collection navigations (neither path a prefix of the other) included in one query
    /// that runs as a single SQL query: no AsSplitQuery()/AsSingleQuery() on it and no SplitQuery default on its context.
    /// Reported once per query, on the last Include/ThenInclude of the expression that completes the sibling pair.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class CartesianExplosionAnalyzer() : EfAnalyzer(Descriptors.EFP105_CartesianExplosion)
    {
        private protected override void OnCompilationStart(CompilationStartAnalysisContext start, EfCompilation ef)
        {
            // Split queries are a relational feature (AsSplitQuery lives in EF Core Relational).
            if (start.Compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.RelationalQueryableExtensions") is null)
            {
                return;
            }

            start.RegisterOperationAction(c => Analyze(c, ef), OperationKind.Invocation);
        }

        private static void Analyze(OperationAnalysisContext context, EfCompilation ef)
        {
            var invocation = (IInvocationOperation)context.Operation;
            // Only the last Include of a chain goes on: the calls after it are looked at one by one, so an earlier Include
            // stops at the next one instead of walking the whole chain (and the walk up to the method for the
            // expression-tree check comes after).
            if (!QueryFlow.IsIncludeOperator(invocation.TargetMethod)
                || QueryFlow.ChainedAfterLazily(invocation).Any(c => QueryFlow.IsIncludeOperator(c.TargetMethod) || ef.Symbols.Operators.Kind(c.TargetMethod) is OperatorKind.AsSplitQuery or OperatorKind.AsSingleQuery or OperatorKind.Select or OperatorKind.SelectMany or OperatorKind.GroupBy)
                || invocation.IsInsideExpressionTree())
            {
                return;
            }

            var later = QueryFlow.ChainedAfter(invocation, out var top);

            var chain = ef.Queries.Build(invocation, context.CancellationToken);
            if (!chain.IsEfQuery || chain.EntityType is null || chain.Has("AsSplitQuery") || chain.Has("AsSingleQuery")
                || !NavigationAccess.TryGetIncludePaths(chain, out var paths))
            {
                return;
            }

            var model = ef.GetModel(context.CancellationToken);
            if (model.UsesSplitQueries(chain.Context?.Type) || IsSplitLater(top, ef))
            {
                return;
            }

            // A query composed in steps (var q = ...Include(a); if (f) q = q.Include(b);) is one query: only its last
            // Include step reports, and a fix that appends AsSplitQuery() to a conditional step would not always apply.
            var local = AssignedLocal(top);
            var steps = local is null ? ImmutableArray<IOperation>.Empty : IncludeSteps(top.GetRootOperation(), local);
            var composed = steps.Length > 1;
            if (composed && steps[steps.Length - 1] != top.WalkDownConversions())
            {
                return;
            }

            // A single row picked by its key: the product of its collections is small, and AsSplitQuery only adds round trips.
            var filters = chain.Operators.Where(o => !o.IsClientSide).Select(o => o.Invocation).Concat(later).ToList();
            var terminal = later.FirstOrDefault(c => KeyLookup.IsSingleRowTerminal(c.TargetMethod));
            if (terminal is not null
                ? KeyLookup.IsSingleRowByKey(terminal, filters, chain.EntityType, ef.Model)
                : local is not null && IsOnlyLookedUpByKey(top.GetRootOperation(), local, filters, chain.EntityType, ef.Model))
            {
                return;
            }

            // Every path prefix that ends in a collection navigation, with the Include call that brings it.
            var collections = new List<(string Path, IInvocationOperation Invocation)>();
            foreach (var path in paths)
            {
                var type = chain.EntityType;
                for (var i = 0; i < path.Names.Length && type is not null; i++)
                {
                    var property = FindProperty(type, path.Names[i]);
                    if (property is null)
                    {
                        break;
                    }

                    var isCollection = property.Type.SpecialType != SpecialType.System_String && ef.Symbols.IsSequenceType(property.Type);
                    type = isCollection ? ef.Symbols.GetElementType(property.Type) : property.Type;
                    if (isCollection)
                    {
                        var prefix = string.Join(".", path.Names.Take(i + 1));
                        if (!collections.Any(c => c.Path == prefix))
                        {
                            collections.Add((prefix, path.Invocation));
                        }
                    }
                }
            }

            var topSpan = top.Syntax.Span;
            for (var i = 0; i < collections.Count; i++)
            {
                for (var j = i + 1; j < collections.Count; j++)
                {
                    var a = collections[i];
                    var b = collections[j];
                    if (IsPrefix(a.Path, b.Path) || IsPrefix(b.Path, a.Path))
                    {
                        continue;
                    }

                    // Report once: the pair must involve an Include written in this expression (or, for a query composed
                    // in steps, in any of its steps: only the last step gets here).
                    if (!composed && !topSpan.Contains(a.Invocation.Syntax.Span) && !topSpan.Contains(b.Invocation.Syntax.Span))
                    {
                        continue;
                    }

                    context.ReportDiagnostic(Diagnostic.Create(
                        Descriptors.EFP105_CartesianExplosion,
                        invocation.GetMethodNameLocation(),
                        composed ? NoFixProperties : ImmutableDictionary<string, string?>.Empty,
                        "'" + a.Path + "'",
                        "'" + b.Path + "'"));
                    return;
                }
            }
        }

        /// <summary>Set on a finding whose query is composed in several (possibly conditional) steps: no fix is offered.</summary>
        internal const string NoFixProperty = "NoFix";

        private static readonly ImmutableDictionary<string, string?> NoFixProperties =
            ImmutableDictionary<string, string?>.Empty.Add(NoFixProperty, "composed in steps");

        /// <summary>The local an expression is stored into: <c>var q = expr</c> or <c>q = expr</c>.</summary>
        private static ILocalSymbol? AssignedLocal(IOperation top)
        {
            var parent = top.Parent;
            while (parent is IConversionOperation)
            {
                parent = parent.Parent;
            }

            return parent switch
            {
                IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol,
                ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } => target.Local,
                _ => null,
            };
        }

        /// <summary>The values stored into <paramref name="local"/> that contain an Include, in source order.</summary>
        private static ImmutableArray<IOperation> IncludeSteps(IOperation root, ILocalSymbol local)
        {
            var steps = ImmutableArray.CreateBuilder<IOperation>();
            foreach (var op in BodyIndex.Of(root).Writes(local))
            {
                IOperation? value = op switch
                {
                    IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local) => declarator.Initializer?.Value,
                    ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment when SymbolEqualityComparer.Default.Equals(target.Local, local) => assignment.Value,
                    _ => null,
                };
                if (value is null)
                {
                    continue;
                }

                var stored = value.WalkDownConversions();
                if (stored.DescendantsAndSelf().Any(d => d is IInvocationOperation call && QueryFlow.IsIncludeOperator(call.TargetMethod)))
                {
                    steps.Add(stored);
                }
            }

            return steps.ToImmutable().Sort((x, y) => x.Syntax.SpanStart.CompareTo(y.Syntax.SpanStart));
        }

        /// <summary>
        /// Every read of <paramref name="local"/> either stores a filtered query back into it (<c>q = q.Where(..)</c>) or ends
        /// in a single-row terminal by key (<c>await q.FirstOrDefaultAsync(x =&gt; x.Id == id)</c>), and there is at least one.
        /// </summary>
        private static bool IsOnlyLookedUpByKey(IOperation root, ILocalSymbol local, List<IInvocationOperation> filters, ITypeSymbol? entityType, EfModel model)
        {
            var terminals = new List<IInvocationOperation>();
            foreach (var reference in BodyIndex.Of(root).References(local))
            {
                if (reference.Parent is ISimpleAssignmentOperation { Target: var target } && target == reference
                    || reference.Parent is IVariableDeclaratorOperation)
                {
                    continue;
                }

                var parent = reference.Parent;
                while (parent is IConversionOperation)
                {
                    parent = parent.Parent;
                }

                var first = parent switch
                {
                    IArgumentOperation { Parent: IInvocationOperation call, Parameter.Ordinal: 0 } when call.TargetMethod.IsExtensionMethod => call,
                    IInvocationOperation call when call.Instance?.WalkDownConversions() == reference => call,
                    _ => null,
                };
                if (first is null)
                {
                    return false; // passed on, returned or enumerated: not known to be one row
                }

                var calls = new List<IInvocationOperation> { first };
                calls.AddRange(QueryFlow.ChainedAfter(first, out var top));
                if (AssignedLocal(top) is { } target2 && SymbolEqualityComparer.Default.Equals(target2, local))
                {
                    filters.AddRange(calls);
                    continue;
                }

                var terminal = calls.FirstOrDefault(c => KeyLookup.IsSingleRowTerminal(c.TargetMethod));
                if (terminal is null)
                {
                    return false;
                }

                filters.AddRange(calls);
                terminals.Add(terminal);
            }

            return terminals.Count > 0 && terminals.All(t => KeyLookup.IsSingleRowByKey(t, filters, entityType, model));
        }

        private static bool IsPrefix(string prefix, string path)
            => path.StartsWith(prefix + ".", System.StringComparison.Ordinal);

        private static IPropertySymbol? FindProperty(ITypeSymbol type, string name)
        {
            for (var t = type; t is not null; t = t.BaseType)
            {
                foreach (var member in t.GetMembers(name))
                {
                    if (member is IPropertySymbol property)
                    {
                        return property;
                    }
                }
            }

            return null;
        }

        /// <summary>
        /// <c>var q = db.Blogs.Include(..).Include(..); ... q.AsSplitQuery()</c>: the split is applied to the local later; and the
        /// same for a helper's query parameter (<c>query = query.Include(..); ... return query.AsSplitQuery();</c>).
        /// </summary>
        private static bool IsSplitLater(IOperation top, EfCompilation ef)
        {
            if (top.Parent is ISimpleAssignmentOperation { Target: IParameterReferenceOperation assigned })
            {
                // Rare (a helper reassigning its parameter): the body's operations, once, from its index.
                return BodyIndex.Of(top).Operations.Any(op => op is IInvocationOperation split && IsSplitBehavior(split, ef)
                    && split.GetReceiverOrThisArgument()?.WalkDownConversions() is IParameterReferenceOperation reference
                    && SymbolEqualityComparer.Default.Equals(reference.Parameter, assigned.Parameter));
            }

            ILocalSymbol? local = top.Parent switch
            {
                IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol,
                ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } => target.Local,
                _ => null,
            };
            if (local is null)
            {
                return false;
            }

            // The calls whose receiver is a reference to the local: up from each reference (BodyIndex), not a walk of the body.
            foreach (var use in BodyIndex.Of(top).References(local))
            {
                var op = use.Parent;
                while (op is IConversionOperation or IArgumentOperation)
                {
                    op = op.Parent;
                }

                if (op is IInvocationOperation split && IsSplitBehavior(split, ef)
                    && split.GetReceiverOrThisArgument()?.WalkDownConversions() is ILocalReferenceOperation reference
                    && SymbolEqualityComparer.Default.Equals(reference.Local, local))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>EF Core's <c>AsSplitQuery()</c> or <c>AsSingleQuery()</c> (by symbol: an application's method of that name is neither).</summary>
        private static bool IsSplitBehavior(IInvocationOperation call, EfCompilation ef)
            => ef.Symbols.Operators.Kind(call.TargetMethod) is OperatorKind.AsSplitQuery or OperatorKind.AsSingleQuery;
    }
}
