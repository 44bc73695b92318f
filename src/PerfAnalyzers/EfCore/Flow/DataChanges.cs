namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// What happens in the body that may change what a query returns, by position, computed once per body that has two
    /// candidate runs: writes (saves, bulk statements, raw SQL, transactions, the project's own calls that reach the
    /// database), awaits of anything but an EF read, code that does not bind, and the writes of each local, parameter,
    /// field and property.
    /// </summary>
    internal sealed class DataChanges
    {
        private readonly List<int> _barriers = new List<int>();
        private readonly Dictionary<ISymbol, List<int>> _mutations = new Dictionary<ISymbol, List<int>>(SymbolEqualityComparer.Default);

        public DataChanges(EfCompilation ef, BodyIndex body, CancellationToken cancellationToken)
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

        /// <summary>
        /// Something between <paramref name="start"/> and <paramref name="end"/> may change what the operation at
        /// <paramref name="start"/> read: a write, an await, a changed argument (<paramref name="reads"/>' outer symbols) or
        /// a reassigned <paramref name="local"/>, or what such a local is built from.
        /// </summary>
        public bool Between(int start, int end, ILocalSymbol? local, IOperation? reads, IOperation at)
        {
            if (AnyBetween(_barriers, start, end))
            {
                return true;
            }

            // The run's own symbols, the query local it enumerates, and what each local among them is built from
            // (q = db.Posts.Where(p => p.Views > min): 'min' changed between the runs changes the rows).
            var symbols = new List<ISymbol>();
            if (local is not null)
            {
                symbols.Add(local);
            }

            symbols.AddRange(OuterSymbols(reads));
            var count = symbols.Count;
            for (var i = 0; i < count; i++)
            {
                if (symbols[i] is ILocalSymbol built)
                {
                    if (DefinitionOf(built, at) is not { } definition)
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
                if (SymbolOf(op) is { } symbol)
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
            return awaited.WalkDownAwait(out _, out _) is IInvocationOperation call
                   && ef.TryGetRoundTrip(call, out var trip, cancellationToken)
                   && trip.Kind is RoundTripKind.Query or RoundTripKind.Load or RoundTripKind.Find;
        }

        /// <summary>The locals, parameters, fields and properties a run reads that are declared outside it, in order.</summary>
        public static List<ISymbol> OuterSymbols(IOperation? operation)
        {
            var symbols = new List<ISymbol>();
            if (operation is null)
            {
                return symbols;
            }

            var span = operation.Syntax.Span;
            foreach (var op in operation.DescendantsAndSelf())
            {
                var symbol = SymbolOf(op);
                if (symbol is null || IsDeclaredInside(symbol, span))
                {
                    continue;
                }

                symbols.Add(symbol);
            }

            return symbols;
        }

        /// <summary>The local, parameter, field or property an operation reads or writes; null for anything else.</summary>
        private static ISymbol? SymbolOf(IOperation operation) => operation switch
        {
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            IFieldReferenceOperation field => field.Field,
            IPropertyReferenceOperation property => property.Property,
            _ => null,
        };

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
    }
}
