namespace PerfAnalyzers.EfCore
{
    /// <summary>Save events: SaveChanges interceptors, SaveChanges overrides, SavingChanges/SavedChanges/ChangeTracker event handlers.</summary>
    internal sealed partial class EfModel
    {
        /// <summary>A type declared in source implements <c>ISaveChangesInterceptor</c>; the first one, or null.</summary>
        public INamedTypeSymbol? SaveChangesInterceptor => GetSourceTypes().SaveChangesInterceptor;

        /// <summary>
        /// Why SaveChanges through <paramref name="contextType"/> (or a context derived from it) runs code of the application,
        /// or null: an override of SaveChanges, or handlers of SavingChanges/SavedChanges/ChangeTracker events.
        /// </summary>
        public string? FindSaveEvents(ITypeSymbol contextType)
        {
            var types = GetSourceTypes();
            foreach (var context in types.Contexts)
            {
                // The runtime context is the static type or a type derived from it.
                if (!EfSymbols.InheritsFrom(context, contextType) && !EfSymbols.InheritsFrom(contextType, context))
                {
                    continue;
                }

                if (context.GetMembers().Any(m => m is IMethodSymbol { IsOverride: true, Name: "SaveChanges" or "SaveChangesAsync" }))
                {
                    return $"'{context.Name}' overrides SaveChanges, which would be bypassed";
                }

                if (types.ContextsWithSaveEvents.Contains(context))
                {
                    return $"'{context.Name}' handles SavingChanges/ChangeTracker events, which would be bypassed";
                }
            }

            return null;
        }
    }
}
