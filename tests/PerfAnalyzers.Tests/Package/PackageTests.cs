using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using System.Xml.Linq;
using PerfAnalyzers.Tests.Meta;
using Xunit;

namespace PerfAnalyzers.Tests.Package
{
    /// <summary>
    /// Packs the NuGet package into a temporary feed once, restores a temporary consumer project against it (EF Core
    /// Sqlite + PerfAnalyzers by PackageReference, an isolated packages folder so no cached PerfAnalyzers of the same
    /// version can be used), and builds it three times: default severity, severity = error, severity = none.
    /// </summary>
    public sealed class PackageFixture : IAsyncLifetime
    {
        public string Root { get; } = Path.Combine(Path.GetTempPath(), "perfanalyzers-package-" + Guid.NewGuid().ToString("N"));

        public string Feed => Path.Combine(Root, "feed");

        public string Packages => Path.Combine(Root, "packages");

        public string Consumer => Path.Combine(Root, "consumer");

        public string PackagePath { get; private set; } = "";

        public string Version { get; private set; } = "";

        public async Task InitializeAsync()
        {
            Directory.CreateDirectory(Feed);
            Directory.CreateDirectory(Consumer);

            // 1. Pack, with bin/obj under the temp folder so the repository's own build output is never touched.
            var project = Path.Combine(RuleCatalog.RepoRoot, "src", "PerfAnalyzers.Package", "PerfAnalyzers.Package.csproj");
            var pack = await Dotnet.RunAsync(RuleCatalog.RepoRoot, "pack", project, "-c", "Release", "-o", Feed, "--artifacts-path", Path.Combine(Root, "artifacts"));
            Assert.True(pack.ExitCode == 0, "dotnet pack failed:\n" + pack.Output);
            PackagePath = Assert.Single(Directory.GetFiles(Feed, "PerfAnalyzers.*.nupkg"));
            Version = Path.GetFileNameWithoutExtension(PackagePath).Substring("PerfAnalyzers.".Length);

            // 2. The consumer: the temp feed + the machine's own NuGet sources, PerfAnalyzers only from the temp feed.
            var sources = await MachineSourcesAsync();
            Assert.NotEmpty(sources);
            var config = new StringBuilder();
            config.AppendLine("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
            config.AppendLine("<configuration>");
            config.AppendLine("  <packageSources>");
            config.AppendLine("    <clear />");
            config.AppendLine($"    <add key=\"perfanalyzers-local\" value=\"{Escape(Feed)}\" />");
            for (var i = 0; i < sources.Count; i++)
            {
                config.AppendLine($"    <add key=\"machine-{i}\" value=\"{Escape(sources[i])}\" />");
            }

            config.AppendLine("  </packageSources>");
            config.AppendLine("  <packageSourceMapping>");
            config.AppendLine("    <packageSource key=\"perfanalyzers-local\"><package pattern=\"PerfAnalyzers\" /></packageSource>");
            for (var i = 0; i < sources.Count; i++)
            {
                config.AppendLine($"    <packageSource key=\"machine-{i}\"><package pattern=\"*\" /></packageSource>");
            }

            config.AppendLine("  </packageSourceMapping>");
            config.AppendLine("</configuration>");
            File.WriteAllText(Path.Combine(Consumer, "nuget.config"), config.ToString());

            // Stop MSBuild from importing anything above the temp folder.
            File.WriteAllText(Path.Combine(Consumer, "Directory.Build.props"), "<Project />\n");
            File.WriteAllText(Path.Combine(Consumer, "Directory.Build.targets"), "<Project />\n");
            File.WriteAllText(Path.Combine(Consumer, "Directory.Packages.props"), "<Project />\n");
            File.WriteAllText(Path.Combine(Consumer, "Consumer.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <TreatWarningsAsErrors>false</TreatWarningsAsErrors>
                    <RestorePackagesPath>{Escape(Packages)}</RestorePackagesPath>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Microsoft.EntityFrameworkCore.Sqlite" Version="10.0.15" />
                    <PackageReference Include="PerfAnalyzers" Version="{Version}" PrivateAssets="all" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(Consumer, "Model.cs"), ConsumerSources.Model);
            File.WriteAllText(Path.Combine(Consumer, "Loops.cs"), ConsumerSources.Loops);
            File.WriteAllText(Path.Combine(Consumer, "Retry.cs"), ConsumerSources.Retry);
            File.WriteAllText(Path.Combine(Consumer, "Presets.cs"), ConsumerSources.Presets);

            // 3. One restore for the three builds.
            var restore = await Dotnet.RunAsync(Consumer, new Dictionary<string, string> { ["NUGET_PACKAGES"] = Packages }, "restore", "Consumer.csproj");
            Assert.True(restore.ExitCode == 0, "dotnet restore failed:\n" + restore.Output);
        }

        public async Task<ProcessResult> BuildAsync(string? editorConfig, string? mode = null, params string[] properties)
        {
            var path = Path.Combine(Consumer, ".editorconfig");
            if (editorConfig is null)
            {
                File.Delete(path);
            }
            else
            {
                File.WriteAllText(path, "root = true\n\n[*.cs]\n" + editorConfig + "\n");
            }

            var args = new List<string> { "build", "Consumer.csproj", "--no-restore", "--no-incremental", "-c", "Debug", "-clp:NoSummary", "-nologo" };
            if (mode is not null)
            {
                args.Add("-p:PerfAnalyzersMode=" + mode);
            }

            args.AddRange(properties.Select(p => "-p:" + p));

            return await Dotnet.RunAsync(Consumer, new Dictionary<string, string> { ["NUGET_PACKAGES"] = Packages }, args.ToArray());
        }

        /// <summary>The analyzer DLLs of the PerfAnalyzers package that the consumer's build hands the compiler.</summary>
        public async Task<List<string>> CompilerAnalyzersAsync(params string[] properties)
        {
            var args = new List<string> { "msbuild", "Consumer.csproj", "-t:ResolveLockFileAnalyzers", "-getItem:Analyzer", "-nologo" };
            args.AddRange(properties.Select(p => "-p:" + p));
            var result = await Dotnet.RunAsync(Consumer, new Dictionary<string, string> { ["NUGET_PACKAGES"] = Packages }, args.ToArray());
            Assert.True(result.ExitCode == 0, "dotnet msbuild -getItem:Analyzer failed:\n" + result.Output);
            using var json = System.Text.Json.JsonDocument.Parse(result.Output.Substring(result.Output.IndexOf('{')));
            var package = Path.Combine(Packages, "perfanalyzers", Version.ToLowerInvariant()) + Path.DirectorySeparatorChar;
            return json.RootElement.GetProperty("Items").GetProperty("Analyzer").EnumerateArray()
                .Select(item => item.GetProperty("FullPath").GetString()!)
                .Where(path => path.StartsWith(package, StringComparison.Ordinal))
                .Select(path => Path.GetRelativePath(package, path).Replace('\\', '/'))
                .OrderBy(path => path, StringComparer.Ordinal)
                .ToList();
        }

        public Task DisposeAsync()
        {
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }

            return Task.CompletedTask;
        }

        private static async Task<List<string>> MachineSourcesAsync()
        {
            // "E https://..." for every enabled source, as configured on this machine (never a hard-coded host).
            var list = await Dotnet.RunAsync(RuleCatalog.RepoRoot, "nuget", "list", "source", "--format", "short");
            Assert.True(list.ExitCode == 0, "dotnet nuget list source failed:\n" + list.Output);
            return list.Output.Split('\n')
                .Select(l => l.Trim())
                .Where(l => l.StartsWith("E ", StringComparison.Ordinal))
                .Select(l => l.Substring(2).Trim())
                .Where(s => s.Length > 0)
                .Distinct(StringComparer.Ordinal)
                .ToList();
        }

        private static string Escape(string value) => System.Security.SecurityElement.Escape(value)!;
    }

