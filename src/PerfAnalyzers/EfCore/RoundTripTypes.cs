using PerfAnalyzers.Options;

namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// <c>dotnet_code_quality.EFP104.round_trip_types</c>: types (interfaces or classes, by simple name, generic name
    /// without arity, or full name) whose methods the user declares to be database round trips. For calls the analyzer
    /// cannot follow, because the implementation lives in another project or package (its body is not in the
    /// compilation). A listed method that returns a query (<c>IQueryable</c>) only builds one and is not a round trip.
    /// </summary>
    internal static class RoundTripTypes
    {
        public static string OptionName => RuleOptions.RoundTripTypes.Name;

        public static ImmutableArray<string> Read(AnalyzerOptions options, SyntaxTree tree, string ruleId)
            => RuleOptions.RoundTripTypes.Read(options, tree, ruleId);

        /// <summary>The listed type that <paramref name="invocation"/> calls a method of (through its receiver's type or the method's declaring type), or null.</summary>
        public static INamedTypeSymbol? Match(EfSymbols ef, IInvocationOperation invocation, ImmutableArray<string> names)
        {
            var method = invocation.TargetMethod;
            if (names.IsDefaultOrEmpty || method.IsStatic || method.MethodKind != MethodKind.Ordinary
                || ef.IsQueryable(method.ReturnType) || ef.IsDbSet(method.ReturnType))
            {
                return null;
            }

            foreach (var type in new[] { invocation.Instance?.WalkDownConversions().Type as INamedTypeSymbol, method.ContainingType })
            {
                if (type is null)
                {
                    continue;
                }

                foreach (var candidate in SourceTypeIndex.SelfBasesAndInterfaces(type))
                {
                    if (names.Any(n => Matches(candidate, n)))
                    {
                        return candidate;
                    }
                }
            }

            return null;
        }

        private static bool Matches(INamedTypeSymbol type, string name)
        {
            var definition = type.OriginalDefinition;
            return string.Equals(definition.Name, name, StringComparison.Ordinal)
                   || string.Equals(definition.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat.WithGenericsOptions(SymbolDisplayGenericsOptions.None)), name, StringComparison.Ordinal)
                   || string.Equals(definition.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() + "." + definition.MetadataName : definition.MetadataName, name, StringComparison.Ordinal);
        }
    }
}
