namespace PerfAnalyzers.Rules.Writes
{
    /// <summary>
    /// EFP206: one tracked entity loaded by a query (<see cref="SingleRowLoad"/>) only to change a numeric column relative
    /// to its own value (<c>x.Count += n</c>, <c>x.Count++</c>, <c>x.Count = x.Count + n</c>), then saved: a SELECT and an
    /// UPDATE, and a lost update when two requests read the same value. The fix is one ExecuteUpdate(Async) on a copy of the
    /// load's filter, offered only on EF Core 7+ and when the load, the change and the save are consecutive.
    /// Silent when the entity is used for anything else, when WriteSafety finds behaviour the bulk statement would bypass
    /// (concurrency token, save events, interceptors...), in a loop (EFP203's), in test and setup code.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class ReadModifyWriteAnalyzer() : EfAnalyzer(Descriptors.EFP206_ReadModifyWrite)
    {
        private protected override void OnCompilationStart(CompilationStartAnalysisContext start, EfCompilation ef)
        {
            if (TestCode.IsTestProject(start.Compilation))
            {
                return;
            }

            start.RegisterOperationAction(
                c => Analyze(c, ef),
                OperationKind.CompoundAssignment,
                OperationKind.Increment,
                OperationKind.Decrement,
                OperationKind.SimpleAssignment);
        }

        private static void Analyze(OperationAnalysisContext context, EfCompilation ef)
        {
            var change = context.Operation;
            if (change.Parent is not IExpressionStatementOperation statement
                || ColumnChange.Of(change) is not { } column
                || change.IsInsideExpressionTree())
            {
                return;
            }

            var local = column.Entity;
            var root = change.GetRootOperation();
            var index = BodyIndex.Of(root);
            var writes = index.Writes(local);
            if (writes.Count != 1 || writes[0] is not IVariableDeclaratorOperation declarator
                || declarator.GetVariableInitializer()?.Value is not { } initializer
                || declarator.GetContainingStatement() is not { } loadStatement
                || loadStatement is not IVariableDeclarationGroupOperation { Declarations: { Length: 1 } declarations }
                || declarations[0].Declarators.Length != 1)
            {
                return;
            }

            var load = SingleRowLoad.Find(ef, initializer, local.Name, context.CancellationToken);
            if (load is null || !SymbolEqualityComparer.Default.Equals(load.Entity, local.Type))
            {
                return;
            }

            // The load precedes the change in the same block or one around it.
            if (loadStatement.Parent is not IBlockOperation loadBlock || !statement.IsDescendantOf(loadBlock)
                || loadStatement.Syntax.SpanStart >= statement.Syntax.SpanStart)
            {
                return;
            }

            // Every other use of the entity: a null check (no fix), a read of the changed column (no fix), nothing else.
            var nullChecked = false;
            var columnReadElsewhere = false;
            foreach (var reference in index.References(local))
            {
                if (reference.IsDescendantOf(statement))
                {
                    if (!ReferenceEquals(reference, column.Instance) && !ReferenceEquals(reference, column.ValueInstance))
                    {
                        return;
                    }

                    continue;
                }

                if (EntityFlow.IsNullCheck(reference))
                {
                    nullChecked = true;
                }
                else if (reference.Parent is IPropertyReferenceOperation read && ReferenceEquals(read.Instance?.WalkDownConversions(), reference)
                         && SymbolEqualityComparer.Default.Equals(read.Property, column.Property) && !EntityFlow.IsWritten(read))
                {
                    columnReadElsewhere = true;
                }
                else
                {
                    return;
                }
            }

            if (ef.Loops.FindEnclosingLoop(change) is not null || TestCode.IsInTestClass(context.ContainingSymbol))
            {
                return;
            }

            var contextSymbol = LoadedEntities.SymbolOf(load.Query.Context);
            var save = contextSymbol is null ? null : LoadedEntities.FindSave(ef.Symbols, statement, contextSymbol);
            if (save is null)
            {
                return;
            }

            var contextType = load.Query.Context?.Type ?? save.Save.Instance?.Type;
            if (ef.Writes.GetBypassedBehaviour(contextType, load.Entity) is not null)
            {
                // A concurrency token, save events, an interceptor...: the tracked save does something on purpose.
                return;
            }

            if (SetupCode.SilencesRule(ef, context.Options, change, RuleIds.ReadModifyWrite, context.CancellationToken))
            {
                return;
            }

            string? blocker = null;
            if (!ef.Writes.SupportsBulkOperations)
            {
                blocker = "ExecuteUpdate needs EF Core 7 or newer";
            }

            blocker ??= load.FilterBlocker;
            if (blocker is null && nullChecked)
            {
                blocker = $"'{local.Name}' is checked for null; test the row count ExecuteUpdate returns instead";
            }

            if (blocker is null && columnReadElsewhere)
            {
                blocker = $"'{local.Name}.{column.Property.Name}' is read elsewhere";
            }

            if (blocker is null && !save.IsPlain)
            {
                blocker = "the result of SaveChanges is used";
            }

            if (blocker is null && (!LoadedEntities.IsNextStatement(loadStatement, statement) || !LoadedEntities.IsStatementInBlock(statement)))
            {
                blocker = "the load, the change and the save are not consecutive statements";
            }

            if (blocker is null && column.Delta is { } delta
                && delta.DescendantsAndSelf().Any(o => o is IInvocationOperation or IAwaitOperation or IObjectCreationOperation or IAnonymousFunctionOperation))
            {
                blocker = "the value added is computed by a call; store it in a local first";
            }

            var properties = ImmutableDictionary<string, string?>.Empty;
            if (blocker is null)
            {
                var removeSave = SavesNothingElse(root, contextSymbol!, loadStatement, statement, save);
                properties = FixProperties(load, column, loadStatement, statement, save, removeSave);
            }

            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.EFP206_ReadModifyWrite,
                column.Target.Syntax.GetLocation(),
                properties,
                local.Name,
                column.Property.Name,
                LoadedEntities.NoFixSuffix(blocker)));
        }

        /// <summary>
        /// The save goes away with the load when the method creates the context, and between its creation and the save
        /// nothing but the load and the change uses it, calls or assigns anything: then nothing else can be pending.
        /// Otherwise the fix keeps it (a SaveChanges with no changes sends nothing to the database).
        /// </summary>
        private static bool SavesNothingElse(IOperation root, ISymbol contextSymbol, IOperation loadStatement, IOperation change, SaveStatement save)
        {
            // A context this method creates (new, a factory's CreateDbContext): a field's or a parameter's context may
            // hold changes made elsewhere that this SaveChanges saves.
            if (contextSymbol is not ILocalSymbol local
                || BodyIndex.Of(root).Writes(local) is not { Count: 1 } writes
                || (writes[0] as IVariableDeclaratorOperation)?.GetVariableInitializer()?.Value.WalkDownConversions() is not
                    (IObjectCreationOperation or IInvocationOperation { TargetMethod.Name: "CreateDbContext" or "CreateDbContextAsync" }
                    or IAwaitOperation { Operation: IInvocationOperation { TargetMethod.Name: "CreateDbContextAsync" } }))
            {
                return false;
            }

            var created = writes[0].Syntax.Span.End;
            var pattern = new[] { loadStatement, change, save.Statement };
            foreach (var operation in BodyIndex.Of(root).Operations)
            {
                if (operation.Syntax.SpanStart < created)
                {
                    continue;
                }

                if (operation.Syntax.SpanStart >= save.Statement.Syntax.Span.End)
                {
                    break;
                }

                if (pattern.Any(p => operation.IsDescendantOf(p)))
                {
                    continue;
                }

                if (operation is IInvocationOperation or IAssignmentOperation or IIncrementOrDecrementOperation or IAwaitOperation
                    && !IsDeclarationOf(operation, contextSymbol)
                    || LoadedEntities.SymbolOf(operation) is { } symbol && SymbolEqualityComparer.Default.Equals(symbol, contextSymbol)
                       && !IsDeclarationOf(operation, contextSymbol))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary><c>using var db = new BlogContext();</c>: creating the context is not a change.</summary>
        private static bool IsDeclarationOf(IOperation operation, ISymbol contextSymbol)
        {
            for (var current = operation; current is not null; current = current.Parent)
            {
                if (current is IVariableDeclaratorOperation declarator)
                {
                    return SymbolEqualityComparer.Default.Equals(declarator.Symbol, contextSymbol);
                }
            }

            return false;
        }

        private static ImmutableDictionary<string, string?> FixProperties(SingleRowLoad load, ColumnChange column, IOperation loadStatement, IOperation change, SaveStatement save, bool removeSave)
        {
            var name = column.Entity.Name;
            var setters = $"setters => setters.SetProperty({name} => {name}.{column.Property.Name}, {name} => {column.NewValueText})";
            var isAsync = load.IsAsync || save.IsAsync;
            var statement = LoadedEntities.BulkStatement(load.FilterText!, "ExecuteUpdate", setters, isAsync, save.Token ?? load.Token, save.ConfigureAwait || load.ConfigureAwait);
            var remove = new List<IOperation> { loadStatement };
            if (removeSave)
            {
                remove.Add(save.Statement);
            }

            return LoadedEntities.ReplaceAndRemove(change, remove, statement);
        }

        /// <summary>
        /// A numeric column of a local entity changed relative to its own value: <c>x.P += d</c>, <c>x.P -= d</c>,
        /// <c>x.P++</c>, <c>x.P--</c>, <c>x.P = x.P + d</c>, <c>x.P = d + x.P</c>, <c>x.P = x.P - d</c>, where <c>d</c> does not
        /// read the entity. A plain assignment (<c>x.Status = Done</c>) does not depend on the old value: not this shape.
        /// </summary>
        private sealed class ColumnChange(ILocalSymbol entity, IPropertyReferenceOperation target, ILocalReferenceOperation instance, ILocalReferenceOperation? valueInstance, IOperation? delta, string newValueText)
        {
            public ILocalSymbol Entity { get; } = entity;

            public IPropertyReferenceOperation Target { get; } = target;

            public IPropertySymbol Property => Target.Property;

            /// <summary>The reference to the entity local in the assigned member (<c>x</c> in <c>x.P</c>).</summary>
            public ILocalReferenceOperation Instance { get; } = instance;

            /// <summary>The reference to the entity local in the column read of <c>x.P = x.P + d</c>, if any.</summary>
            public ILocalReferenceOperation? ValueInstance { get; } = valueInstance;

            /// <summary>The amount added or subtracted (null for ++/--).</summary>
            public IOperation? Delta { get; } = delta;

            /// <summary>The new value as code over the entity's name (<c>x.P + d</c>).</summary>
            public string NewValueText { get; } = newValueText;

            public static ColumnChange? Of(IOperation change)
            {
                IOperation? targetOperation;
                IOperation? delta = null;
                string? op;
                switch (change)
                {
                    case ICompoundAssignmentOperation compound when compound.OperatorMethod is null
                                                                    && compound.OperatorKind is BinaryOperatorKind.Add or BinaryOperatorKind.Subtract:
                        targetOperation = compound.Target;
                        delta = compound.Value;
                        op = compound.OperatorKind == BinaryOperatorKind.Add ? "+" : "-";
                        break;
                    case IIncrementOrDecrementOperation increment when increment.OperatorMethod is null:
                        targetOperation = increment.Target;
                        op = increment.Kind == OperationKind.Increment ? "+" : "-";
                        break;
                    case ISimpleAssignmentOperation simple:
                        targetOperation = simple.Target;
                        op = null;
                        break;
                    default:
                        return null;
                }

                if (targetOperation is not IPropertyReferenceOperation { Property: { SetMethod: not null, IsIndexer: false, IsStatic: false } property } target
                    || target.Instance?.WalkDownConversions() is not ILocalReferenceOperation instance
                    || !IsNumeric(property.Type) || property.Type.TypeKind == TypeKind.Error
                    || property.GetAttributes().Any(a => a.AttributeClass?.Name == "NotMappedAttribute"))
                {
                    return null;
                }

                var entity = instance.Local;
                ILocalReferenceOperation? valueInstance = null;
                string text;
                if (change is ISimpleAssignmentOperation assignment)
                {
                    // x.P = x.P + d, x.P = d + x.P, x.P = x.P - d.
                    if (assignment.Value.WalkDownConversions() is not IBinaryOperation { OperatorMethod: null } binary
                        || binary.OperatorKind is not (BinaryOperatorKind.Add or BinaryOperatorKind.Subtract))
                    {
                        return null;
                    }

                    var left = binary.LeftOperand.WalkDownConversions();
                    var right = binary.RightOperand.WalkDownConversions();
                    if (IsSameColumn(left, entity, property, out valueInstance))
                    {
                        delta = right;
                    }
                    else if (binary.OperatorKind == BinaryOperatorKind.Add && IsSameColumn(right, entity, property, out valueInstance))
                    {
                        delta = left;
                    }
                    else
                    {
                        return null;
                    }

                    text = assignment.Value.Syntax.ToString();
                }
                else if (delta is null)
                {
                    text = $"{entity.Name}.{property.Name} {op} 1";
                }
                else
                {
                    var deltaSyntax = delta.Syntax;
                    var right = deltaSyntax is LiteralExpressionSyntax or IdentifierNameSyntax or MemberAccessExpressionSyntax or ParenthesizedExpressionSyntax
                        ? deltaSyntax.ToString()
                        : "(" + deltaSyntax + ")";
                    text = $"{entity.Name}.{property.Name} {op} {right}";
                }

                if (delta is not null && delta.DescendantsAndSelf().Any(o => o is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, entity)))
                {
                    // x.Total += x.Delta: reads another column; leave it.
                    return null;
                }

                return new ColumnChange(entity, target, instance, valueInstance, delta, text);
            }

            private static bool IsSameColumn(IOperation operation, ILocalSymbol entity, IPropertySymbol property, out ILocalReferenceOperation? local)
            {
                local = operation is IPropertyReferenceOperation { Instance: { } instance } reference
                        && SymbolEqualityComparer.Default.Equals(reference.Property, property)
                        ? instance.WalkDownConversions() as ILocalReferenceOperation
                        : null;
                if (local is not null && !SymbolEqualityComparer.Default.Equals(local.Local, entity))
                {
                    local = null;
                }

                return local is not null;
            }

            /// <summary>Integer, floating-point and decimal columns (and their nullable forms).</summary>
            private static bool IsNumeric(ITypeSymbol type)
            {
                if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
                {
                    type = nullable.TypeArguments[0];
                }

                return type.SpecialType is SpecialType.System_Int16 or SpecialType.System_Int32 or SpecialType.System_Int64
                    or SpecialType.System_UInt16 or SpecialType.System_UInt32 or SpecialType.System_UInt64
                    or SpecialType.System_Byte or SpecialType.System_SByte or SpecialType.System_Double or SpecialType.System_Single
                    or SpecialType.System_Decimal;
            }
        }
    }
}