    [Trait("Category", "Package")]
    public sealed class PackageTests : IClassFixture<PackageFixture>
    {
        private static readonly Regex Ef201 = new(@"(?<file>[^\s\\/(]+\.cs)\((?<line>\d+),(?<col>\d+)\): (?<severity>warning|error) EFP201:", RegexOptions.Compiled);

        private readonly PackageFixture _fixture;

        public PackageTests(PackageFixture fixture) => _fixture = fixture;

        [Fact]
        public void Package_has_both_analyzers_and_nothing_else_to_reference()
        {
            using var zip = ZipFile.OpenRead(_fixture.PackagePath);
            var entries = zip.Entries.Select(e => e.FullName).ToList();
            Assert.Contains("analyzers/dotnet/cs/PerfAnalyzers.dll", entries);
            Assert.Contains("analyzers/dotnet/cs/PerfAnalyzers.CodeFixes.dll", entries);
            Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal) || e.StartsWith("ref/", StringComparison.Ordinal));
            // The perfanalyzers CLI is a dotnet tool of its own, never part of the analyzer package.
            Assert.DoesNotContain(entries, e => e.Contains("PerfAnalyzers.Cli", StringComparison.Ordinal) || e.StartsWith("tools/", StringComparison.Ordinal));
            Assert.Contains("README.md", entries);

