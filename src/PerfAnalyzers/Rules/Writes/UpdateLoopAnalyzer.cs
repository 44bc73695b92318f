using System.Text;

namespace PerfAnalyzers.Rules.Writes
{
    /// <summary>
    /// EFP203: <c>foreach</c> over entities loaded by an EF query whose body only assigns the entity's own scalar
    /// properties (or members of its owned/complex types; an assignment to a related entity, <c>post.Blog.Rating</c>,
    /// keeps the rule silent: one ExecuteUpdate cannot write another table) from constants, captured values or the entity's own (scalar) properties, followed by SaveChanges on
    /// the same context. The fix is one ExecuteUpdate(Async) on the same query, offered only when WriteSafety finds
    /// nothing the bulk statement would bypass.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class UpdateLoopAnalyzer() : EfAnalyzer(Descriptors.EFP203_UpdateLoop)
    {
        private protected override void OnCompilationStart(CompilationStartAnalysisContext start, EfCompilation ef)
        {
            var safety = ef.Writes;
            start.RegisterOperationAction(c => Analyze(c, ef, safety), OperationKind.Loop);
        }

        private sealed class Setter(IPropertySymbol property, string value, bool usesEntity)
        {
            public IPropertySymbol Property { get; } = property;
            public string Value { get; } = value;
            public bool UsesEntity { get; } = usesEntity;
        }

        private static void Analyze(OperationAnalysisContext context, EfCompilation ef, WriteSafety safety)
        {
            if (context.Operation is not IForEachLoopOperation loop || loop.LoopControlVariable is not IVariableDeclaratorOperation { Symbol: { } variable }
                || loop.IsInsideExpressionTree())
            {
                return;
            }

            var statements = loop.Body is IBlockOperation block ? block.Operations : ImmutableArray.Create(loop.Body);
            if (statements.Length == 0)
            {
                return;
            }

            // Cheap shape check first: every statement assigns a member of the loop variable.
            foreach (var statement in statements)
            {
                if (statement is not IExpressionStatementOperation { Operation: var expression } || TargetOf(expression) is not IMemberReferenceOperation)
                {
                    return;
                }
            }

            var source = LoadedEntities.Find(ef, loop.Collection, loop, context.CancellationToken);
            if (source is null || !SymbolEqualityComparer.Default.Equals(variable.Type, source.Entity))
            {
                return;
            }

            var contextSymbol = source.ContextSymbol(ef.Symbols);
            var save = LoadedEntities.FindSave(ef.Symbols, loop, contextSymbol);
            if (save is null)
            {
                return;
            }

            string? blocker = null;
            var setters = new List<Setter>();
            var assigned = new HashSet<IPropertySymbol>(SymbolEqualityComparer.Default);
            foreach (var statement in statements)
            {
                var expression = ((IExpressionStatementOperation)statement).Operation;
                var target = (IMemberReferenceOperation)TargetOf(expression)!;
                if (target.Instance?.WalkDownConversions() is not ILocalReferenceOperation instance
                    || !SymbolEqualityComparer.Default.Equals(instance.Local, variable))
                {
                    if (RootLocal(target) is { } root && SymbolEqualityComparer.Default.Equals(root, variable))
                    {
                        if (!IsInOwnRow(ef, target, context.CancellationToken))
                        {
                            // user.Profile.Name = v: a related row, which one ExecuteUpdate over the loaded entities cannot write.
                            return;
                        }

                        blocker ??= $"the loop changes '{target.Syntax}' through an owned or complex type";
                        continue;
                    }

                    return;
                }

                if (target is not IPropertyReferenceOperation { Property: { SetMethod: not null } property } || property.IsIndexer)
                {
                    return;
                }

                if (!EfModel.IsScalarColumnType(property.Type) || IsNotMapped(property))
                {
                    blocker ??= $"the loop sets '{property.Name}', which is not a mapped scalar column";
                    continue;
                }

                if (!assigned.Add(property))
                {
                    blocker ??= $"'{property.Name}' is assigned twice";
                    continue;
                }

                var value = ValueOf(expression, variable, assigned, property, out var usesEntity, ref blocker);
                if (value is null)
                {
                    // Computed per row on the client (a method call, DateTime.Now, string building...): not a bulk update.
                    return;
                }

                setters.Add(new Setter(property, value, usesEntity));
            }

            blocker ??= safety.GetUpdateBlocker(source.ContextType(ef.Symbols, save), source.Entity) ?? source.QueryBlocker();
            if (blocker is null && !save.IsPlain)
            {
                blocker = "the result of SaveChanges is used";
            }

            if (blocker is null && (source.LoadStatement is not null && !LoadedEntities.IsNextStatement(source.LoadStatement, loop) || !LoadedEntities.IsStatementInBlock(loop)))
            {
                blocker = "the load, the loop and the save are not consecutive statements";
            }

            var properties = ImmutableDictionary<string, string?>.Empty;
            if (blocker is null)
            {
                var lambda = variable.Name;
                var builder = new StringBuilder("setters => setters");
                foreach (var setter in setters)
                {
                    builder.Append(".SetProperty(").Append(lambda).Append(" => ").Append(lambda).Append('.').Append(setter.Property.Name).Append(", ");
                    if (setter.UsesEntity)
                    {
                        builder.Append(lambda).Append(" => ");
                    }

                    builder.Append(setter.Value).Append(')');
                }

                var statement = source.BuildStatement("ExecuteUpdate", builder.ToString(), save);
                properties = source.FixProperties(loop, save, source.CanRemoveSave(contextSymbol, loop, save), statement);
            }

            var location = loop.Syntax is CommonForEachStatementSyntax forEach ? forEach.ForEachKeyword.GetLocation() : loop.Syntax.GetLocation();
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.EFP203_UpdateLoop,
                location,
                properties,
                source.Entity.Name,
                LoadedEntities.NoFixSuffix(blocker)));
        }

        private static IOperation? TargetOf(IOperation expression) => expression switch
        {
            ISimpleAssignmentOperation assignment => assignment.Target,
            ICompoundAssignmentOperation compound => compound.Target,
            IIncrementOrDecrementOperation increment => increment.Target,
            _ => null,
        };

        private static ILocalSymbol? RootLocal(IOperation operation)
        {
            var current = operation;
            while (current is IMemberReferenceOperation { Instance: { } instance })
            {
                current = instance.WalkDownConversions();
            }

            return (current as ILocalReferenceOperation)?.Local;
        }

        /// <summary>
        /// <c>note.Address.City</c>: every member between the loop variable and the assigned column is an owned or complex
        /// type (<c>OwnsOne</c>, <c>[Owned]</c>, <c>ComplexProperty</c>, <c>[ComplexType]</c>), so the column is in the
        /// loaded entity's own row; <c>post.Blog.Rating</c> (a navigation to another entity) is not.
        /// </summary>
        private static bool IsInOwnRow(EfCompilation ef, IMemberReferenceOperation target, System.Threading.CancellationToken cancellationToken)
        {
            var loading = ef.GetModel(cancellationToken);
            for (var current = target.Instance?.WalkDownConversions(); current is IMemberReferenceOperation member; current = member.Instance?.WalkDownConversions())
            {
                if (member is not IPropertyReferenceOperation { Property: var hop } || hop.Type is not { } type
                    || !(loading.IsOwned(hop, type) || type.GetAttributes().Any(a => a.AttributeClass?.Name == "ComplexTypeAttribute")))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsNotMapped(IPropertySymbol property)
            => property.GetAttributes().Any(a => a.AttributeClass?.Name == "NotMappedAttribute") || property.GetMethod is null;

        /// <summary>
        /// The value expression for SetProperty, or null when the value is not a constant, a captured value or the
        /// entity's own columns (then this is not a bulk update at all).
        /// </summary>
        private static string? ValueOf(IOperation expression, ILocalSymbol variable, HashSet<IPropertySymbol> assigned, IPropertySymbol target, out bool usesEntity, ref string? blocker)
        {
            usesEntity = false;
            switch (expression)
            {
                case ISimpleAssignmentOperation assignment:
                    if (!IsTranslatable(assignment.Value, variable, assigned, target, ref usesEntity, ref blocker))
                    {
                        return null;
                    }

                    return assignment.Value.Syntax.ToString();

                case ICompoundAssignmentOperation compound:
                    if (!IsArithmetic(compound.OperatorKind, compound.Type) || !IsTranslatable(compound.Value, variable, assigned, target, ref usesEntity, ref blocker))
                    {
                        return null;
                    }

                    usesEntity = true;
                    var right = compound.Value.Syntax is ExpressionSyntax value && (value is LiteralExpressionSyntax or IdentifierNameSyntax or MemberAccessExpressionSyntax)
                        ? value.ToString()
                        : "(" + compound.Value.Syntax + ")";
                    return $"{variable.Name}.{target.Name} {OperatorText(compound.OperatorKind)} {right}";

                case IIncrementOrDecrementOperation increment:
                    if (!IsArithmetic(BinaryOperatorKind.Add, increment.Type))
                    {
                        return null;
                    }

                    usesEntity = true;
                    return $"{variable.Name}.{target.Name} {(increment.Kind == OperationKind.Increment ? "+" : "-")} 1";

                default:
                    return null;
            }
        }

        private static string OperatorText(BinaryOperatorKind kind) => kind switch
        {
            BinaryOperatorKind.Add => "+",
            BinaryOperatorKind.Subtract => "-",
            _ => "*",
        };

        /// <summary>Integer and floating-point +, -, * (decimal arithmetic and string building translate differently per provider).</summary>
        private static bool IsArithmetic(BinaryOperatorKind kind, ITypeSymbol? type)
        {
            if (kind is not (BinaryOperatorKind.Add or BinaryOperatorKind.Subtract or BinaryOperatorKind.Multiply))
            {
                return false;
            }

            if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
            {
                type = nullable.TypeArguments[0];
            }

            return type?.SpecialType is SpecialType.System_Int16 or SpecialType.System_Int32 or SpecialType.System_Int64
                or SpecialType.System_Byte or SpecialType.System_Double or SpecialType.System_Single;
        }

        /// <summary>
        /// Constants, captured locals/parameters/fields (and properties of them), the entity's own scalar columns, and
        /// arithmetic/comparisons/logic over those. A subexpression that does not use the entity is evaluated once on the
        /// client by EF (a parameter) — except calls and static properties (DateTime.Now, Guid.NewGuid()), which are
        /// either translated to SQL or evaluated once instead of once per row, so they disqualify.
        /// </summary>
        private static bool IsTranslatable(IOperation operation, ILocalSymbol variable, HashSet<IPropertySymbol> assigned, IPropertySymbol target, ref bool usesEntity, ref string? blocker)
        {
            switch (operation)
            {
                case ILiteralOperation:
                case IDefaultValueOperation:
                case IParameterReferenceOperation:
                case IInstanceReferenceOperation:
                    return true;

                case ILocalReferenceOperation local:
                    // The loop variable alone (not one of its columns) cannot be a column value.
                    return !SymbolEqualityComparer.Default.Equals(local.Local, variable);

                case IFieldReferenceOperation field:
                    return field.Field.IsConst || field.Instance is null ? field.Field.IsConst || field.Field.IsReadOnly : IsTranslatable(field.Instance, variable, assigned, target, ref usesEntity, ref blocker);

                case IPropertyReferenceOperation property:
                    if (property.Instance?.WalkDownConversions() is ILocalReferenceOperation owner && SymbolEqualityComparer.Default.Equals(owner.Local, variable))
                    {
                        if (!EfModel.IsScalarColumnType(property.Type) || IsNotMapped(property.Property) || property.Property.IsIndexer)
                        {
                            blocker ??= $"the value reads '{property.Syntax}', which is not a mapped scalar column";
                            return true;
                        }

                        if (assigned.Contains(property.Property) && !SymbolEqualityComparer.Default.Equals(property.Property, target))
                        {
                            // The loop reads a value it changed a line above; a single UPDATE reads the old one.
                            blocker ??= $"'{property.Property.Name}' is read after the loop changed it";
                        }

                        usesEntity = true;
                        return true;
                    }

                    if (RootLocal(property) is { } root && SymbolEqualityComparer.Default.Equals(root, variable))
                    {
                        blocker ??= $"the value reads '{property.Syntax}' through a navigation or owned type";
                        usesEntity = true;
                        return true;
                    }

                    return property.Instance is not null && !property.Property.IsIndexer
                           && IsTranslatable(property.Instance, variable, assigned, target, ref usesEntity, ref blocker);

                case IConversionOperation conversion:
                    return conversion.OperatorMethod is null && IsTranslatable(conversion.Operand, variable, assigned, target, ref usesEntity, ref blocker);

                case IParenthesizedOperation parenthesized:
                    return IsTranslatable(parenthesized.Operand, variable, assigned, target, ref usesEntity, ref blocker);

                case IUnaryOperation unary:
                    return unary.OperatorMethod is null && IsTranslatable(unary.Operand, variable, assigned, target, ref usesEntity, ref blocker);

                case IBinaryOperation binary:
                    if (binary.OperatorMethod is not null)
                    {
                        return false;
                    }

                    var leftUses = false;
                    var rightUses = false;
                    if (!IsTranslatable(binary.LeftOperand, variable, assigned, target, ref leftUses, ref blocker)
                        || !IsTranslatable(binary.RightOperand, variable, assigned, target, ref rightUses, ref blocker))
                    {
                        return false;
                    }

                    if ((leftUses || rightUses) && binary.OperatorKind is BinaryOperatorKind.Add or BinaryOperatorKind.Subtract
                        or BinaryOperatorKind.Multiply or BinaryOperatorKind.Divide or BinaryOperatorKind.Remainder
                        && !IsArithmetic(binary.OperatorKind, binary.Type))
                    {
                        // String concatenation (NULL handling differs in SQL), decimal or integer division: computed per row.
                        return false;
                    }

                    usesEntity |= leftUses || rightUses;
                    return true;

                default:
                    return false;
            }
        }
    }
}
