using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using PerfAnalyzers.Baseline;
using Xunit;

namespace PerfAnalyzers.Tests.Package
{
    /// <summary>
    /// The perfanalyzers CLI (src/PerfAnalyzers.Cli) on a tiny EF Core project that references the analyzer DLL and the
    /// baseline itself and builds with TreatWarningsAsErrors: `baseline` records the findings and, after unrelated edits
    /// plus one new finding, the project's own build (the real compiler, warnings as errors) and `report` over that
    /// build's SARIF log show exactly the new one. Two builds of one small project (well under a minute on an idle
    /// machine); in the Package namespace, so the everyday test filter leaves it out like the package tests.
    /// </summary>
    [Trait("Category", "Package")]
    public sealed class CliTests : IDisposable
    {
        private readonly string _root = Path.Combine(Path.GetTempPath(), "perfanalyzers-cli-" + Guid.NewGuid().ToString("N"));

        private const string Service = """
            using Microsoft.EntityFrameworkCore;

            namespace Shop;

            public class Order
            {
                public int Id { get; set; }
                public int Total { get; set; }
            }

            public class ShopContext : DbContext
            {
                public DbSet<Order> Orders => Set<Order>();
            }

            public class OrderService(ShopContext db)
            {
                public int Sum(List<int> ids)
                {
                    var sum = 0;
                    foreach (var id in ids)
                    {
                        var order = db.Orders.Find(id);
                        sum += order?.Total ?? 0;
                    }

                    return sum;
                }
            }
            """;