            // The package's own README (src/PerfAnalyzers.Package/README.md), not the repository's: absolute links only.
            using (var readme = new StreamReader(zip.GetEntry("README.md")!.Open()))
            {
                var packed = readme.ReadToEnd();
                Assert.Equal(RuleCatalog.ReadRepoFile("src", "PerfAnalyzers.Package", "README.md"), packed);
                Assert.DoesNotMatch(@"\]\((?!https://)[^)]*\)", packed);
            }

            var nuspecEntry = Assert.Single(zip.Entries, e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
            using var stream = nuspecEntry.Open();
            var metadata = XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
            string? Value(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;
            Assert.Equal("PerfAnalyzers", Value("id"));
            Assert.Equal("true", Value("developmentDependency"));
            Assert.Equal("MIT", Value("license"));
            Assert.Equal("README.md", Value("readme"));
            Assert.Contains("Entity Framework Core", Value("description"), StringComparison.Ordinal);
            Assert.Contains("N+1", Value("description"), StringComparison.Ordinal);
            Assert.Contains("efcore", Value("tags")!.Split(' '));
            Assert.Contains("analyzer", Value("tags")!.Split(' '));
            Assert.DoesNotContain(metadata.Elements(), e => e.Name.LocalName == "dependencies" && e.Descendants().Any(d => d.Name.LocalName == "dependency"));
        }

        [Fact]
        public async Task Consumer_gets_EFP201_for_saves_in_loops_and_none_for_a_retry_loop()
        {
            var result = await _fixture.BuildAsync(editorConfig: null);
            Assert.True(result.ExitCode == 0, "The consumer build failed:\n" + result.Output);

            // The analyzer the build ran is the one just packed, not a cached copy.
            var used = Assert.Single(await _fixture.CompilerAnalyzersAsync(), path => path.EndsWith("/PerfAnalyzers.dll", StringComparison.Ordinal));
            var restored = Path.Combine(_fixture.Packages, "perfanalyzers", _fixture.Version.ToLowerInvariant(), used);
            Assert.True(File.Exists(restored), $"{restored} was not restored into the isolated packages folder.");
            using (var zip = ZipFile.OpenRead(_fixture.PackagePath))
            using (var packed = zip.GetEntry(used)!.Open())
            using (var copy = new MemoryStream())
            {
                await packed.CopyToAsync(copy);
                Assert.Equal(SHA256.HashData(copy.ToArray()), SHA256.HashData(await File.ReadAllBytesAsync(restored)));
            }

            var found = Findings(result.Output);
            Assert.All(found, f => Assert.Equal("warning", f.Severity));
            Assert.Equal(ExpectedLocations(), found.Select(f => (f.File, f.Line)).OrderBy(x => x.Line).ToList());
            Assert.DoesNotContain(found, f => f.File == "Retry.cs");
        }

        /// <summary>
        /// The ReadyToRun copy (issue 14): packed on a linux-x64 build machine, for csc on .NET 10 on linux-x64; the code
        /// fixes beside it. Another build machine packs IL only.
        /// </summary>
        [Fact]
        public void Package_ships_a_ReadyToRun_copy_of_the_analyzer_beside_the_IL_one()
        {
            using var zip = ZipFile.OpenRead(_fixture.PackagePath);
            var readyToRun = zip.Entries.Where(e => e.FullName.StartsWith("build/r2r/", StringComparison.Ordinal)).Select(e => e.FullName).OrderBy(e => e, StringComparer.Ordinal).ToList();
            if (System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier != "linux-x64")
            {
                Assert.Empty(readyToRun);
                return;
            }

            Assert.Equal(new[] { "build/r2r/linux-x64/net10.0/PerfAnalyzers.CodeFixes.dll", "build/r2r/linux-x64/net10.0/PerfAnalyzers.dll" }, readyToRun);
            var il = Read(zip, "analyzers/dotnet/cs/PerfAnalyzers.dll");
            var precompiled = Read(zip, "build/r2r/linux-x64/net10.0/PerfAnalyzers.dll");
            Assert.Equal(Read(zip, "analyzers/dotnet/cs/PerfAnalyzers.CodeFixes.dll"), Read(zip, "build/r2r/linux-x64/net10.0/PerfAnalyzers.CodeFixes.dll"));

            // The same assembly (name, version, module id), with native code: a ReadyToRun header in the CLI header.
            using var ilReader = new System.Reflection.PortableExecutable.PEReader(new MemoryStream(il));
            using var r2rReader = new System.Reflection.PortableExecutable.PEReader(new MemoryStream(precompiled));
            Assert.Equal(0, ilReader.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size);
            Assert.NotEqual(0, r2rReader.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size);
            var ilMetadata = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(ilReader);
            var r2rMetadata = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(r2rReader);
            Assert.Equal(ilMetadata.GetAssemblyDefinition().GetAssemblyName().FullName, r2rMetadata.GetAssemblyDefinition().GetAssemblyName().FullName);
            Assert.Equal(ilMetadata.GetGuid(ilMetadata.GetModuleDefinition().Mvid), r2rMetadata.GetGuid(r2rMetadata.GetModuleDefinition().Mvid));

            static byte[] Read(ZipArchive zip, string name)
            {
                using var stream = zip.GetEntry(name)!.Open();
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                return copy.ToArray();
            }
        }

        [Fact]
        public async Task The_compiler_gets_the_ReadyToRun_copy_on_its_platform_and_runtime_and_the_IL_copy_when_turned_off()
        {
            var shipsVariant = System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier == "linux-x64" && Environment.Version.Major == 10;
            var byDefault = await _fixture.CompilerAnalyzersAsync();
            var il = new List<string> { "analyzers/dotnet/cs/PerfAnalyzers.CodeFixes.dll", "analyzers/dotnet/cs/PerfAnalyzers.dll" };
            Assert.Equal(shipsVariant ? new List<string> { "build/r2r/linux-x64/net10.0/PerfAnalyzers.CodeFixes.dll", "build/r2r/linux-x64/net10.0/PerfAnalyzers.dll" } : il, byDefault);
            Assert.Equal(il, await _fixture.CompilerAnalyzersAsync("PerfAnalyzersReadyToRun=false"));

            // Same findings from either copy.
            var ilBuild = await _fixture.BuildAsync(editorConfig: null, mode: null, "PerfAnalyzersReadyToRun=false");
            Assert.True(ilBuild.ExitCode == 0, "The consumer build failed:\n" + ilBuild.Output);
            var defaultBuild = await _fixture.BuildAsync(editorConfig: null);
            Assert.True(defaultBuild.ExitCode == 0, "The consumer build failed:\n" + defaultBuild.Output);
            Assert.Equal(ExpectedLocations(), Findings(ilBuild.Output).Select(f => (f.File, f.Line)).OrderBy(x => x.Line).ToList());
            Assert.Equal(Findings(ilBuild.Output).OrderBy(f => f.Line), Findings(defaultBuild.Output).OrderBy(f => f.Line));
        }

        /// <summary>
        /// <c>dotnet format analyzers</c> loads the code fixes from the folder the build chose (the ReadyToRun one on this
        /// machine); they must find the analyzer assembly there and fix.
        /// </summary>
        [Fact]
        public async Task Dotnet_format_applies_a_fix_from_the_package()
        {
            var loops = Path.Combine(_fixture.Consumer, "Loops.cs");
            try
            {
                var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = _fixture.Packages };
                var format = await Dotnet.RunAsync(_fixture.Consumer, environment, "format", "analyzers", "Consumer.csproj", "--no-restore", "--diagnostics", "EFP201", "--severity", "warn", "--include", "Loops.cs");
                Assert.True(format.ExitCode == 0, "dotnet format failed:\n" + format.Output);
                Assert.NotEqual(ConsumerSources.Loops, File.ReadAllText(loops));

                var after = await _fixture.BuildAsync(editorConfig: null);
                Assert.True(after.ExitCode == 0, "The consumer build failed after dotnet format:\n" + after.Output);
                Assert.True(Findings(after.Output).Count < ExpectedLocations().Count, "dotnet format fixed no EFP201:\n" + format.Output + "\n" + File.ReadAllText(loops));
            }
            finally
            {
                File.WriteAllText(loops, ConsumerSources.Loops);
            }
        }

