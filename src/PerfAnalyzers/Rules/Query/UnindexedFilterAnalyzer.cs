namespace PerfAnalyzers.Rules.Query
{
    /// <summary>
    /// EFP314: a lookup of an EF query rooted in a DbSet in the same method (<c>First*</c>, <c>Single*</c> or <c>Any</c>,
    /// with the predicate in it or in a <c>Where</c> before it in the same expression) compares a column of the entity
    /// with a value (<c>==</c>) and no index starts with that column (<see cref="EfModel.IsLeadingIndexedColumn"/>: keys, foreign keys,
    /// HasIndex, [Index], the snapshot). Silent when any other condition of the query (its own &amp;&amp; conjuncts, the
    /// query's other Where calls) uses an indexed column or a navigation (the database can seek on that), for an OR at
    /// the top of a predicate, for bool and enum columns (few distinct values), for tables that do not grow over time
    /// (<see cref="TableGrowth"/> with a creation timestamp: not seeded, lookup, configuration or catalog tables), when the source does not show every index
    /// of the entity (<see cref="EfModel.AreIndexesVisible"/>), and in test and setup code. Reported once per entity and
    /// column in a method, on the first comparison.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class UnindexedFilterAnalyzer() : EfAnalyzer(Descriptors.EFP314_UnindexedFilter)
    {
        private protected override void OnCompilationStart(CompilationStartAnalysisContext start, EfCompilation ef)
        {
            if (TestCode.IsTestProject(start.Compilation))
            {
                return; // a test database holds what the test put there
            }

            start.RegisterOperationBlockStartAction(block =>
            {
                if (TestCode.IsInTestClass(block.OwningSymbol))
                {
                    return;
                }

                var found = new List<Finding>();
                block.RegisterOperationAction(c => Collect(c, ef, found), OperationKind.Invocation);
                block.RegisterOperationBlockEndAction(end =>
                {
                    List<Finding> snapshot;
                    lock (found)
                    {
                        snapshot = found.ToList();
                    }

                    // Once per (entity, column) in a method: the first comparison in the source.
                    foreach (var group in snapshot.GroupBy(f => (Entity: f.Entity.Name, Column: f.Column.Name)))
                    {
                        var first = group.OrderBy(f => f.Location.SourceSpan.Start).First();
                        end.ReportDiagnostic(Diagnostic.Create(
                            Descriptors.EFP314_UnindexedFilter,
                            first.Location,
                            first.Operator,
                            first.Entity.Name,
                            first.Column.Name,
                            first.Growth));
                    }
                });
            });
        }

        private sealed class Finding(ITypeSymbol entity, IPropertySymbol column, Location location, string @operator, string growth)
        {
            public ITypeSymbol Entity { get; } = entity;

            public IPropertySymbol Column { get; } = column;

            public Location Location { get; } = location;

            public string Operator { get; } = @operator;

            public string Growth { get; } = growth;
        }

        private static void Collect(OperationAnalysisContext context, EfCompilation ef, List<Finding> found)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var method = invocation.TargetMethod;
            var name = EfSymbols.SyncName(method.Name);
            // Operators whose predicate is a WHERE clause (All's is negated: NOT EXISTS, not a seek).
            if (ef.Symbols.Operators.Kind(method) is not (OperatorKind.Where or OperatorKind.First or OperatorKind.FirstOrDefault or OperatorKind.Single
                    or OperatorKind.SingleOrDefault or OperatorKind.Last or OperatorKind.LastOrDefault or OperatorKind.Any or OperatorKind.Count or OperatorKind.LongCount)
                || !(ef.Symbols.IsQueryableMethod(method) || EfSymbols.IsEfExtensionMethod(method))
                || invocation.IsInsideExpressionTree() // a subquery: its plan depends on the outer query
                || invocation.IsUnbound()
                || invocation.HasUnboundArgument())
            {
                return;
            }

            var predicate = invocation.Arguments.FirstOrDefault(a => a.Parameter?.Name == "predicate")?.Value.AsLambda();
            if (predicate is not { Symbol.Parameters.Length: 1 } || !PerfAnalyzers.EfCore.OperationExtensions.IsExpressionTreeLambda(predicate))
            {
                return;
            }

            var receiver = invocation.GetReceiverOrThisArgument();
            if (receiver is null || receiver.IsUnbound())
            {
                return;
            }

            // A lookup: the code expects one row (First*/Single*) or asks whether one exists (Any), so the value is
            // selective and a seek would read a row or two where the scan reads the table.
            var later = QueryFlow.ChainedAfter(invocation, out _);
            if (!IsLookupTerminal(name) && !later.Any(o => IsLookupTerminal(EfSymbols.SyncName(o.TargetMethod.Name))))
            {
                return;
            }

            var chain = ef.Queries.Build(receiver, context.CancellationToken);
            var entity = chain.EntityType;
            if (chain.RootKind is not (QueryRootKind.DbSet or QueryRootKind.SetMethod)
                || entity is not INamedTypeSymbol { TypeKind: TypeKind.Class }
                || predicate.Symbol.Parameters[0].Type is not { } rowType
                || chain.Operators.Any(o => o.IsClientSide || !(QueryOperators.KeepsRootRows(o.Kind) || o.Kind == OperatorKind.AsQueryable)) // a later predicate still filters the entity's table
                || !SymbolEqualityComparer.Default.Equals(rowType.OriginalDefinition, entity.OriginalDefinition))
            {
                return; // raw SQL, a navigation query, a projection/join/group before the filter, client-side operators
            }

            if (chain.Root is null || !InSameMember(chain.Root, invocation))
            {
                return; // a query built elsewhere (a parameter, a helper): filters applied there are not all visible here
            }

            var model = ef.Model;
            var row = predicate.Symbol.Parameters[0];
            var candidates = new List<IPropertyReferenceOperation>();
            foreach (var conjunct in Conjuncts(predicate))
            {
                if (Compared(conjunct, row) is { } column)
                {
                    candidates.Add(column);
                }
            }

            if (candidates.Count == 0)
            {
                return;
            }

            // Every condition the query applies: this predicate, the query's Where calls before it and those after it in
            // the same expression. One that uses an indexed column (or a navigation, or the row in a way we cannot read)
            // lets the database seek: silent.
            var predicates = new List<IAnonymousFunctionOperation> { predicate };
            predicates.AddRange(chain.Operators.Where(o => o.Name == "Where").Select(o => o.Invocation.GetArgumentValue(1).AsLambda()).Where(l => l is not null)!);
            predicates.AddRange(later.Select(o => o.Arguments.FirstOrDefault(a => a.Parameter?.Name == "predicate")?.Value.AsLambda()).Where(l => l is not null)!);
            predicates.AddRange(SameVariablePredicates(receiver, invocation));
            foreach (var lambda in predicates)
            {
                if (lambda.Symbol.Parameters.Length != 1 || Conjuncts(lambda).Any(c => UsesIndexedColumn(c, lambda.Symbol.Parameters[0], entity, model)))
                {
                    return;
                }
            }

            if (model.FindKey(entity).IsEmpty && !BaseKeyKnown(model, entity))
            {
                return; // keyless, or a key the source does not show
            }

            var contextType = ContextType(chain);
            if (model.AreIndexesVisible(entity, contextType) != IndexVisibility.Visible)
            {
                return;
            }

            // A table that grows over time (a parent or owner and a creation timestamp: posts, uploads, events). Lookup,
            // seeded and configuration tables stay small, and tables that only mirror a catalog (playlists, shows synced
            // from a media server) are bounded by it: a scan of them is cheap (ErsatzTV's Playlist.Name, PlexShow.Key).
            var growth = ef.Growth.Explain(entity);
            if (!growth.Grows || !growth.Timestamped)
            {
                return;
            }

            if (SetupCode.SilencesRule(ef, context.Options, invocation, RuleIds.UnindexedFilter, context.CancellationToken))
            {
                return; // startup, seeding and migration code runs once
            }

            lock (found)
            {
                foreach (var column in candidates)
                {
                    found.Add(new Finding(entity, column.Property, column.Syntax.GetLocation(), method.Name, growth.Reason));
                }
            }
        }

        /// <summary>The top-level &amp;&amp; conjuncts of a predicate's body (the body itself when it is not a single return).</summary>
        private static IEnumerable<IOperation> Conjuncts(IAnonymousFunctionOperation lambda)
        {
            var returned = SourceBodies.ReturnedValues(lambda.Body).ToList();
            if (returned.Count != 1)
            {
                yield return lambda.Body;
                yield break;
            }

            var stack = new Stack<IOperation>();
            stack.Push(returned[0].WalkDownConversions());
            while (stack.Count > 0)
            {
                var current = stack.Pop();
                if (current is IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.And } and && stack.Count < 64)
                {
                    stack.Push(and.RightOperand.WalkDownConversions());
                    stack.Push(and.LeftOperand.WalkDownConversions());
                }
                else
                {
                    yield return current;
                }
            }
        }

        /// <summary>
        /// <c>x.Column == value</c> (or &lt;, &lt;=, &gt;, &gt;=, either side) where the column is a mapped scalar of the row
        /// declared in source, neither bool nor enum, and the value does not depend on the row and is not null.
        /// </summary>
        private static IPropertyReferenceOperation? Compared(IOperation conjunct, IParameterSymbol row)
        {
            if (conjunct is not IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals } binary || binary.IsUnbound())
            {
                return null;
            }

            var left = binary.LeftOperand.WalkDownConversions();
            var right = binary.RightOperand.WalkDownConversions();
            var (column, value) = IsRowColumn(left, row) ? (left, right) : IsRowColumn(right, row) ? (right, left) : (null, null);
            if (column is not IPropertyReferenceOperation reference || value is null
                || value.IsUnbound()
                || ReadsRow(value, row)
                || value is ILiteralOperation { ConstantValue: { HasValue: true, Value: null } }
                || value.ConstantValue is { HasValue: true, Value: null }
                || reference.Property.DeclaringSyntaxReferences.Length == 0
                || !IsSelectiveScalar(reference.Property.Type))
            {
                return null;
            }

            return reference;
        }

        private static bool IsRowColumn(IOperation operation, IParameterSymbol row)
            => operation is IPropertyReferenceOperation { Instance: { } instance, Property.IsIndexer: false }
               && instance.WalkDownConversions() is IParameterReferenceOperation reference
               && SymbolEqualityComparer.Default.Equals(reference.Parameter, row);

        private static bool ReadsRow(IOperation operation, IParameterSymbol row)
            => operation.DescendantsAndSelf().Any(o => o is IParameterReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Parameter, row));

        /// <summary>Scalars whose values are usually many: numbers, strings, Guids, dates. Not bool or enum (an index rarely helps).</summary>
        private static bool IsSelectiveScalar(ITypeSymbol type)
        {
            if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
            {
                type = nullable.TypeArguments[0];
            }

            if (type.TypeKind == TypeKind.Enum)
            {
                return false;
            }

            switch (type.SpecialType)
            {
                case SpecialType.System_String:
                case SpecialType.System_Int16:
                case SpecialType.System_Int32:
                case SpecialType.System_Int64:
                case SpecialType.System_UInt16:
                case SpecialType.System_UInt32:
                case SpecialType.System_UInt64:
                case SpecialType.System_Decimal:
                case SpecialType.System_Double:
                case SpecialType.System_Single:
                case SpecialType.System_DateTime:
                    return true;
                case SpecialType.None:
                    return type.Name is "Guid" or "DateTimeOffset" or "DateOnly" or "TimeOnly" or "Instant" or "LocalDate"
                           && type.ContainingNamespace?.ToDisplayString() is "System" or "NodaTime";
                default:
                    return false;
            }
        }

        /// <summary>
        /// The condition reads the row through an indexed column, a navigation, an owned or complex member, or in a way
        /// that is not a plain column read (the row passed to a method, <c>EF.Property(x, "..")</c>).
        /// </summary>
        private static bool UsesIndexedColumn(IOperation condition, IParameterSymbol row, ITypeSymbol entity, EfModel model)
        {
            foreach (var operation in condition.DescendantsAndSelf())
            {
                if (operation is not IParameterReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Parameter, row))
                {
                    continue;
                }

                var parent = reference.WalkUpConversions().Parent;

                if (parent is not IPropertyReferenceOperation { Property: var property } member || member.Instance is null)
                {
                    return true; // the row itself passed on, compared or cast: not a column read we can judge
                }

                if (!EfModel.IsScalarColumnType(property.Type) || model.IsLeadingIndexedColumn(entity, property))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsLookupTerminal(string name)
            => name is "First" or "FirstOrDefault" or "Single" or "SingleOrDefault" or "Any";

        /// <summary>
        /// <c>q = q.Where(..)</c> in steps: every predicate applied anywhere in the method to the local or parameter the
        /// filtered query is read from (whatever the order or the branch), so a filter on an indexed column is not missed.
        /// </summary>
        private static IEnumerable<IAnonymousFunctionOperation> SameVariablePredicates(IOperation receiver, IInvocationOperation invocation)
        {
            var symbol = receiver.WalkDownConversions() switch
            {
                ILocalReferenceOperation local => (ISymbol)local.Local,
                IParameterReferenceOperation parameter => parameter.Parameter,
                _ => null,
            };
            if (symbol is null)
            {
                yield break;
            }

            var root = invocation.GetRootOperation();
            foreach (var call in root.DescendantsAndSelf().OfType<IInvocationOperation>())
            {
                var source = call.GetReceiverOrThisArgument()?.WalkDownConversions();
                var same = source switch
                {
                    ILocalReferenceOperation local => SymbolEqualityComparer.Default.Equals(local.Local, symbol),
                    IParameterReferenceOperation parameter => SymbolEqualityComparer.Default.Equals(parameter.Parameter, symbol),
                    _ => false,
                };
                if (same && call.Arguments.FirstOrDefault(a => a.Parameter?.Name == "predicate")?.Value.AsLambda() is { } lambda)
                {
                    yield return lambda;
                }
            }
        }

        /// <summary>Both operations are in the same method, local function or lambda body's member (the query's root is visible here).</summary>
        private static bool InSameMember(IOperation root, IOperation operation)
            => root.Syntax.SyntaxTree == operation.Syntax.SyntaxTree && root.GetRootOperation().Syntax == operation.GetRootOperation().Syntax;

        private static bool BaseKeyKnown(EfModel model, ITypeSymbol entity)
        {
            for (var t = entity.BaseType; t is not null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
            {
                if (!model.FindKey(t).IsEmpty)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The context the query's DbSet belongs to: the DbSet property's type, or the receiver of Set&lt;T&gt;().</summary>
        private static ITypeSymbol? ContextType(QueryChain chain)
        {
            if (chain.Context?.Type is { } contextType)
            {
                return contextType;
            }

            return chain.Root switch
            {
                IPropertyReferenceOperation property => property.Property.ContainingType,
                IFieldReferenceOperation field => field.Field.ContainingType,
                IInvocationOperation call => call.Instance?.Type ?? call.TargetMethod.ContainingType,
                _ => null,
            };
        }
    }
}
