using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.Loader;
using Xunit;

namespace PerfAnalyzers.Tests.Meta
{
    /// <summary>
    /// The shipped DLLs must load where the README says they do: hosts on Roslyn 4.8 (the .NET 8 SDK's compiler and
    /// <c>dotnet format</c>, Visual Studio 17.8), which ship System.Composition 7.0. An assembly reference above what the
    /// host ships makes the host fail to load the fixers (or to read their export attributes).
    /// </summary>
    public class FixerAssemblyLoadTests
    {
        private static readonly Version PinnedRoslyn = new Version(4, 8, 0, 0);
        private static readonly Version HostComposition = new Version(7, 0, 0, 0);

        public static IEnumerable<object[]> ShippedAssemblies() => new[]
        {
            new object[] { "PerfAnalyzers.dll" },
            new object[] { "PerfAnalyzers.CodeFixes.dll" },
        };

        [Theory]
        [MemberData(nameof(ShippedAssemblies))]
        public void Shipped_assembly_references_nothing_newer_than_a_Roslyn_4_8_host_ships(string fileName)
        {
            var references = AssemblyReferences(Path.Combine(AppContext.BaseDirectory, fileName));
            Assert.Contains(references, r => r.Name == "Microsoft.CodeAnalysis");
            foreach (var (name, version) in references)
            {
                if (name.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal))
                {
                    Assert.True(version <= PinnedRoslyn, $"{fileName} references {name} {version}; Roslyn 4.8 hosts ship {PinnedRoslyn}.");
                }
                else if (name.StartsWith("System.Composition", StringComparison.Ordinal))
                {
                    Assert.True(version <= HostComposition, $"{fileName} references {name} {version}; Roslyn 4.8 hosts ship {HostComposition}.");
                }
                else if (name == "System.Collections.Immutable" || name == "System.Reflection.Metadata")
                {
                    Assert.True(version <= new Version(7, 0, 0, 0), $"{fileName} references {name} {version}; Roslyn 4.8 hosts ship 7.0.0.0.");
                }
            }
        }

        [Fact]
        public void Roslyn_4_8_MEF_host_composes_every_fixer_for_CSharp()
        {
            var hostDirectory = Path.Combine(AppContext.BaseDirectory, "roslyn-host");
            var context = new PinnedRoslynContext(hostDirectory);
            try
            {
                var workspaces = context.LoadFromAssemblyName(new AssemblyName("Microsoft.CodeAnalysis.Workspaces"));
                var csharpWorkspaces = context.LoadFromAssemblyName(new AssemblyName("Microsoft.CodeAnalysis.CSharp.Workspaces"));
                Assert.Equal(PinnedRoslyn, workspaces.GetName().Version);
                var fixers = context.LoadFromAssemblyPath(Path.Combine(AppContext.BaseDirectory, "PerfAnalyzers.CodeFixes.dll"));
                Assert.Same(context, AssemblyLoadContext.GetLoadContext(fixers));

                // The fixers' own view of Roslyn is the host's 4.8, not the test project's newer one.
                var hostCodeFixProvider = workspaces.GetType("Microsoft.CodeAnalysis.CodeFixes.CodeFixProvider", throwOnError: true)!;
                Assert.NotEqual(typeof(Microsoft.CodeAnalysis.CodeFixes.CodeFixProvider), hostCodeFixProvider);

                // What the IDE's code fix service imports: Lazy<CodeFixProvider, CodeChangeProviderMetadata> from MefHostServices.
                var mefHostServices = workspaces.GetType("Microsoft.CodeAnalysis.Host.Mef.MefHostServices", throwOnError: true)!;
                var create = mefHostServices.GetMethod("Create", new[] { typeof(IEnumerable<Assembly>) })!;
                var host = create.Invoke(null, new object[] { new[] { workspaces, csharpWorkspaces, fixers } })!;
                var exportProvider = workspaces.GetType("Microsoft.CodeAnalysis.Host.Mef.IMefHostExportProvider", throwOnError: true)!;
                var metadataType = workspaces.GetType("Microsoft.CodeAnalysis.Host.Mef.CodeChangeProviderMetadata", throwOnError: true)!;
                var getExports = exportProvider.GetMethods().Single(m => m.Name == "GetExports" && m.GetGenericArguments().Length == 2)
                    .MakeGenericMethod(hostCodeFixProvider, metadataType);
                var exports = ((IEnumerable)getExports.Invoke(host, null)!).Cast<object>().ToList();

                var composed = new List<string>();
                foreach (var export in exports)
                {
                    var metadata = export.GetType().GetProperty("Metadata")!.GetValue(export)!;
                    var languages = (IEnumerable<string>)metadataType.GetProperty("Languages")!.GetValue(metadata)!;
                    Assert.Contains("C#", languages);
                    var provider = export.GetType().GetProperty("Value")!.GetValue(export)!;
                    Assert.True(hostCodeFixProvider.IsInstanceOfType(provider));
                    var ids = (IEnumerable<string>)hostCodeFixProvider.GetProperty("FixableDiagnosticIds")!.GetValue(provider)!;
                    Assert.NotEmpty(ids);
                    Assert.NotNull(hostCodeFixProvider.GetMethod("GetFixAllProvider")!.Invoke(provider, null));
                    composed.Add((string)metadataType.GetProperty("Name")!.GetValue(metadata)!);
                }

                var expected = RuleCatalog.FixerTypes.Select(t => t.Name).OrderBy(n => n, StringComparer.Ordinal);
                Assert.Equal(expected, composed.OrderBy(n => n, StringComparer.Ordinal));
            }
            finally
            {
                context.Unload();
            }
        }

        private static List<(string Name, Version Version)> AssemblyReferences(string path)
        {
            using var stream = File.OpenRead(path);
            using var pe = new PEReader(stream);
            var reader = pe.GetMetadataReader();
            return reader.AssemblyReferences
                .Select(h => reader.GetAssemblyReference(h))
                .Select(r => (reader.GetString(r.Name), r.Version))
                .ToList();
        }

        /// <summary>Roslyn 4.8 from roslyn-host/ and our two DLLs; everything else (System.Composition, BCL) from the test host.</summary>
        private sealed class PinnedRoslynContext : AssemblyLoadContext
        {
            private readonly string _directory;

            public PinnedRoslynContext(string directory)
                : base("roslyn-4.8-host", isCollectible: true)
            {
                Assert.True(Directory.Exists(directory), $"{directory} is missing (the test project's build copies Roslyn there).");
                _directory = directory;
            }

            protected override Assembly? Load(AssemblyName assemblyName)
            {
                var name = assemblyName.Name ?? string.Empty;
                var path = name.StartsWith("PerfAnalyzers", StringComparison.Ordinal)
                    ? Path.Combine(AppContext.BaseDirectory, name + ".dll")
                    : Path.Combine(_directory, name + ".dll");
                return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
            }
        }
    }
}