        [Fact]
        public async Task Severity_error_in_editorconfig_fails_the_build()
        {
            var result = await _fixture.BuildAsync("dotnet_diagnostic.EFP201.severity = error");
            Assert.True(result.ExitCode != 0, "The build passed although EFP201 is an error:\n" + result.Output);
            var found = Findings(result.Output);
            Assert.All(found, f => Assert.Equal("error", f.Severity));
            Assert.Equal(ExpectedLocations(), found.Select(f => (f.File, f.Line)).OrderBy(x => x.Line).ToList());
        }

        [Fact]
        public async Task Severity_none_in_editorconfig_silences_the_rule()
        {
            var result = await _fixture.BuildAsync("dotnet_diagnostic.EFP201.severity = none");
            Assert.True(result.ExitCode == 0, "The consumer build failed:\n" + result.Output);
            Assert.Empty(Findings(result.Output));
            Assert.DoesNotContain("EFP201", result.Output, StringComparison.Ordinal);
        }

        [Fact]
        public void Package_ships_the_presets()
        {
            using var zip = ZipFile.OpenRead(_fixture.PackagePath);
            var entries = zip.Entries.Select(e => e.FullName).ToList();
            Assert.Contains("build/PerfAnalyzers.targets", entries);
            Assert.Contains("buildTransitive/PerfAnalyzers.targets", entries);
            foreach (var preset in new[] { "minimal", "recommended", "all" })
            {
                Assert.Contains($"build/presets/{preset}.globalconfig", entries);
            }
        }

