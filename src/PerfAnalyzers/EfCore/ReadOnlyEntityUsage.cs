namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// Whether the entities a query materializes are only read in a method: no member written (assignment, compound
    /// assignment, ++/--, ref), no navigation collection mutated (<c>blog.Posts.Add(..)</c>), no entity passed to a method,
    /// returned, stored, captured in an object or given a new name we cannot follow; only navigations the query loads
    /// (Include, AutoInclude, owned) are read, since a no-tracking query would not fix up the others from the change tracker.
    /// An <see cref="EntityFlow"/> question that also follows the loaded navigations and owned values. Anything it cannot
    /// account for answers "not read-only": callers must not guess.
    /// </summary>
    internal sealed class ReadOnlyEntityUsage : EntityQuestion
    {
        private readonly EfSymbols _symbols;
        private readonly NavigationAccess _navigations;
        private readonly ImmutableArray<IncludePath> _includes;

        private ReadOnlyEntityUsage(EfSymbols symbols, NavigationAccess navigations, ImmutableArray<IncludePath> includes)
            : base(maxDepth: 10)
        {
            _symbols = symbols;
            _navigations = navigations;
            _includes = includes;
        }

        /// <summary>
        /// Are the entities in <paramref name="result"/> (a sequence when <paramref name="isSequence"/>, else one entity;
        /// an await of the call is followed) only read in <paramref name="body"/>? <paramref name="includes"/> are the
        /// navigation paths the query loads.
        /// </summary>
        public static bool IsOnlyRead(EfSymbols symbols, NavigationAccess navigations, ImmutableArray<IncludePath> includes, IOperation result, bool isSequence, IOperation body, CancellationToken cancellationToken)
        {
            var value = result.AwaitedValue();
            return value is not null
                   && Flow(symbols, navigations, includes, body, cancellationToken).Value(value, isSequence ? FlowShape.Sequence : FlowShape.Entity, ImmutableArray<string>.Empty, 0);
        }

        /// <summary>Is the entity held by <paramref name="local"/> (a foreach variable) only read in <paramref name="body"/>?</summary>
        public static bool IsOnlyRead(EfSymbols symbols, NavigationAccess navigations, ImmutableArray<IncludePath> includes, ILocalSymbol local, IOperation body, CancellationToken cancellationToken)
            => Flow(symbols, navigations, includes, body, cancellationToken).Local(local, FlowShape.Entity, ImmutableArray<string>.Empty, 0);

        private static EntityFlow Flow(EfSymbols symbols, NavigationAccess navigations, ImmutableArray<IncludePath> includes, IOperation body, CancellationToken cancellationToken)
            => new EntityFlow(symbols, body, new ReadOnlyEntityUsage(symbols, navigations, includes), cancellationToken);

        private static bool IsScalar(ITypeSymbol? type)
            => type is not null && (type.IsValueType || type.SpecialType == SpecialType.System_String) && type.TypeKind != TypeKind.TypeParameter;

        public override bool HoldsNothing(ITypeSymbol? type) => IsScalar(type);

        /// <summary>A member of an entity: not written; a navigation must be loaded by the query, and is followed.</summary>
        public override bool Member(EntityFlow flow, IMemberReferenceOperation member, ImmutableArray<string> path, int depth)
        {
            var property = (member as IPropertyReferenceOperation)?.Property;
            if (property is { IsIndexer: true } || EntityFlow.IsWritten(member))
            {
                return false;
            }

            var type = property?.Type ?? ((IFieldReferenceOperation)member).Field.Type;
            if (IsScalar(type))
            {
                return true;
            }

            if (property is not null && _navigations.TryGetNavigation(property, out var navigation))
            {
                var loaded = path.Add(navigation.Name);
                if (!NavigationAccess.Covers(_includes, loaded) && !_navigations.Model.IsAutoIncluded(property)
                    && !_navigations.Model.IsOwned(property, navigation.TargetType))
                {
                    return false;
                }

                return navigation.IsCollection ? flow.Sequence(member, loaded, depth + 1) : flow.Entity(member, loaded, depth + 1);
            }

            // An owned/complex value or a primitive collection: part of the entity, so writes to it count too.
            return _symbols.IsSequenceType(type) ? flow.Sequence(member, path, depth + 1) : flow.Entity(member, path, depth + 1);
        }

        public override bool SequenceMember(IPropertyReferenceOperation property) => IsScalar(property.Type);

        public override bool OtherUse(IOperation use, IOperation value, FlowShape shape)
            => shape == FlowShape.Entity
               && (use is IBinaryOperation or IIsTypeOperation or IExpressionStatementOperation
                   || use is IIsPatternOperation { Pattern: IConstantPatternOperation or ITypePatternOperation or INegatedPatternOperation { Pattern: IConstantPatternOperation or ITypePatternOperation } });

        public override bool MethodGroup(EntityFlow flow, IMethodSymbol target, int depth) => false; // the method receives the entities

        public override ResultFlow Result(ITypeSymbol? result, ITypeSymbol? element)
        {
            if (result is null || element is null)
            {
                return ResultFlow.Lost;
            }

            if (result.SpecialType == SpecialType.System_Void || IsScalar(result))
            {
                return ResultFlow.Stays;
            }

            if (SymbolEqualityComparer.Default.Equals(result, element))
            {
                return ResultFlow.Entity;
            }

            if (_symbols.IsSequenceType(result) && SymbolEqualityComparer.Default.Equals(_symbols.GetElementType(result), element))
            {
                return ResultFlow.Sequence;
            }

            // Anything else holding the entities (a dictionary, groups) is not followed; a projection's lambdas could not
            // return them (a returned entity is not a read), so its results hold none.
            return EntityFlow.Mentions(result, element) ? ResultFlow.Lost : ResultFlow.Stays;
        }
    }
}