        public CliTests()
        {
            Directory.CreateDirectory(Path.Combine(_root, "src"));
            File.WriteAllText(Path.Combine(_root, "Directory.Build.props"), "<Project />\n");
            File.WriteAllText(Path.Combine(_root, "Directory.Build.targets"), "<Project />\n");
            File.WriteAllText(Path.Combine(_root, "Directory.Packages.props"), "<Project />\n");
            var analyzer = typeof(RuleIds).Assembly.Location;
            File.WriteAllText(Path.Combine(_root, "src", "Shop.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                    <NuGetAudit>false</NuGetAudit>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Microsoft.EntityFrameworkCore" Version="{EfCoreVersion()}" />
                    <Analyzer Include="{analyzer}" />
                    <AdditionalFiles Include="../perfanalyzers.baseline.json" Condition="Exists('../perfanalyzers.baseline.json')" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(_root, "src", "OrderService.cs"), Service);
        }

        [Fact]
        public async Task Baseline_then_the_build_and_the_report_show_only_the_new_finding()
        {
            var project = Path.Combine(_root, "src", "Shop.csproj");
            var baselinePath = Path.Combine(_root, "perfanalyzers.baseline.json");

            // 1. Record today's finding (EFP101, the Find in the loop).
            var baseline = await CliAsync("baseline", project, "--baseline", baselinePath);
            Assert.True(baseline.ExitCode == 0, "perfanalyzers baseline failed:\n" + baseline.Output);
            var entries = BaselineFile.Parse(File.ReadAllText(baselinePath));
            var entry = Assert.Single(entries!);
            Assert.Equal(("EFP101", "src/OrderService.cs", "Shop.OrderService.Sum(List<int>)", 1), (entry.Key.Rule, entry.Key.File, entry.Key.Member, entry.Count));
            Assert.Equal("var order=db.Orders.Find(id);", entry.Code);

            // 2. Unrelated edits above it, and a new finding (EFP101 again, another member).
            File.WriteAllText(Path.Combine(_root, "src", "OrderService.cs"), Service
                .Replace("namespace Shop;\n", "namespace Shop;\n\n// Orders and their service.\npublic record Unrelated(int Id);\n", StringComparison.Ordinal)
                .Replace("    public int Sum(", """
                    public int Count(List<int> ids)
                    {
                        var n = 0;
                        foreach (var id in ids)
                        {
                            n += db.Orders.Count(o => o.Id == id);
                        }

                        return n;
                    }

                    public int Sum(
                """.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal));

            // 3. The project's own build (real compiler, warnings as errors, the baseline as an AdditionalFile): only the new
            // finding fails it. Its SARIF log (as CI would keep it) feeds `report --from-sarif` below.
            var sarifDir = Path.Combine(_root, "sarif");
            Directory.CreateDirectory(sarifDir);
            var build = await Dotnet.RunAsync(_root, "build", project, "--no-incremental", "-nologo", "-clp:NoSummary", $"-p:ErrorLog={Path.Combine(sarifDir, "Shop.sarif")}%2Cversion=2.1");
            Assert.True(build.ExitCode != 0, "The new finding must fail the build:\n" + build.Output);
            var errors = build.Output.Split('\n').Where(l => l.Contains("error EFP", StringComparison.Ordinal)).Select(l => l.Trim()).Distinct().ToList();
            var error = Assert.Single(errors);
            Assert.Contains("OrderService.cs(", error, StringComparison.Ordinal);
            Assert.Contains("error EFP101", error, StringComparison.Ordinal);
            Assert.Contains("'Count'", error, StringComparison.Ordinal);

            // 4. The report over that log: the baselined finding (suppressed in the log by EFPS007) and the new one.
            var reportDir = Path.Combine(_root, "report");
            var report = await CliAsync("report", project, "--baseline", baselinePath, "--from-sarif", sarifDir, "--out", reportDir, "--fail-on-new");
            Assert.True(report.ExitCode == 3, "report --fail-on-new must exit 3 with a new finding:\n" + report.Output);
            Assert.Contains("2 findings in 1 projects: 1 in the baseline, 1 new.", report.Output, StringComparison.Ordinal);
            Assert.Matches(@"Shop\s+EFP101\s+2\s+1\s+1", report.Output);
            var markdown = File.ReadAllText(Path.Combine(reportDir, "perfanalyzers-report.md"));
            Assert.Contains("| Shop | [EFP101]", markdown, StringComparison.Ordinal);
            Assert.Contains("## New findings", markdown, StringComparison.Ordinal);
            using (var sarif = JsonDocument.Parse(File.ReadAllText(Path.Combine(reportDir, "perfanalyzers-report.sarif"))))
            {
                var states = sarif.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray()
                    .Select(r => (r.GetProperty("ruleId").GetString()!, r.GetProperty("baselineState").GetString()!))
                    .OrderBy(x => x.Item2, StringComparer.Ordinal)
                    .ToList();
                Assert.Equal(new[] { ("EFP101", "new"), ("EFP101", "unchanged") }, states);
            }
        }

        [Fact]
        public async Task Bad_arguments_exit_2_without_building()
        {
            Assert.Equal(2, (await CliAsync("baseline")).ExitCode);
            Assert.Equal(2, (await CliAsync("baseline", Path.Combine(_root, "missing.csproj"))).ExitCode);
            Assert.Equal(2, (await CliAsync("report", Path.Combine(_root, "src", "Shop.csproj"), "--bogus")).ExitCode);
        }

        /// <summary>The EF Core version this test project restored (so the sample restores from the same cache).</summary>
        private static string EfCoreVersion()
        {
            var informational = typeof(Microsoft.EntityFrameworkCore.DbContext).Assembly
                .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
                .Cast<System.Reflection.AssemblyInformationalVersionAttribute>()
                .Single().InformationalVersion;
            return informational.Split('+')[0];
        }

        internal static Task<ProcessResult> CliAsync(params string[] args) => CliAsync(new System.Collections.Generic.Dictionary<string, string>(), args);

        internal static Task<ProcessResult> CliAsync(System.Collections.Generic.IReadOnlyDictionary<string, string> environment, params string[] args)
        {
            var cli = Path.Combine(AppContext.BaseDirectory, "PerfAnalyzers.Cli.dll");
            Assert.True(File.Exists(cli), $"{cli} is missing (the test project references src/PerfAnalyzers.Cli).");
            return Dotnet.RunAsync(AppContext.BaseDirectory, environment, new[] { cli }.Concat(args).ToArray());
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(_root, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
