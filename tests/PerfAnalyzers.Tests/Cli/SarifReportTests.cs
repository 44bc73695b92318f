using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using PerfAnalyzers.Baseline;
using PerfAnalyzers.Cli;
using Xunit;

namespace PerfAnalyzers.Tests.Cli
{
    /// <summary>
    /// The CLI's reading of SARIF logs and its report, without a build: hand-written logs of two target frameworks of
    /// one project over a real source file. (Package/CliTests.cs runs the tool on a real build.)
    /// </summary>
    public sealed class SarifReportTests : IDisposable
    {
        private readonly string _root = Path.Combine(Path.GetTempPath(), "perfanalyzers-sarif-" + Guid.NewGuid().ToString("N"));

        private const string Source = """
            class C
            {
                void M(int[] ids)
                {
            #if FEATURE
                    var a = Load(ids);
            #endif
                    var b = Load(ids);
                }
            }
            """;

        public SarifReportTests()
        {
            Directory.CreateDirectory(Path.Combine(_root, "src"));
            Directory.CreateDirectory(Path.Combine(_root, "sarif"));
            File.WriteAllText(SourcePath, Source.Replace("\r\n", "\n", StringComparison.Ordinal));
        }

        private string SourcePath => Path.Combine(_root, "src", "C.cs");

        [Fact]
        public void Reads_EFP_results_with_keys_skips_others_and_counts_baseline_suppressions_as_findings()
        {
            WriteLog("App.net8.0", "App", "net8.0", "TRACE,FEATURE",
                Result("EFP101", 6, 17),                                   // var a = ... (inside #if FEATURE)
                Result("EFP101", 8, 17, suppression: "DiagnosticSuppressor { Suppression Id: EFPS007, Suppression Justification: x }"),
                Result("EFP301", 8, 17, suppression: "#pragma"),           // suppressed in source: not a finding
                Result("CA1000", 8, 17),                                   // not ours
                Result("EFPS007", 8, 17),                                  // a suppression ID is no finding
                Result("EFP101", 3, 1, path: Path.Combine(_root, "obj", "Generated.cs"))); // not on disk
            var compilations = SarifFindings.Read(Path.Combine(_root, "sarif"), _root, TextWriter.Null);
            var compilation = Assert.Single(compilations);
            Assert.Equal(("App", "net8.0"), (compilation.Project, compilation.TargetFramework));
            Assert.Equal(new[] { "var a=Load(ids);", "var b=Load(ids);" }, compilation.Findings.Select(f => f.Code));
            Assert.All(compilation.Findings, f => Assert.Equal(("EFP101", "src/C.cs", "C.M(int[])"), (f.Key.Rule, f.Key.File, f.Key.Member)));
        }

        [Fact]
        public void Report_marks_findings_per_compilation_and_merges_target_frameworks()
        {
            // net8.0 has FEATURE (two findings), net10.0 does not (one): the project has two findings, the baseline one.
            WriteLog("App.net8.0", "App", "net8.0", "FEATURE", Result("EFP101", 6, 17), Result("EFP101", 8, 17));
            WriteLog("App.net10.0", "App", "net10.0", "", Result("EFP101", 8, 17));
            var compilations = SarifFindings.Read(Path.Combine(_root, "sarif"), _root, TextWriter.Null);
            var b = compilations.Single(c => c.TargetFramework == "net10.0").Findings.Single();
            var baselinePath = Path.Combine(_root, BaselineFile.FileName);
            File.WriteAllText(baselinePath, BaselineFile.Write(new[] { new BaselineEntry(b.Key, 1, b.Code) }));

            var console = new StringWriter();
            var exit = Report.Run(baselinePath, compilations, Path.Combine(_root, "out"), failOnNew: true, console);
            Assert.Equal(3, exit);
            Assert.Contains("2 findings in 1 projects: 1 in the baseline, 1 new.", console.ToString(), StringComparison.Ordinal);
            Assert.Contains("C.cs(6,17): EFP101", console.ToString(), StringComparison.Ordinal);
            using var sarif = JsonDocument.Parse(File.ReadAllText(Path.Combine(_root, "out", Report.SarifName)));
            var states = sarif.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray()
                .Select(r => (r.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("region").GetProperty("startLine").GetInt32(), r.GetProperty("baselineState").GetString()!))
                .ToList();
            Assert.Equal(new[] { (6, "new"), (8, "unchanged") }, states);
            Assert.Contains("| App | [EFP101]", File.ReadAllText(Path.Combine(_root, "out", Report.MarkdownName)), StringComparison.Ordinal);

            // Without --fail-on-new the exit code is 0; an unreadable baseline makes every finding new.
            File.WriteAllText(baselinePath, "{");
            console = new StringWriter();
            Assert.Equal(0, Report.Run(baselinePath, compilations, Path.Combine(_root, "out"), failOnNew: false, console));
            Assert.Contains("is not a valid baseline", console.ToString(), StringComparison.Ordinal);
            Assert.Contains("0 in the baseline, 2 new.", console.ToString(), StringComparison.Ordinal);
        }

        [Fact]
        public void Baseline_count_is_the_most_one_compilation_has()
        {
            WriteLog("App.net8.0", "App", "net8.0", "", Result("EFP101", 8, 17));
            WriteLog("App.net10.0", "App", "net10.0", "", Result("EFP101", 8, 17));
            var compilations = SarifFindings.Read(Path.Combine(_root, "sarif"), _root, TextWriter.Null);
            var entries = BaselineFile.FromFindings(compilations.Select(c => c.Findings.Select(f => (f.Key, f.Code))));
            Assert.Equal(1, Assert.Single(entries).Count);
        }

        [Fact]
        public void The_default_baseline_is_at_the_git_root_unless_one_exists_nearer()
        {
            var project = Path.Combine(_root, "src", "App.csproj");
            File.WriteAllText(project, "<Project />");
            Directory.CreateDirectory(Path.Combine(_root, ".git"));
            Assert.Equal(Path.Combine(_root, BaselineFile.FileName), Program.FindBaseline(project));
            File.WriteAllText(Path.Combine(_root, "src", BaselineFile.FileName), "{}");
            Assert.Equal(Path.Combine(_root, "src", BaselineFile.FileName), Program.FindBaseline(project));
        }

        private void WriteLog(string name, string project, string tfm, string defines, params string[] results)
        {
            File.WriteAllText(Path.Combine(_root, "sarif", name + ".project"), $"name={project}\ntfm={tfm}\ndefines={defines}\n");
            File.WriteAllText(Path.Combine(_root, "sarif", name + ".sarif"), $$"""
                { "version": "2.1.0", "runs": [ { "results": [ {{string.Join(", ", results)}} ] } ] }
                """);
        }

        private string Result(string rule, int line, int column, string? suppression = null, string? path = null)
        {
            var suppressions = suppression is null ? "" : $$""", "suppressions": [ { "kind": "inSource", "properties": { "suppressionType": {{JsonSerializer.Serialize(suppression)}} } } ]""";
            return $$"""
                { "ruleId": "{{rule}}", "level": "warning", "message": { "text": "m" }{{suppressions}},
                  "locations": [ { "physicalLocation": { "artifactLocation": { "uri": "{{new Uri(path ?? SourcePath).AbsoluteUri}}" }, "region": { "startLine": {{line}}, "startColumn": {{column}} } } } ] }
                """;
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
        }
    }
}
