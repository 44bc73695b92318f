namespace PerfAnalyzers.Rules.Writes
{
    /// <summary>
    /// EFP202: Add/AddAsync on a DbSet or DbContext once per iteration of a loop that only builds and adds entities:
    /// no round trip (query, Find, SaveChanges...) in the loop, no other use of the context, and the added entity is not
    /// used after the Add in the same iteration (its generated key, its EntityEntry). Uses EFP201's loop placement (not
    /// in retry loops, catch/finally, or behind a batch guard). Not in setup code (<see cref="SetupCode"/>, unless
    /// <c>report_seeding_code</c>).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class AddInLoopAnalyzer() : EfAnalyzer(Descriptors.EFP202_AddInLoop)
    {
        /// <summary>Diagnostic property: "true" when the code fix can collect the entities and call AddRange after the loop.</summary>
        public const string CanFixProperty = "CanFix";

        /// <summary>Diagnostic property: the element type of the list the fix builds (minimal display at the call).</summary>
        public const string ElementTypeProperty = "ElementType";

        private protected override void OnCompilationStart(CompilationStartAnalysisContext start, EfCompilation ef)
        {
            start.RegisterOperationAction(c => Analyze(c, ef), OperationKind.Invocation);
        }

        internal static bool IsAddCall(EfSymbols symbols, IMethodSymbol method)
            => TrackerCall.Is(symbols, method, out var kind, out var isRange) && kind == TrackerKind.Add && !isRange;

        private static void Analyze(OperationAnalysisContext context, EfCompilation ef)
        {
            var invocation = (IInvocationOperation)context.Operation;
            if (!IsAddCall(ef.Symbols, invocation.TargetMethod) || invocation.IsInsideExpressionTree()
                || invocation.Instance.IsUnbound() || invocation.HasUnboundArgument())
            {
                return;
            }

            var entity = invocation.GetArgumentValue(0)?.WalkDownConversions();
            var contextSymbol = ContextSymbol(ef.Symbols, invocation.Instance);
            if (entity is null || contextSymbol is null)
            {
                return;
            }

            var placement = ef.Loops.FindEnclosingLoop(invocation);
            if (placement is null || !placement.RunsPerIteration)
            {
                return;
            }

            var loop = placement.Loop;
            var statement = AddStatement(invocation);
            if (statement is null)
            {
                // The EntityEntry (or the awaited one) is used: the loop does more than add.
                return;
            }

            var addCalls = 0;
            var onlyAdds = true;
            var exits = false;
            foreach (var op in loop.Body.DescendantsAndSelf())
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                switch (op)
                {
                    case IInvocationOperation call when IsAddCall(ef.Symbols, call.TargetMethod):
                        addCalls++;
                        break;
                    case IInvocationOperation call when ef.TryGetRoundTrip(call, out _, context.CancellationToken):
                        return;
                    case IForEachLoopOperation forEach when ef.TryGetRoundTrip(forEach, out _, context.CancellationToken):
                        return;
                    case IReturnOperation or IThrowOperation:
                        exits |= !IsInNestedFunction(op, loop.Body);
                        break;
                    case IBranchOperation { BranchKind: BranchKind.GoTo }:
                        exits = true;
                        break;
                }

                if (IsContextReference(op, contextSymbol) && !IsReceiverOfAdd(ef.Symbols, op))
                {
                    // Entry(), Attach, Remove, Local, ChangeTracker...: the loop does more than build and add.
                    onlyAdds = false;
                }
            }

            if (!onlyAdds || UsedAfter(entity, statement, loop.Body))
            {
                return;
            }

            if (SetupCode.SilencesRule(ef, context.Options, invocation, RuleIds.AddInLoop, context.CancellationToken))
            {
                // Seeding, migration, installation and start-up code runs once.
                return;
            }

            var canFix = addCalls == 1 && !exits && loop.Loop is ILoopOperation loopOperation && loopOperation.Parent is IBlockOperation
                         && entity.Type is { } entityType && entityType.TypeKind != TypeKind.Error
                         && !ReferencesLoopLocals(invocation, loopOperation, entity);
            var properties = ImmutableDictionary<string, string?>.Empty
                .Add(CanFixProperty, canFix ? "true" : "false")
                .Add(ElementTypeProperty, entity.Type?.ToMinimalDisplayString(invocation.SemanticModel!, invocation.Syntax.SpanStart) ?? "");
            var rangeName = invocation.TargetMethod.Name == "AddAsync" ? "AddRangeAsync" : "AddRange";
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.EFP202_AddInLoop,
                invocation.GetMethodNameLocation(),
                properties,
                invocation.TargetMethod.Name,
                loop.DisplayName,
                rangeName));
        }

        /// <summary>The context behind <c>db.Posts</c>, <c>db.Set&lt;Post&gt;()</c> or <c>db</c>: a local, parameter, field or property.</summary>
        internal static ISymbol? ContextSymbol(EfSymbols symbols, IOperation? receiver)
        {
            var op = receiver?.WalkDownConversions();
            if (op is IPropertyReferenceOperation { Instance: { } instance } property && symbols.IsDbSet(property.Type))
            {
                op = instance.WalkDownConversions();
            }
            else if (op is IFieldReferenceOperation { Instance: { } fieldInstance } field && symbols.IsDbSet(field.Type))
            {
                op = fieldInstance.WalkDownConversions();
            }
            else if (op is IInvocationOperation { Instance: { } setInstance } set && symbols.IsSetMethod(set.TargetMethod))
            {
                op = setInstance.WalkDownConversions();
            }

            return op switch
            {
                ILocalReferenceOperation local => local.Local,
                IParameterReferenceOperation parameter => parameter.Parameter,
                IFieldReferenceOperation field => field.Field,
                IPropertyReferenceOperation contextProperty => contextProperty.Property,
                IInstanceReferenceOperation thisReference => thisReference.Type,
                _ => null,
            };
        }

        private static bool IsContextReference(IOperation op, ISymbol contextSymbol)
        {
            var symbol = op switch
            {
                ILocalReferenceOperation local => local.Local,
                IParameterReferenceOperation parameter => parameter.Parameter,
                IFieldReferenceOperation field => field.Field,
                IPropertyReferenceOperation property => property.Property,
                IInstanceReferenceOperation instance when op.Parent is not IMemberReferenceOperation => instance.Type,
                _ => (ISymbol?)null,
            };
            return symbol is not null && SymbolEqualityComparer.Default.Equals(symbol, contextSymbol);
        }

        /// <summary>The context reference sits in the receiver of an Add call (<c>db</c> in <c>db.Posts.Add(x)</c>).</summary>
        private static bool IsReceiverOfAdd(EfSymbols symbols, IOperation op)
        {
            for (var current = op.Parent; current is not null; current = current.Parent)
            {
                switch (current)
                {
                    case IInvocationOperation call when IsAddCall(symbols, call.TargetMethod):
                        return call.Instance is not null && op.IsDescendantOf(call.Instance);
                    case IMemberReferenceOperation:
                    case IConversionOperation:
                    case IInvocationOperation call2 when symbols.IsSetMethod(call2.TargetMethod):
                        continue;
                    default:
                        return false;
                }
            }

            return false;
        }

        /// <summary>The statement <c>db.Add(x);</c> or <c>await db.AddAsync(x, ct)[.ConfigureAwait(..)];</c>, or null when the result is used.</summary>
        internal static IExpressionStatementOperation? AddStatement(IInvocationOperation invocation)
        {
            IOperation current = invocation;
            if (current.Parent is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configureAwait && configureAwait.Instance == current)
            {
                current = configureAwait;
            }

            if (current.Parent is IAwaitOperation awaitOperation)
            {
                current = awaitOperation;
            }
            else if (invocation.TargetMethod.Name == "AddAsync")
            {
                // An AddAsync that is not awaited here: its task is used some other way.
                return null;
            }

            return current.Parent as IExpressionStatementOperation;
        }

        private static bool IsInNestedFunction(IOperation op, IOperation body)
        {
            for (var current = op.Parent; current is not null && current != body; current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The added entity (a local) is read after the Add in the same iteration: its generated key or state would differ
        /// once the Add moves after the loop.
        /// </summary>
        private static bool UsedAfter(IOperation entity, IOperation statement, IOperation body)
        {
            if (entity is IObjectCreationOperation)
            {
                return false;
            }

            ISymbol? symbol = entity switch
            {
                ILocalReferenceOperation local => local.Local,
                IParameterReferenceOperation parameter => parameter.Parameter,
                _ => null,
            };
            if (symbol is null)
            {
                // A field, an element of a collection, a call result...: we cannot tell who reads it later.
                return true;
            }

            var end = statement.Syntax.Span.End;
            foreach (var op in body.Descendants())
            {
                if (op.Syntax.SpanStart < end)
                {
                    continue;
                }

                if (op is ILocalReferenceOperation local && SymbolEqualityComparer.Default.Equals(local.Local, symbol)
                    || op is IParameterReferenceOperation parameter && SymbolEqualityComparer.Default.Equals(parameter.Parameter, symbol))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The Add's receiver and arguments other than the entity must mean the same after the loop.</summary>
        private static bool ReferencesLoopLocals(IInvocationOperation invocation, ILoopOperation loop, IOperation entity)
        {
            var loopLocals = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
            foreach (var op in loop.DescendantsAndSelf())
            {
                if (op is IVariableDeclaratorOperation declarator)
                {
                    loopLocals.Add(declarator.Symbol);
                }
            }

            foreach (var local in loop.Locals)
            {
                loopLocals.Add(local);
            }

            foreach (var op in invocation.DescendantsAndSelf())
            {
                if (op.IsDescendantOf(entity))
                {
                    continue;
                }

                if (op is ILocalReferenceOperation local && loopLocals.Contains(local.Local))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
