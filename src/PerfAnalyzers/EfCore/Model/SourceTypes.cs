namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// The types declared in source, from the declaration table (nothing bound): which types have subclasses, which
    /// implement <c>ISaveChangesInterceptor</c>, which are DbContexts and whether they handle save events. Part of
    /// <see cref="EfModel"/>, read once on the first inheritance or save-event question.
    /// </summary>
    internal sealed class SourceTypes
    {
        public HashSet<ITypeSymbol> BaseTypes { get; } = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);

        public List<INamedTypeSymbol> Contexts { get; } = new List<INamedTypeSymbol>();

        public HashSet<ITypeSymbol> ContextsWithSaveEvents { get; } = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);

        public INamedTypeSymbol? SaveChangesInterceptor { get; private set; }

        public static SourceTypes Create(EfSymbols symbols)
        {
            var result = new SourceTypes();
            var compilation = symbols.Compilation;
            var interceptor = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.Diagnostics.ISaveChangesInterceptor");
            try
            {
                foreach (var symbol in compilation.GetSymbolsWithName(_ => true, SymbolFilter.Type))
                {
                    if (symbol is not INamedTypeSymbol type)
                    {
                        continue;
                    }

                    if (type.BaseType is { SpecialType: not SpecialType.System_Object } baseType)
                    {
                        result.BaseTypes.Add(baseType.OriginalDefinition);
                    }

                    if (interceptor is not null && result.SaveChangesInterceptor is null
                        && type.AllInterfaces.Any(i => SymbolEqualityComparer.Default.Equals(i, interceptor)))
                    {
                        result.SaveChangesInterceptor = type;
                    }

                    if (symbols.IsDbContext(type) && !SymbolEqualityComparer.Default.Equals(type, symbols.DbContext))
                    {
                        result.Contexts.Add(type);
                        if (HandlesSaveEvents(type))
                        {
                            result.ContextsWithSaveEvents.Add(type);
                        }
                    }
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
            {
                // Cannot read the types: assume an interceptor may exist, so no bulk write looks safe.
                result.SaveChangesInterceptor ??= symbols.DbContext;
            }

            return result;
        }

        private static bool HandlesSaveEvents(INamedTypeSymbol context)
        {
            foreach (var reference in context.DeclaringSyntaxReferences)
            {
                foreach (var name in reference.GetSyntax().DescendantNodes().OfType<IdentifierNameSyntax>())
                {
                    if (name.Identifier.ValueText is "SavingChanges" or "SavedChanges" or "StateChanged" or "Tracked")
                    {
                        return true;
                    }
                }
            }

            return false;
        }
    }
}
