using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace PerfAnalyzers.Tests.Verifiers
{
    /// <summary>
    /// The real analyzers of other packs (Microsoft.CodeAnalysis.NetAnalyzers, Meziantou.Analyzer, SonarAnalyzer.CSharp),
    /// restored by this test project's PackageDownload and copied to third-party-analyzers/ at build: suppressor tests
    /// run them so the diagnostics we suppress are the ones those packs really report.
    /// </summary>
    public static class ThirdPartyAnalyzers
    {
        private static readonly ConcurrentDictionary<string, Assembly[]> Loaded = new();

        /// <summary>New instances of every C# analyzer in the package folder that supports <paramref name="diagnosticId"/>.</summary>
        public static ImmutableArray<DiagnosticAnalyzer> Supporting(string package, string diagnosticId)
        {
            var assemblies = Loaded.GetOrAdd(package, Load);
            var result = ImmutableArray.CreateBuilder<DiagnosticAnalyzer>();
            foreach (var assembly in assemblies)
            {
                Type[] types;
                try
                {
                    types = assembly.GetTypes();
                }
                catch (ReflectionTypeLoadException ex)
                {
                    types = ex.Types.Where(t => t is not null).ToArray()!;
                }

                foreach (var type in types)
                {
                    if (type.IsAbstract || !typeof(DiagnosticAnalyzer).IsAssignableFrom(type) || type.GetConstructor(Type.EmptyTypes) is null)
                    {
                        continue;
                    }

                    var attribute = type.GetCustomAttribute<DiagnosticAnalyzerAttribute>();
                    if (attribute is null || !attribute.Languages.Contains(LanguageNames.CSharp))
                    {
                        continue;
                    }

                    var analyzer = (DiagnosticAnalyzer)Activator.CreateInstance(type)!;
                    if (analyzer.SupportedDiagnostics.Any(d => d.Id == diagnosticId))
                    {
                        result.Add(analyzer);
                    }
                }
            }

            return result.ToImmutable();
        }

        private static Assembly[] Load(string package)
        {
            var folder = Path.Combine(AppContext.BaseDirectory, "third-party-analyzers", package);
            if (!Directory.Exists(folder))
            {
                throw new InvalidOperationException($"Third-party analyzers are missing from {folder}; build the test project first.");
            }

            // One load context per package: two versions of the same pack (NetAnalyzers 6 and 9) can be loaded side by side,
            // while Microsoft.CodeAnalysis itself comes from the default context (the test's own Roslyn).
            var context = new PackageLoadContext(package, folder);
            return Directory.GetFiles(folder, "*.dll").Select(context.LoadFromAssemblyPath).ToArray();
        }

        private sealed class PackageLoadContext : System.Runtime.Loader.AssemblyLoadContext
        {
            private readonly string _folder;

            public PackageLoadContext(string name, string folder)
                : base("third-party-" + name)
                => _folder = folder;

            protected override Assembly? Load(AssemblyName assemblyName)
            {
                var path = Path.Combine(_folder, assemblyName.Name + ".dll");
                return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
            }
        }
    }
}