        [Fact]
        public async Task Mode_all_raises_an_Info_rule_to_a_warning_and_editorconfig_still_wins()
        {
            // EFP304 (Count() > 0) ships as Info: not a warning by default, a warning with PerfAnalyzersMode=all.
            var byDefault = await _fixture.BuildAsync(editorConfig: null);
            Assert.True(byDefault.ExitCode == 0, "The consumer build failed:\n" + byDefault.Output);
            Assert.DoesNotContain("warning EFP304", byDefault.Output, StringComparison.Ordinal);

            var all = await _fixture.BuildAsync(editorConfig: null, mode: "all");
            Assert.True(all.ExitCode == 0, "The consumer build failed:\n" + all.Output);
            Assert.Matches(@"Presets\.cs\(\d+,\d+\): warning EFP304:", all.Output);
            Assert.Equal(ExpectedLocations(), Findings(all.Output).Select(f => (f.File, f.Line)).OrderBy(x => x.Line).ToList());

            // The user's .editorconfig beats the preset's low global_level.
            var overridden = await _fixture.BuildAsync("dotnet_diagnostic.EFP304.severity = none", mode: "all");
            Assert.True(overridden.ExitCode == 0, "The consumer build failed:\n" + overridden.Output);
            Assert.DoesNotContain("EFP304", overridden.Output, StringComparison.Ordinal);
            Assert.Equal(ExpectedLocations(), Findings(overridden.Output).Select(f => (f.File, f.Line)).OrderBy(x => x.Line).ToList());
        }

