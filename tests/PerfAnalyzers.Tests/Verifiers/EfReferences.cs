using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace PerfAnalyzers.Tests.Verifiers
{
    /// <summary>Which EF Core the test compilation references.</summary>
    public enum EfVersion
    {
        /// <summary>EF Core 10 (the test project's own PackageReference).</summary>
        Ef10,

        /// <summary>EF Core 8 (restored by the test project's PackageDownload, copied to ef8/ at build).</summary>
        Ef8,

        /// <summary>No EF Core at all: analyzers must stay silent and register nothing.</summary>
        None,
    }

    /// <summary>
    /// Metadata references for test compilations, taken from this test project's own restore: the .NET 10 reference
    /// assemblies (Basic.Reference.Assemblies) plus EF Core DLLs. Nothing is downloaded at test time.
    /// </summary>
    public static class EfReferences
    {
        private static readonly Lazy<ImmutableArray<MetadataReference>> Ef10Refs = new(() => Load(EfVersion.Ef10));
        private static readonly Lazy<ImmutableArray<MetadataReference>> Ef8Refs = new(() => Load(EfVersion.Ef8));
        private static readonly Lazy<ImmutableArray<MetadataReference>> NoEfRefs = new(() => Load(EfVersion.None));

        public static ImmutableArray<MetadataReference> For(EfVersion version) => version switch
        {
            EfVersion.Ef10 => Ef10Refs.Value,
            EfVersion.Ef8 => Ef8Refs.Value,
            _ => NoEfRefs.Value,
        };

        private static ImmutableArray<MetadataReference> Load(EfVersion version)
        {
            var references = new List<MetadataReference>(Basic.Reference.Assemblies.Net100.References.All);
            if (version == EfVersion.None)
            {
                return references.ToImmutableArray();
            }

            var baseDir = AppContext.BaseDirectory;
            var extensions = Directory.GetFiles(baseDir, "Microsoft.Extensions.*.dll");
            IEnumerable<string> efDlls;
            if (version == EfVersion.Ef10)
            {
                efDlls = Directory.GetFiles(baseDir, "Microsoft.EntityFrameworkCore*.dll")
                    .Concat(Directory.GetFiles(baseDir, "Microsoft.Data.Sqlite.dll"))
                    .Concat(Directory.GetFiles(baseDir, "Castle.Core.dll"));
            }
            else
            {
                var ef8 = Path.Combine(baseDir, "ef8");
                if (!Directory.Exists(ef8))
                {
                    throw new InvalidOperationException($"EF Core 8 reference DLLs are missing from {ef8}; build the test project first.");
                }

                efDlls = Directory.GetFiles(ef8, "*.dll");
            }

            foreach (var path in efDlls.Concat(extensions))
            {
                references.Add(MetadataReference.CreateFromFile(path));
            }

            return references.ToImmutableArray();
        }
    }
}
