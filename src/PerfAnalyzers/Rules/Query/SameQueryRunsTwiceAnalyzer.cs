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
    public sealed class SameQueryRunsTwiceAnalyzer : EfAnalyzer
    {
        /// <summary>Terminals that bring back every row of the query (the same rows, when run twice).</summary>
        private static readonly ImmutableHashSet<string> RowTerminals = ImmutableHashSet.Create(
            "ToList", "ToArray", "ToDictionary", "ToHashSet", "ToLookup", "Load", "ForEach");

        /// <summary>LINQ to Objects terminals that stop early: on an IEnumerable they read only the first rows.</summary>
        private static readonly ImmutableHashSet<string> PartialClientTerminals = ImmutableHashSet.Create(
            "Any", "All", "Contains", "First", "FirstOrDefault", "Single", "SingleOrDefault", "ElementAt", "ElementAtOrDefault");

        /// <summary>Context and set methods that enumerate a sequence they are given (<c>db.AttachRange(query)</c>).</summary>
        private static readonly ImmutableHashSet<string> RangeMethods = ImmutableHashSet.Create(
            "AttachRange", "AddRange", "AddRangeAsync", "UpdateRange", "RemoveRange");

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.EFP310_SameQueryRunsTwice);

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

        /// <summary>One run of a query: a materializing call, a foreach, or a context method that enumerates a query local.</summary>
        private sealed class Run
        {
            public Run(IOperation operation, string name, string terminal, ILocalSymbol? local, bool isClient, string? text, ISymbol? context, IOperation? arguments)
            {
                Operation = operation;
                Name = name;
                Terminal = terminal;
                Local = local;
                IsClient = isClient;
                Text = text;
                Context = context;
                Arguments = arguments;
            }

            /// <summary>The invocation or the foreach loop.</summary>
            public IOperation Operation { get; }

            /// <summary>The name shown in the message (ToListAsync, foreach...).</summary>
            public string Name { get; }

            /// <summary>The terminal's sync name (ToList, Count...), "ForEach" for a loop or a Range method.</summary>
            public string Terminal { get; }

            /// <summary>The query local enumerated directly (<c>q.ToList()</c>, <c>foreach (.. in q)</c>), if any.</summary>
            public ILocalSymbol? Local { get; }

            /// <summary>Run by LINQ to Objects over the query (Enumerable.Count, foreach over an IEnumerable).</summary>
            public bool IsClient { get; }

            /// <summary>The whole query and terminal as written, without trivia (the identical-query form), or null.</summary>
            public string? Text { get; }

            public ISymbol? Context { get; }

            /// <summary>The operation whose outer symbols must be the same and unchanged (the whole run for the identical-query form).</summary>
            public IOperation? Arguments { get; }

            public int Start => Operation.Syntax.SpanStart;

            /// <summary>The run's place in its local's group and in its text's group (set when grouped).</summary>
            public int LocalIndex { get; set; }

            public int TextIndex { get; set; }

            public bool IsRows => RowTerminals.Contains(Terminal);

            /// <summary>Reads every row: a row terminal, or any LINQ to Objects terminal that does not stop early.</summary>
            public bool IsFull => IsRows || (IsClient && !PartialClientTerminals.Contains(Terminal));
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

            var facts = new BodyFacts(ef, body, cancellationToken);
            var reported = new HashSet<IOperation>();
            foreach (var second in runs.OrderBy(r => r.Start))
            {
                var first = FirstMatch(ef, facts, second, second.Local is null ? null : byLocal[second.Local], sameLocal: true)
                            ?? FirstMatch(ef, facts, second, second.Text is null ? null : byText[second.Text], sameLocal: false);
                if (first is null || !reported.Add(second.Operation))
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

        private static Run? FirstMatch(EfCompilation ef, BodyFacts facts, Run second, List<Run>? group, bool sameLocal)
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
                    && RunTogether(ef, first.Operation, second.Operation)
                    && !facts.ChangesBetween(first, second))
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
                var terminal = EfSymbols.SyncName(invocation.TargetMethod.Name);
                return new Run(invocation, invocation.TargetMethod.Name, terminal, local, isClient, Text(invocation.Syntax), ef.Lifetime.ContextOf(trip), invocation);
            }

            // db.AttachRange(query), db.Posts.UpdateRange(query): the context enumerates the query local it is given.
            if (RangeMethods.Contains(invocation.TargetMethod.Name)
                && (ef.Symbols.IsDbContextOrInterface(invocation.TargetMethod.ContainingType) || ef.Symbols.IsDbSet(invocation.TargetMethod.ContainingType))
                && invocation.Arguments.Length == 1
                && invocation.Arguments[0].Value.WalkDownConversions() is ILocalReferenceOperation argument
                && IsQueryLocal(ef, argument, queryLocals, cancellationToken)
                && !invocation.IsInsideExpressionTree())
            {
                return new Run(invocation, invocation.TargetMethod.Name, "ForEach", argument.Local, isClient: true, text: null, context: null, arguments: null);
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

                return new Run(loop, trip.OperationName, "ForEach", local, isClient: false, "foreach:" + Text(collection.Syntax), ef.Lifetime.ContextOf(trip), collection);
            }

            // foreach over an IEnumerable<T> local that holds a deferred EF query: LINQ to Objects runs the query.
            return local is null ? null : new Run(loop, "foreach", "ForEach", local, isClient: true, text: null, context: null, arguments: null);
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

        // ---- the same symbols ----

        /// <summary>The locals, parameters, fields and properties a run reads that are declared outside it, in order.</summary>
        internal static List<ISymbol> OuterSymbols(IOperation? operation)
        {
            var symbols = new List<ISymbol>();
            if (operation is null)
            {
                return symbols;
            }

            var span = operation.Syntax.Span;
            foreach (var op in operation.DescendantsAndSelf())
            {
                ISymbol? symbol = op switch
                {
                    ILocalReferenceOperation local => local.Local,
                    IParameterReferenceOperation parameter => parameter.Parameter,
                    IFieldReferenceOperation field => field.Field,
                    IPropertyReferenceOperation property => property.Property,
                    IInstanceReferenceOperation => null,
                    _ => null,
                };
                if (symbol is null || IsDeclaredInside(symbol, span))
                {
                    continue;
                }

                symbols.Add(symbol);
            }

            return symbols;
        }

        private static bool IsDeclaredInside(ISymbol symbol, Microsoft.CodeAnalysis.Text.TextSpan span)
        {
            if (symbol is not (ILocalSymbol or IParameterSymbol))
            {
                return false;
            }

            foreach (var reference in symbol.DeclaringSyntaxReferences)
            {
                if (span.Contains(reference.Span))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool SameOuterSymbols(IOperation? a, IOperation? b)
        {
            var first = OuterSymbols(a);
            var second = OuterSymbols(b);
            return first.Count == second.Count && first.Zip(second, (x, y) => SymbolEqualityComparer.Default.Equals(x, y)).All(same => same);
        }

        // ---- do the two runs both run, once each? ----

        /// <summary>
        /// Both runs execute, once each, on one path: not in a loop (EFP101's finding), not in a lambda or local function the
        /// other is not in (it runs later, or never), not in exclusive branches (if/else, switch arms), not in a catch (a
        /// retry), and the first not in a branch that leaves (<c>if (..) return q.ToList();</c>).
        /// </summary>
        private static bool RunTogether(EfCompilation ef, IOperation first, IOperation second)
        {
            var ancestors = new HashSet<IOperation>();
            for (var current = first; current is not null; current = current.Parent)
            {
                ancestors.Add(current);
            }

            IOperation? common = null;
            IOperation secondChild = second;
            for (var current = second.Parent; current is not null; secondChild = current, current = current.Parent)
            {
                if (ancestors.Contains(current))
                {
                    common = current;
                    break;
                }
            }

            IOperation firstChild = first;
            for (var current = first; current.Parent is not null && current.Parent != common; current = current.Parent)
            {
                firstChild = current.Parent;
            }

            if (common is null
                || !PathRunsOnce(second, common, leavesIsExclusive: false)
                || !PathRunsOnce(first, common, leavesIsExclusive: true)
                || ef.Loops.FindEnclosingLoop(first) is not null
                || ef.Loops.FindEnclosingLoop(second) is not null)
            {
                return false;
            }

            // Exclusive arms of the statement both sit in.
            switch (common)
            {
                case IConditionalOperation conditional when firstChild != conditional.Condition && secondChild != conditional.Condition:
                    return false;
                case ISwitchOperation when firstChild != secondChild:
                    return false;
                case ISwitchExpressionOperation switchExpression when firstChild != switchExpression.Value && secondChild != switchExpression.Value:
                    return false;
                case ICoalesceOperation:
                case IConditionalAccessOperation:
                    return false; // 'a ?? q.ToList()': the second runs only when the first did not give a value
                case ITryOperation:
                    return false; // one in the try, the other in a catch or finally
            }

            return true;
        }

        /// <summary>
        /// No lambda, local function or catch between <paramref name="run"/> and <paramref name="common"/>; for the first run
        /// (<paramref name="leavesIsExclusive"/>), no branch around it that leaves the method or the block.
        /// </summary>
        private static bool PathRunsOnce(IOperation run, IOperation common, bool leavesIsExclusive)
        {
            IOperation child = run;
            for (var current = run.Parent; current is not null && current != common; child = current, current = current.Parent)
            {
                switch (current)
                {
                    case ILoopOperation loop when !(loop is IForEachLoopOperation forEach && child == forEach.Collection):
                    case IAnonymousFunctionOperation:
                    case ILocalFunctionOperation:
                    case ICatchClauseOperation:
                        return false;
                    case IConditionalOperation conditional when leavesIsExclusive && child != conditional.Condition && Leaves(child):
                    case ISwitchCaseOperation when leavesIsExclusive && Leaves(current):
                        return false;
                }
            }

            return true;
        }

        /// <summary>The branch holds a return, throw, break, continue or goto: code after the branch may run only without it.</summary>
        private static bool Leaves(IOperation branch)
        {
            foreach (var op in branch.DescendantsAndSelf())
            {
                if (op is IReturnOperation or IThrowOperation or IBranchOperation)
                {
                    if (!op.Syntax.Ancestors().Any(a => a is Microsoft.CodeAnalysis.CSharp.Syntax.AnonymousFunctionExpressionSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.LocalFunctionStatementSyntax))
                    {
                        return true;
                    }
                }
            }

            return false;
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

        /// <summary>
        /// What happens in the body that may change what a query returns, by position, computed once per body that has two
        /// candidate runs: writes (saves, bulk statements, raw SQL, transactions, the project's own calls that reach the
        /// database), awaits of anything but an EF read, code that does not bind, and the writes of each local, parameter,
        /// field and property.
        /// </summary>
        private sealed class BodyFacts
        {
            private readonly List<int> _barriers = new List<int>();
            private readonly Dictionary<ISymbol, List<int>> _mutations = new Dictionary<ISymbol, List<int>>(SymbolEqualityComparer.Default);

            public BodyFacts(EfCompilation ef, BodyIndex body, CancellationToken cancellationToken)
            {
                foreach (var op in body.Operations)
                {
                    switch (op)
                    {
                        case IInvalidOperation:
                            _barriers.Add(op.Syntax.SpanStart);
                            break;
                        case IInvocationOperation invocation when IsWrite(ef, invocation, cancellationToken):
                            _barriers.Add(op.Syntax.SpanStart);
                            break;
                        case IAwaitOperation awaited when !IsEfRead(ef, awaited, cancellationToken):
                            _barriers.Add(op.Syntax.SpanStart);
                            break;
                        case IAssignmentOperation assignment:
                            AddTargets(assignment.Target, op.Syntax.SpanStart);
                            break;
                        case IIncrementOrDecrementOperation increment:
                            AddTargets(increment.Target, op.Syntax.SpanStart);
                            break;
                        case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument:
                            AddTargets(argument.Value, op.Syntax.SpanStart);
                            break;
                    }
                }

                _barriers.Sort();
                foreach (var positions in _mutations.Values)
                {
                    positions.Sort();
                }
            }

            /// <summary>Something between the two runs may change the rows: a write, an await, a changed argument or a reassigned local.</summary>
            public bool ChangesBetween(Run first, Run second)
            {
                var start = first.Start;
                var end = second.Start;
                if (AnyBetween(_barriers, start, end))
                {
                    return true;
                }

                // The run's own symbols, the query local it enumerates, and what each local among them is built from
                // (q = db.Posts.Where(p => p.Views > min): 'min' changed between the runs changes the rows).
                var symbols = new List<ISymbol>();
                if (first.Local is not null)
                {
                    symbols.Add(first.Local);
                }

                symbols.AddRange(OuterSymbols(first.Arguments));
                var count = symbols.Count;
                for (var i = 0; i < count; i++)
                {
                    if (symbols[i] is ILocalSymbol local)
                    {
                        if (DefinitionOf(local, first.Operation) is not { } definition)
                        {
                            return true; // built from too many values to follow: assume they may change
                        }

                        symbols.AddRange(definition);
                    }
                }

                foreach (var symbol in symbols)
                {
                    if (_mutations.TryGetValue(symbol, out var positions) && AnyBetween(positions, start, end))
                    {
                        return true;
                    }
                }

                return false;
            }

            private readonly Dictionary<ILocalSymbol, List<ISymbol>?> _definitions = new Dictionary<ILocalSymbol, List<ISymbol>?>(SymbolEqualityComparer.Default);

            /// <summary>The symbols a local's values read (every write of it), once per local; null when there are too many to follow.</summary>
            private List<ISymbol>? DefinitionOf(ILocalSymbol local, IOperation user)
            {
                if (!_definitions.TryGetValue(local, out var definition))
                {
                    var set = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
                    foreach (var write in BodyIndex.Of(user).Writes(local))
                    {
                        set.UnionWith(OuterSymbols(write));
                        if (set.Count > 32)
                        {
                            break;
                        }
                    }

                    definition = set.Count > 32 ? null : set.ToList();
                    _definitions[local] = definition;
                }

                return definition;
            }

            /// <summary>A position strictly between <paramref name="start"/> and <paramref name="end"/> in a sorted list.</summary>
            private static bool AnyBetween(List<int> sorted, int start, int end)
            {
                var index = sorted.BinarySearch(start + 1);
                if (index < 0)
                {
                    index = ~index;
                }

                return index < sorted.Count && sorted[index] < end;
            }

            private void AddTargets(IOperation target, int position)
            {
                foreach (var op in target.DescendantsAndSelf())
                {
                    ISymbol? symbol = op switch
                    {
                        ILocalReferenceOperation local => local.Local,
                        IParameterReferenceOperation parameter => parameter.Parameter,
                        IFieldReferenceOperation field => field.Field,
                        IPropertyReferenceOperation property => property.Property,
                        _ => null,
                    };
                    if (symbol is not null)
                    {
                        Add(symbol, position);
                    }
                }
            }

            private void Add(ISymbol symbol, int position)
            {
                if (!_mutations.TryGetValue(symbol, out var list))
                {
                    list = new List<int>();
                    _mutations.Add(symbol, list);
                }

                list.Add(position);
            }

            private static bool IsWrite(EfCompilation ef, IInvocationOperation invocation, CancellationToken cancellationToken)
            {
                if (invocation.IsUnbound() || invocation.Instance.IsUnbound() || invocation.HasUnboundArgument())
                {
                    return true;
                }

                if (ef.TryGetRoundTrip(invocation, out var trip, cancellationToken))
                {
                    return trip.Kind is RoundTripKind.SaveChanges or RoundTripKind.BulkUpdate or RoundTripKind.BulkDelete or RoundTripKind.RawSqlCommand;
                }

                var method = invocation.TargetMethod;
                if (SaveCalls.IsSave(invocation, ef.Symbols, cancellationToken)
                    || method.Name.IndexOf("Transaction", System.StringComparison.Ordinal) >= 0
                    || method.ContainingType?.Name.IndexOf("Transaction", System.StringComparison.Ordinal) >= 0)
                {
                    return true;
                }

                // The project's own code that reaches the database (a repository's update, a service that saves).
                return method.DeclaringSyntaxReferences.Length > 0
                       && !invocation.IsInsideExpressionTree()
                       && ef.Summaries.Get(invocation, cancellationToken).PerformsRoundTrip;
            }

            private static bool IsEfRead(EfCompilation ef, IAwaitOperation awaited, CancellationToken cancellationToken)
            {
                var value = awaited.Operation.WalkDownConversions();
                if (value is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configure && configure.Instance is { } instance)
                {
                    value = instance.WalkDownConversions();
                }

                return value is IInvocationOperation call
                       && ef.TryGetRoundTrip(call, out var trip, cancellationToken)
                       && trip.Kind is RoundTripKind.Query or RoundTripKind.Load or RoundTripKind.Find;
            }
        }
    }
}