        [Fact]
        public async Task Mode_minimal_keeps_EFP201_and_turns_EFP303_off_and_a_wrong_mode_fails()
        {
            var byDefault = await _fixture.BuildAsync(editorConfig: null);
            Assert.Matches(@"Presets\.cs\(\d+,\d+\): warning EFP303:", byDefault.Output);

            var minimal = await _fixture.BuildAsync(editorConfig: null, mode: "Minimal");
            Assert.True(minimal.ExitCode == 0, "The consumer build failed:\n" + minimal.Output);
            Assert.DoesNotContain("EFP303", minimal.Output, StringComparison.Ordinal);
            Assert.Equal(ExpectedLocations(), Findings(minimal.Output).Select(f => (f.File, f.Line)).OrderBy(x => x.Line).ToList());

            var wrong = await _fixture.BuildAsync(editorConfig: null, mode: "everything");
            Assert.True(wrong.ExitCode != 0, "A PerfAnalyzersMode that is no preset must fail the build:\n" + wrong.Output);
            Assert.Contains("EFPCONFIG001", wrong.Output, StringComparison.Ordinal);
        }

        [Fact]
        public async Task A_baseline_above_the_project_suppresses_the_findings_it_lists()
        {
            // The CLI writes it one folder above the project (a repository root), from a build with the package's own
            // analyzer; the package's targets find it there and the build reports nothing it lists.
            var baselinePath = Path.Combine(_fixture.Root, "perfanalyzers.baseline.json");
            try
            {
                var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = _fixture.Packages };
                var cli = await CliTests.CliAsync(environment, "baseline", Path.Combine(_fixture.Consumer, "Consumer.csproj"), "--baseline", baselinePath);
                Assert.True(cli.ExitCode == 0, "perfanalyzers baseline failed:\n" + cli.Output);
                var entries = PerfAnalyzers.Baseline.BaselineFile.Parse(File.ReadAllText(baselinePath))!;
                Assert.Equal(4, entries.Where(e => e.Key.Rule == "EFP201").Sum(e => e.Count));
                Assert.All(entries, e => Assert.StartsWith("consumer/", e.Key.File, StringComparison.Ordinal));
                Assert.Contains(entries, e => e.Key.Rule == "EFP303" && e.Key.File == "consumer/Presets.cs");

                var result = await _fixture.BuildAsync(editorConfig: null);
                Assert.True(result.ExitCode == 0, "The consumer build failed:\n" + result.Output);
                Assert.Empty(Findings(result.Output));
                Assert.DoesNotContain("warning EFP", result.Output, StringComparison.Ordinal);

                // Not a baseline any more: every finding is back.
                File.WriteAllText(baselinePath, "{ not json");
                var unreadable = await _fixture.BuildAsync(editorConfig: null);
                Assert.True(unreadable.ExitCode == 0, "The consumer build failed:\n" + unreadable.Output);
                Assert.Equal(ExpectedLocations(), Findings(unreadable.Output).Select(f => (f.File, f.Line)).OrderBy(x => x.Line).ToList());
            }
            finally
            {
                File.Delete(baselinePath);
            }
        }

        /// <summary>The lines of Loops.cs marked "// EFP201" (one per loop kind).</summary>
        private static List<(string File, int Line)> ExpectedLocations()
        {
            var expected = ConsumerSources.Loops.Split('\n')
                .Select((text, index) => (Text: text, Line: index + 1))
                .Where(l => l.Text.Contains("// EFP201", StringComparison.Ordinal))
                .Select(l => ("Loops.cs", l.Line))
                .ToList();
            Assert.Equal(4, expected.Count);
            return expected;
        }

