namespace PerfAnalyzers.Rules.Query
{
    /// <summary>
    /// EFP310: the same query runs twice in one method, with nothing written in between. Two forms:
    /// <list type="bullet">
    /// <item>a local that holds a deferred EF query (<c>IQueryable</c>, or an <c>IEnumerable</c> that holds one) enumerated
    /// twice: two <c>foreach</c>, <c>ToList</c> twice, <c>AttachRange(q)</c> then <c>q.ForEachAsync</c>, and on an
    /// <c>IEnumerable</c> local also <c>Count()</c>/<c>Any()</c> then <c>foreach</c> (LINQ to Objects runs the query to count);</item>
    /// <item>an identical query (same chain text, same symbols for its arguments, same context) run twice.</item>
    /// </list>
    /// One pass over the body (<see cref="BodyIndex"/>) collects the runs; only bodies with two candidate runs of one query pay
    /// for the second pass (writes, awaits and mutations between), so the cost stays linear in the method's size.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class SameQueryRunsTwiceAnalyzer() : EfAnalyzer(Descriptors.EFP310_SameQueryRunsTwice)
    {
        /// <summary>LINQ to Objects terminals that stop early: on an IEnumerable they read only the first rows.</summary>
        private static bool StopsEarly(OperatorKind kind)
            => kind is OperatorKind.Any or OperatorKind.All or OperatorKind.Contains or OperatorKind.First or OperatorKind.FirstOrDefault
                or OperatorKind.Single or OperatorKind.SingleOrDefault or OperatorKind.ElementAt or OperatorKind.ElementAtOrDefault;

        private protected override void OnCompilationStart(CompilationStartAnalysisContext start, EfCompilation ef)
        {
            if (TestCode.IsTestProject(start.Compilation))
            {
                return; // tests re-read what they just wrote on purpose, against a database they filled
            }

            start.RegisterOperationBlockAction(c =>
            {
                // Tests re-read on purpose; a migration's or the model snapshot's schema code runs no query (SetupCode.IsMigrationMember).
                if (TestCode.IsInTestClass(c.OwningSymbol) || ef.Setup.IsMigrationMember(c.OwningSymbol))
                {
                    return;
                }

                // A finding needs two runs: a body whose syntax has fewer than two places a run can be is not indexed (issue 14:
                // indexing every body of the compilation was most of this rule's time).
                if (!MayHoldTwoRuns(c.OperationBlocks))
                {
                    return;
                }

                var roots = new HashSet<IOperation>();
                foreach (var block in c.OperationBlocks)
                {
                    var root = block.GetRootOperation();
                    if (roots.Add(root))
                    {
                        Analyze(c, ef, BodyIndex.Of(root));
                    }
                }
            });
        }

        /// <summary>
        /// Whether the blocks' syntax has at least two places a <see cref="Run"/> can be: a <c>foreach</c>, or a call named like
        /// a round trip (<see cref="EfCompilation.MayBeRoundTrip"/>, the names <see cref="EfCompilation.TryGetRoundTrip(IInvocationOperation, out RoundTrip, CancellationToken)"/>
        /// accepts) or like a Range method. Every call that is a run is named in the syntax: the calls the syntax does not name
        /// (a query expression's clauses, a collection initializer's <c>Add</c>) are never round trips nor Range methods.
        /// </summary>
        private static bool MayHoldTwoRuns(ImmutableArray<IOperation> blocks)
        {
            var places = 0;
            foreach (var block in blocks)
            {
                foreach (var node in block.Syntax.DescendantNodesAndSelf())
                {
                    var isPlace = node switch
                    {
                        CommonForEachStatementSyntax => true,
                        InvocationExpressionSyntax invocation => invocation.InvokedName() is { } name
                                                                 && (EfCompilation.MayBeRoundTrip(name) || TrackerCall.MayBeRange(name)),
                        _ => false,
                    };
                    if (isPlace && ++places >= 2)
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>One run of a query: a materializing call, a foreach, or a context method that enumerates a query local.</summary>
        private sealed class Run(IOperation operation, string name, OperatorKind terminal, ILocalSymbol? local, bool isClient, string? text, ISymbol? context, IOperation? arguments)
        {
            /// <summary>The invocation or the foreach loop.</summary>
            public IOperation Operation { get; } = operation;

            /// <summary>The name shown in the message (ToListAsync, foreach...).</summary>
            public string Name { get; } = name;

            /// <summary>The terminal (ToList, Count...), <see cref="OperatorKind.ForEach"/> for a loop or a Range method; None for a call outside the vocabulary.</summary>
            public OperatorKind Terminal { get; } = terminal;

            /// <summary>The query local enumerated directly (<c>q.ToList()</c>, <c>foreach (.. in q)</c>), if any.</summary>
            public ILocalSymbol? Local { get; } = local;

            /// <summary>Run by LINQ to Objects over the query (Enumerable.Count, foreach over an IEnumerable).</summary>
            public bool IsClient { get; } = isClient;

            /// <summary>The whole query and terminal as written, without trivia (the identical-query form), or null.</summary>
            public string? Text { get; } = text;

            public ISymbol? Context { get; } = context;

            /// <summary>The operation whose outer symbols must be the same and unchanged (the whole run for the identical-query form).</summary>
            public IOperation? Arguments { get; } = arguments;

            public int Start => Operation.Syntax.SpanStart;

            /// <summary>The run's place in its local's group and in its text's group (set when grouped).</summary>
            public int LocalIndex { get; set; }

            public int TextIndex { get; set; }

            /// <summary>The terminal brings back every row of the query (the same rows, when run twice).</summary>
            public bool IsRows => (QueryOperators.MeaningOf(Terminal) & (OperatorMeaning.Materializing | OperatorMeaning.Drain)) != 0;

            /// <summary>Reads every row: a row terminal, or any LINQ to Objects terminal that does not stop early.</summary>
            public bool IsFull => IsRows || (IsClient && !StopsEarly(Terminal));
        }

        private static void Analyze(OperationBlockAnalysisContext context, EfCompilation ef, BodyIndex body)
        {
            var cancellationToken = context.CancellationToken;
            var byLocal = new Dictionary<ILocalSymbol, List<Run>>(SymbolEqualityComparer.Default);
            var byText = new Dictionary<string, List<Run>>(System.StringComparer.Ordinal);
            var runs = new List<Run>();
            var queryLocals = new Dictionary<ILocalSymbol, bool>(SymbolEqualityComparer.Default);
            foreach (var operation in body.Operations)
            {
                var run = operation switch
                {
                    IInvocationOperation invocation => RunOf(ef, invocation, queryLocals, cancellationToken),
                    IForEachLoopOperation loop => RunOf(ef, loop, queryLocals, cancellationToken),
                    _ => null,
                };
                if (run is null)
                {
                    continue;
                }

                runs.Add(run);
                if (run.Local is not null)
                {
                    run.LocalIndex = Add(byLocal, run.Local, run);
                }

                if (run.Text is not null)
                {
                    run.TextIndex = Add(byText, run.Text, run);
                }
            }

            if (!byLocal.Values.Any(l => l.Count > 1) && !byText.Values.Any(l => l.Count > 1))
            {
                return;
            }

            var changes = new DataChanges(ef, body, cancellationToken);
            var reported = new HashSet<IOperation>();
            foreach (var second in runs.OrderBy(r => r.Start))
            {
                var first = FirstMatch(ef, changes, second, second.Local is null ? null : byLocal[second.Local], sameLocal: true)
                            ?? FirstMatch(ef, changes, second, second.Text is null ? null : byText[second.Text], sameLocal: false);
                if (first is null || !reported.Add(second.Operation))
                {
                    continue;
                }

                // Setup code runs once (seeding, migrating, start-up repairs): a second round trip there is not worth a change.
                if (SetupCode.SilencesRule(ef, context.Options, second.Operation, RuleIds.SameQueryRunsTwice, cancellationToken))
                {
                    continue;
                }

                var line = first.Operation.Syntax.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.EFP310_SameQueryRunsTwice,
                    LocationOf(second),
                    second.Name,
                    first.Name,
                    line.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }
        }

        private static Run? FirstMatch(EfCompilation ef, DataChanges changes, Run second, List<Run>? group, bool sameLocal)
        {
            if (group is null || group.Count < 2)
            {
                return null;
            }

            // The nearest earlier runs first, at most four of them: each second run costs a bounded amount of work, whatever
            // the number of runs of one query in the method (linear in the method's size, issue 14).
            var checkedPairs = 0;
            for (var i = (sameLocal ? second.LocalIndex : second.TextIndex) - 1; i >= 0 && checkedPairs < 4; i--)
            {
                var first = group[i];
                if (first.Start >= second.Start || first.Operation.Syntax.Span.Contains(second.Operation.Syntax.Span)
                    || second.Operation.Syntax.Span.Contains(first.Operation.Syntax.Span))
                {
                    continue;
                }

                checkedPairs++;
                if ((sameLocal ? SameRowsFromLocal(first, second) : SameQueryText(first, second))
                    && OnePath.BothRunOnce(ef, first.Operation, second.Operation)
                    && !changes.Between(first.Start, second.Start, first.Local, first.Arguments, first.Operation))
                {
                    return first;
                }
            }

            return null;
        }

        /// <summary>
        /// Two runs of one local: the same rows twice (row terminals), a LINQ to Objects run that reads every row next to
        /// another run of the same IEnumerable, or the same terminal with the same arguments. Different terminals over an
        /// IQueryable (a CountAsync for the total, a ToListAsync for the page; Any then First) are by design.
        /// </summary>
        private static bool SameRowsFromLocal(Run first, Run second)
            => (first.IsRows && second.IsRows)
               || ((first.IsClient || second.IsClient) && (first.IsFull || second.IsFull))
               || (first.Terminal == second.Terminal && first.Text is not null && first.Text == second.Text);

        private static bool SameQueryText(Run first, Run second)
            => first.Text is not null && first.Text == second.Text
               && first.Context is not null && second.Context is not null && ContextLifetime.SameInstance(first.Context, second.Context)
               && SameOuterSymbols(first.Arguments, second.Arguments);

        // ---- what a run is ----

        private static Run? RunOf(EfCompilation ef, IInvocationOperation invocation, Dictionary<ILocalSymbol, bool> queryLocals, CancellationToken cancellationToken)
        {
            if (ef.TryGetRoundTrip(invocation, out var trip, cancellationToken))
            {
                if (trip.Kind is not (RoundTripKind.Query or RoundTripKind.Load)
                    || !IsRepeatable(trip.Query)
                    || trip.Query.MaterializedBy is not null)
                {
                    return null;
                }

                var receiver = invocation.GetReceiverOrThisArgument()?.WalkDownConversions();
                var local = receiver is ILocalReferenceOperation reference && IsQueryLocal(ef, reference, queryLocals, cancellationToken) ? reference.Local : null;
                var isClient = ef.Symbols.IsEnumerableMethod(invocation.TargetMethod);
                var terminal = ef.Symbols.Operators.Kind(invocation.TargetMethod);
                return new Run(invocation, invocation.TargetMethod.Name, terminal, local, isClient, Text(invocation.Syntax), ef.Lifetime.ContextOf(trip), invocation);
            }

            // db.AttachRange(query), db.Posts.UpdateRange(query): the context enumerates the query local it is given.
            if (TrackerCall.Is(ef.Symbols, invocation.TargetMethod, out _, out var isRange) && isRange
                && invocation.Arguments.Length == 1
                && invocation.Arguments[0].Value.WalkDownConversions() is ILocalReferenceOperation argument
                && IsQueryLocal(ef, argument, queryLocals, cancellationToken)
                && !invocation.IsInsideExpressionTree())
            {
                return new Run(invocation, invocation.TargetMethod.Name, OperatorKind.ForEach, argument.Local, isClient: true, text: null, context: null, arguments: null);
            }

            return null;
        }

        private static Run? RunOf(EfCompilation ef, IForEachLoopOperation loop, Dictionary<ILocalSymbol, bool> queryLocals, CancellationToken cancellationToken)
        {
            var collection = loop.Collection.WalkDownConversions();
            if (collection.IsUnbound())
            {
                return null;
            }

            var local = collection is ILocalReferenceOperation reference && IsQueryLocal(ef, reference, queryLocals, cancellationToken) ? reference.Local : null;
            if (ef.TryGetRoundTrip(loop, out var trip, cancellationToken))
            {
                if (!IsRepeatable(trip.Query))
                {
                    return null;
                }

                return new Run(loop, trip.OperationName, OperatorKind.ForEach, local, isClient: false, "foreach:" + Text(collection.Syntax), ef.Lifetime.ContextOf(trip), collection);
            }

            // foreach over an IEnumerable<T> local that holds a deferred EF query: LINQ to Objects runs the query.
            return local is null ? null : new Run(loop, "foreach", OperatorKind.ForEach, local, isClient: true, text: null, context: null, arguments: null);
        }

        /// <summary>
        /// A local whose every value is a deferred EF query of known root: an <c>IQueryable</c>/<c>DbSet</c> local, or one typed
        /// <c>IEnumerable&lt;T&gt;</c> (an interface, never a list or an array) that holds one.
        /// </summary>
        private static bool IsQueryLocal(EfCompilation ef, ILocalReferenceOperation reference, Dictionary<ILocalSymbol, bool> known, CancellationToken cancellationToken)
        {
            // Once per local and body: its writes are read once, however many runs it has.
            if (!known.TryGetValue(reference.Local, out var isQuery))
            {
                isQuery = ComputeIsQueryLocal(ef, reference, cancellationToken);
                known[reference.Local] = isQuery;
            }

            return isQuery;
        }

        private static bool ComputeIsQueryLocal(EfCompilation ef, ILocalReferenceOperation reference, CancellationToken cancellationToken)
        {
            var type = reference.Local.Type;
            if (!ef.Symbols.IsQueryable(type) && !ef.Symbols.IsAsyncEnumerable(type)
                && !(type is INamedTypeSymbol { TypeKind: TypeKind.Interface } && ef.Symbols.IsSequenceType(type)))
            {
                return false;
            }

            var writes = BodyIndex.Of(reference).Writes(reference.Local);
            if (writes.Count == 0)
            {
                return false;
            }

            foreach (var write in writes)
            {
                var value = write switch
                {
                    IVariableDeclaratorOperation declarator => declarator.GetVariableInitializer()?.Value,
                    ISimpleAssignmentOperation assignment => assignment.Value,
                    _ => null,
                };
                if (value is null)
                {
                    if (write is IVariableDeclaratorOperation)
                    {
                        continue; // 'IQueryable<Post> q;' assigned later
                    }

                    return false; // q ??= .., q += ..: not a query we can read
                }

                if (!IsDeferredQuery(ef, value, cancellationToken))
                {
                    return false; // some value is a list, an array, an in-memory AsQueryable() or of unknown origin
                }
            }

            return true;
        }

        /// <summary>A deferred EF query of known root on every branch of the value (<c>cached ? list : db.Posts</c> is not).</summary>
        private static bool IsDeferredQuery(EfCompilation ef, IOperation value, CancellationToken cancellationToken)
        {
            switch (value.WalkDownConversions())
            {
                case IConditionalOperation { WhenFalse: { } whenFalse } conditional:
                    return IsDeferredQuery(ef, conditional.WhenTrue, cancellationToken) && IsDeferredQuery(ef, whenFalse, cancellationToken);
                case ICoalesceOperation coalesce:
                    return IsDeferredQuery(ef, coalesce.Value, cancellationToken) && IsDeferredQuery(ef, coalesce.WhenNull, cancellationToken);
                case ISwitchExpressionOperation switchExpression:
                    return switchExpression.Arms.All(arm => IsDeferredQuery(ef, arm.Value, cancellationToken));
            }

            var chain = ef.Queries.Build(value, cancellationToken);
            return IsRepeatable(chain) && chain.MaterializedBy is null;
        }

        /// <summary>
        /// An EF query of known root whose second run reads what the first one read: not raw SQL (<c>FromSql("EXEC
        /// NextNumber")</c> may change data or return new values each time).
        /// </summary>
        private static bool IsRepeatable(QueryChain chain) => chain.HasKnownRoot && chain.RootKind != QueryRootKind.RawSql;

        private static string Text(SyntaxNode syntax)
        {
            var builder = new System.Text.StringBuilder();
            foreach (var token in syntax.DescendantTokens())
            {
                builder.Append(token.ValueText).Append(' ');
            }

            return builder.ToString();
        }

        private static Location LocationOf(Run run)
            => run.Operation switch
            {
                IInvocationOperation invocation => invocation.GetMethodNameLocation(),
                IForEachLoopOperation { Syntax: Microsoft.CodeAnalysis.CSharp.Syntax.CommonForEachStatementSyntax forEach } => forEach.Expression.GetLocation(),
                _ => run.Operation.Syntax.GetLocation(),
            };

        private static bool SameOuterSymbols(IOperation? a, IOperation? b)
        {
            var first = DataChanges.OuterSymbols(a);
            var second = DataChanges.OuterSymbols(b);
            return first.Count == second.Count && first.Zip(second, (x, y) => SymbolEqualityComparer.Default.Equals(x, y)).All(same => same);
        }

        private static int Add<TKey>(Dictionary<TKey, List<Run>> map, TKey key, Run run)
            where TKey : notnull
        {
            if (!map.TryGetValue(key, out var list))
            {
                list = new List<Run>();
                map.Add(key, list);
            }

            list.Add(run);
            return list.Count - 1;
        }
    }
}
