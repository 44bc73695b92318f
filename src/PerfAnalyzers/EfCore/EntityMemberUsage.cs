namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// Which scalar members of materialized entities a method reads, when the entities themselves stay inside the method:
    /// never returned, stored, passed to a method, modified or tracked on. An <see cref="EntityFlow"/> question: only
    /// scalar member reads and null checks of an entity, <c>Count</c>/<c>Length</c> of a sequence; Distinct (it compares
    /// the entities by reference, a projection by value) and OfType (it names the entity type) are declined. Anything it
    /// cannot account for makes the whole analysis fail (<see cref="TryCollect"/> returns null): the callers must not guess.
    /// </summary>
    internal sealed class EntityMemberUsage : EntityQuestion
    {
        private readonly EfSymbols _symbols;
        private readonly ITypeSymbol _entityType;

        private EntityMemberUsage(EfSymbols symbols, ITypeSymbol entityType)
            : base(maxDepth: 12)
        {
            _symbols = symbols;
            _entityType = entityType;
        }

        /// <summary>The scalar properties read, in first-read order.</summary>
        public List<IPropertySymbol> Members { get; } = new List<IPropertySymbol>();

        /// <summary>False when some declaration names the entity type explicitly (List&lt;Post&gt; list, foreach (Post p ...), (Post p) =&gt;): an anonymous type would not fit there.</summary>
        public bool AllDeclarationsImplicit { get; private set; } = true;

        /// <summary>
        /// Follows <paramref name="local"/> (holding a sequence of entities when <paramref name="isSequence"/>, else one entity)
        /// through <paramref name="body"/>. Returns null when any use is not a plain member read.
        /// </summary>
        public static EntityMemberUsage? TryCollect(EfSymbols symbols, ITypeSymbol entityType, ILocalSymbol local, bool isSequence, IOperation body, CancellationToken cancellationToken)
        {
            var usage = new EntityMemberUsage(symbols, entityType);
            var flow = new EntityFlow(symbols, body, usage, cancellationToken);
            return flow.Local(local, isSequence ? FlowShape.Sequence : FlowShape.Entity, ImmutableArray<string>.Empty, 0) ? usage : null;
        }

        public override void OnLocal(ILocalSymbol local)
        {
            if (!IsImplicitlyTyped(local))
            {
                AllDeclarationsImplicit = false;
            }
        }

        public override void OnLambda(IAnonymousFunctionOperation lambda)
        {
            if (lambda.Syntax is ParenthesizedLambdaExpressionSyntax parenthesized
                && parenthesized.ParameterList.Parameters.Any(p => p.Type is not null))
            {
                AllDeclarationsImplicit = false;
            }
        }

        public override bool Member(EntityFlow flow, IMemberReferenceOperation member, ImmutableArray<string> path, int depth)
            => member is IPropertyReferenceOperation property && ReadsScalar(property);

        public override bool SequenceMember(IPropertyReferenceOperation property) => property.Property.Name is "Count" or "Length";

        public override bool OtherUse(IOperation use, IOperation value, FlowShape shape)
            => shape == FlowShape.Entity && EntityFlow.IsNullCheck(use, value);

        /// <summary>Distinct compares the entities by reference (a projection by value); OfType&lt;Post&gt; names the entity type (no projection is a Post).</summary>
        public override bool Declines(OperatorKind kind) => kind is OperatorKind.Distinct or OperatorKind.OfType;

        public override bool? LambdaParameter(IParameterSymbol parameter)
            => SymbolEqualityComparer.Default.Equals(parameter.Type, _entityType) ? null : !EntityFlow.Mentions(parameter.Type, _entityType);

        public override bool MethodGroup(EntityFlow flow, IMethodSymbol target, int depth) => false;

        public override bool OtherArgument(IOperation argument, ITypeSymbol? element)
            => argument.Type is not { } type || !EntityFlow.Mentions(type, _entityType);

        public override ResultFlow Result(ITypeSymbol? result, ITypeSymbol? element)
        {
            if (result is null)
            {
                return ResultFlow.Lost;
            }

            if (SymbolEqualityComparer.Default.Equals(result, _entityType))
            {
                return ResultFlow.Entity;
            }

            if (!EntityFlow.Mentions(result, _entityType))
            {
                return ResultFlow.Stays;
            }

            return result is INamedTypeSymbol or IArrayTypeSymbol && SymbolEqualityComparer.Default.Equals(_symbols.GetElementType(result), _entityType)
                ? ResultFlow.Sequence
                : ResultFlow.Lost;
        }

        private static bool IsImplicitlyTyped(ILocalSymbol local)
        {
            foreach (var reference in local.DeclaringSyntaxReferences)
            {
                var syntax = reference.GetSyntax();
                TypeSyntax? type = syntax switch
                {
                    VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax declaration } => declaration.Type,
                    ForEachStatementSyntax forEach => forEach.Type,
                    _ => null,
                };

                if (type is null || !type.IsVar)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>A read (not a write, not by ref) of a mapped scalar property: a settable property of a value type, string or byte[].</summary>
        private bool ReadsScalar(IPropertyReferenceOperation property)
        {
            var symbol = property.Property;
            if (symbol.IsIndexer || symbol.IsStatic || EntityFlow.IsWritten(property) || !IsMappedScalar(symbol))
            {
                return false;
            }

            if (!Members.Any(m => m.Name == symbol.Name))
            {
                Members.Add(symbol);
            }

            return true;
        }

        /// <summary>Settable, not [NotMapped], of a scalar type: what EF maps to a column (computed C# getters are not).</summary>
        public static bool IsMappedScalar(IPropertySymbol symbol)
        {
            if (symbol.SetMethod is null || symbol.GetMethod is null || symbol.IsIndexer || symbol.IsStatic
                || symbol.DeclaredAccessibility != Accessibility.Public
                || symbol.GetAttributes().Any(a => a.AttributeClass?.Name == "NotMappedAttribute"))
            {
                return false;
            }

            var type = symbol.Type;
            if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
            {
                type = nullable.TypeArguments[0];
            }

            return type.SpecialType == SpecialType.System_String
                   || type.TypeKind == TypeKind.Enum
                   || (type.IsValueType && (type.SpecialType != SpecialType.None || IsWellKnownScalarStruct(type)))
                   || (type is IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_Byte });
        }

        private static bool IsWellKnownScalarStruct(ITypeSymbol type)
            => type.ContainingNamespace?.ToDisplayString() == "System"
               && (type.Name == "DateTime" || type.Name == "DateTimeOffset" || type.Name == "TimeSpan" || type.Name == "Guid"
                   || type.Name == "DateOnly" || type.Name == "TimeOnly" || type.Name == "Decimal");
    }
}