        private static List<(string File, int Line, string Severity)> Findings(string output)
            => Ef201.Matches(output)
                .Select(m => (m.Groups["file"].Value, int.Parse(m.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture), m.Groups["severity"].Value, m.Groups["col"].Value))
                .Distinct()
                .Select(x => (x.Item1, x.Item2, x.Item3))
                .ToList();
    }

    internal static class ConsumerSources
    {
        public const string Model = """
            using Microsoft.EntityFrameworkCore;

            namespace Consumer;

            public class Blog
            {
                public int Id { get; set; }
                public string Name { get; set; } = "";
                public int Rating { get; set; }
            }

            public class ShopContext : DbContext
            {
                public DbSet<Blog> Blogs => Set<Blog>();

                protected override void OnConfiguring(DbContextOptionsBuilder options) => options.UseSqlite("Data Source=:memory:");
            }
            """;

        public const string Loops = """
            namespace Consumer;

            public static class Loops
            {
                public static void ForEach(ShopContext db, List<string> names)
                {
                    foreach (var name in names)
                    {
                        db.Blogs.Add(new Blog { Name = name });
                        db.SaveChanges(); // EFP201
                    }
                }

                public static async Task For(ShopContext db, List<string> names, CancellationToken ct)
                {
                    for (var i = 0; i < names.Count; i++)
                    {
                        db.Blogs.Add(new Blog { Name = names[i] });
                        await db.SaveChangesAsync(ct); // EFP201
                    }
                }

                public static void While(ShopContext db, Queue<string> names)
                {
                    while (names.Count > 0)
                    {
                        db.Blogs.Add(new Blog { Name = names.Dequeue() });
                        db.SaveChanges(); // EFP201
                    }
                }

                public static async Task Do(ShopContext db, Queue<string> names)
                {
                    do
                    {
                        db.Blogs.Add(new Blog { Name = names.Dequeue() });
                        await db.SaveChangesAsync(); // EFP201
                    }
                    while (names.Count > 0);
                }
            }
            """;

        /// <summary>An Info rule (EFP304) and a Warning rule outside the minimal preset (EFP303).</summary>
        public const string Presets = """
            namespace Consumer;

            public static class Presets
            {
                public static bool HasBlogs(ShopContext db) => db.Blogs.Count() > 0;

                public static int TopRated(ShopContext db) => db.Blogs.ToList().Count(b => b.Rating > 3);
            }
            """;

        public const string Retry = """
            using Microsoft.EntityFrameworkCore;

            namespace Consumer;

            public static class Retry
            {
                public static void SaveWithConcurrencyRetry(ShopContext db)
                {
                    while (true)
                    {
                        try
                        {
                            db.SaveChanges();
                            break;
                        }
                        catch (DbUpdateConcurrencyException ex)
                        {
                            foreach (var entry in ex.Entries)
                            {
                                var databaseValues = entry.GetDatabaseValues();
                                if (databaseValues is not null)
                                {
                                    entry.OriginalValues.SetValues(databaseValues);
                                }
                            }
                        }
                    }
                }
            }
            """;
    }

    public sealed record ProcessResult(int ExitCode, string Output);

    internal static class Dotnet
    {
        public static Task<ProcessResult> RunAsync(string workingDirectory, params string[] args)
            => RunAsync(workingDirectory, new Dictionary<string, string>(), args);

        public static async Task<ProcessResult> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
        {
            var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            var start = new ProcessStartInfo(string.IsNullOrEmpty(host) || !File.Exists(host) ? "dotnet" : host)
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            };
            foreach (var arg in args)
            {
                start.ArgumentList.Add(arg);
            }

            // The test host runs inside an MSBuild/VSTest environment: do not let its variables steer the child build.
            foreach (var key in start.Environment.Keys.ToList())
            {
                if (key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
                {
                    start.Environment.Remove(key);
                }
            }

            start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            start.Environment["DOTNET_NOLOGO"] = "1";
            start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
            start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
            foreach (var (key, value) in environment)
            {
                start.Environment[key] = value;
            }

            using var process = Process.Start(start)!;
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            var exited = process.WaitForExitAsync();
            if (await Task.WhenAny(exited, Task.Delay(TimeSpan.FromMinutes(15))) != exited)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"dotnet {string.Join(' ', args)} did not finish in 15 minutes.");
            }

            return new ProcessResult(process.ExitCode, await stdout + await stderr);
        }
    }
}
