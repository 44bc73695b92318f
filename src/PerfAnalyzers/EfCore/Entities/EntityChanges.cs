namespace PerfAnalyzers.EfCore
{
    /// <summary>What a method does to entities it holds (<see cref="EntityChanges"/>).</summary>
    [Flags]
    internal enum EntityChange
    {
        None = 0,

        /// <summary>
        /// A member written (assignment, compound assignment, ++/--, ref), a sequence of them given elements
        /// (<see cref="CollectionMethods.AddsElements"/>), or an entity given to the change tracker's Update.
        /// </summary>
        Modified = 1 << 0,

        /// <summary>Given to the change tracker's Remove (an entity) or RemoveRange (the sequence) (<see cref="TrackerCall"/>).</summary>
        Deleted = 1 << 1,
    }

    /// <summary>
    /// "Is this entity, or this sequence of entities, modified or deleted in the method?" — an <see cref="EntityFlow"/>
    /// question: the walk follows the value through locals, foreach variables, indexing and the LINQ to Objects operators,
    /// and this question records every change it meets on the way (<see cref="EntityChange"/>). A use it cannot follow (a
    /// method given the entities, a return) changes nothing it can see: the answer says what was seen, never what was not.
    /// Asked by the delete drains (<see cref="DeleteDrains"/>: the loop removes the batch's rows) and by
    /// <see cref="EntityFlow.ChangeOf"/>'s callers for a single use.
    /// </summary>
    internal sealed class EntityChanges : EntityQuestion
    {
        private readonly EfSymbols _symbols;

        private EntityChanges(EfSymbols symbols)
            : base(maxDepth: 10)
        {
            _symbols = symbols;
        }

        /// <summary>What is seen done to the entities in <paramref name="value"/> (a sequence or one entity) in <paramref name="body"/>.</summary>
        public EntityChange Found { get; private set; }

        public static EntityChange Of(EfSymbols symbols, IOperation value, FlowShape shape, IOperation body, CancellationToken cancellationToken)
        {
            var question = new EntityChanges(symbols);
            new EntityFlow(symbols, body, question, cancellationToken).Value(value, shape, ImmutableArray<string>.Empty, 0);
            return question.Found;
        }

        public override bool HoldsNothing(ITypeSymbol? type)
            => type is not null && (type.IsValueType || type.SpecialType == SpecialType.System_String) && type.TypeKind != TypeKind.TypeParameter;

        /// <summary>A member of an entity: written, the entity is modified; read, it is not followed (a navigation holds other entities).</summary>
        public override bool Member(EntityFlow flow, IMemberReferenceOperation member, ImmutableArray<string> path, int depth)
        {
            Found |= EntityFlow.IsWritten(member) ? EntityChange.Modified : EntityChange.None;
            return true;
        }

        public override bool SequenceMember(IPropertyReferenceOperation property) => true;

        public override bool OtherUse(IOperation use, IOperation value, FlowShape shape)
        {
            Found |= EntityFlow.ChangeOf(_symbols, use, value, shape);
            return true;
        }

        public override bool MethodGroup(EntityFlow flow, IMethodSymbol target, int depth) => true;

        public override ResultFlow Result(ITypeSymbol? result, ITypeSymbol? element)
        {
            if (result is null || element is null)
            {
                return ResultFlow.Stays;
            }

            if (SymbolEqualityComparer.Default.Equals(result, element))
            {
                return ResultFlow.Entity;
            }

            return _symbols.IsSequenceType(result) && SymbolEqualityComparer.Default.Equals(_symbols.GetElementType(result), element)
                ? ResultFlow.Sequence
                : ResultFlow.Stays;
        }
    }
}
