namespace PerfAnalyzers.EfCore
{
    /// <summary>Concurrency tokens: <c>[ConcurrencyCheck]</c>, <c>[Timestamp]</c>, fluent <c>IsConcurrencyToken()</c>/<c>IsRowVersion()</c>, the snapshot.</summary>
    internal sealed partial class EfModel
    {
        /// <summary>
        /// Why the entity has an optimistic concurrency token, or null: an attributed property, fluent configuration on the
        /// entity or a base type, or a model-wide loop that configures tokens for entities we cannot name.
        /// </summary>
        public string? FindConcurrencyToken(ITypeSymbol entity)
        {
            foreach (var property in AllProperties(entity))
            {
                foreach (var attribute in property.GetAttributes())
                {
                    if (attribute.AttributeClass?.Name is "ConcurrencyCheckAttribute" or "TimestampAttribute")
                    {
                        return $"'{entity.Name}.{property.Name}' is a concurrency token";
                    }
                }
            }

            var scan = Scan();
            foreach (var type in SelfAndBases(entity))
            {
                if (scan.ConcurrencyTokens.Contains(type))
                {
                    return $"'{type.Name}' has a concurrency token (IsRowVersion/IsConcurrencyToken)";
                }
            }

            return scan.ConcurrencyTokenOnAll ? "a concurrency token is configured for entities in a model-wide loop" : null;
        }

        /// <summary>Fluent or snapshot configuration gives this very type (not a base) a concurrency token.</summary>
        public bool HasFluentConcurrencyToken(ITypeSymbol type) => Scan().ConcurrencyTokens.Contains(type.OriginalDefinition);

        /// <summary>A model-wide loop (or <c>Entity(clrType)</c>) configures concurrency tokens for entities we cannot name.</summary>
        public bool ConcurrencyTokenOnAll => Scan().ConcurrencyTokenOnAll;
    }
}
