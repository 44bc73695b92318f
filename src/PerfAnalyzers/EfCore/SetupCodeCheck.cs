using System;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// Code that runs at startup, once, rather than per request: <c>Main</c> and top-level statements (<c>Program</c>),
    /// <c>IHostedService.StartAsync</c>, and members or types whose name says seeding, migrating, installing,
    /// initializing or provisioning (<c>SeedAsync</c>, <c>DataMigrator</c>, <c>Installer</c>, <c>DbInitializer</c>...).
    /// A small stand-in for the shared setup-code fact (issue 9, shape 10), used by EFP301's evidence.
    /// </summary>
    internal static class SetupCodeCheck
    {
        private static readonly string[] SetupWords = { "Seed", "Migrat", "Install", "Initializ", "Provision", "Bootstrap", "Startup" };

        public static bool IsSetupCode(ISymbol? symbol)
        {
            for (var s = symbol; s is not null && s is not INamespaceSymbol; s = s.ContainingSymbol)
            {
                if (s is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction or MethodKind.LambdaMethod })
                {
                    continue;
                }

                if (s.Name == "Main" || s.Name == "<Main>$" || s is INamedTypeSymbol { Name: "Program" })
                {
                    return true;
                }

                // Life-cycle handlers named On* (Blazor's OnInitializedAsync) run per request, not at startup.
                if (!(s is IMethodSymbol && s.Name.StartsWith("On", StringComparison.Ordinal))
                    && SetupWords.Any(w => s.Name.IndexOf(w, StringComparison.OrdinalIgnoreCase) >= 0))
                {
                    return true;
                }

                if (s is IMethodSymbol { Name: "StartAsync" } method
                    && method.ContainingType.AllInterfaces.Any(i => i.Name == "IHostedService"))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
