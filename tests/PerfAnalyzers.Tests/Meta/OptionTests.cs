using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using PerfAnalyzers.Options;
using Xunit;

namespace PerfAnalyzers.Tests.Meta
{
    /// <summary>
    /// Guard tests for the options: each is declared once in <see cref="RuleOptions"/>, read with the documented
    /// per-rule key and global fallback, documented on the page of every rule that reads it, and no page or README line
    /// documents a key that nothing reads.
    /// </summary>
    public class OptionTests
    {
        private static readonly Regex DocumentedKey = new(@"dotnet_code_quality\.(?:(?<rule>EFP\d{3})\.)?(?<name>[a-z_]+)", RegexOptions.Compiled);

        public static IEnumerable<object[]> OptionRules()
            => RuleOptions.All.SelectMany(o => o.RuleIds.Select(r => new object[] { o.Name, r }));

        [Theory]
        [MemberData(nameof(OptionRules))]
        public void Every_option_is_documented_on_the_page_of_each_rule_that_reads_it(string name, string ruleId)
        {
            var page = File.ReadAllText(Path.Combine(RuleCatalog.RepoRoot, "docs", "rules", ruleId + ".md"));
            Assert.True(
                page.Contains("dotnet_code_quality." + ruleId + "." + name, StringComparison.Ordinal),
                $"docs/rules/{ruleId}.md reads option '{name}' but does not show its key dotnet_code_quality.{ruleId}.{name}.");
        }

        [Fact]
        public void Every_documented_key_is_an_option_the_rule_reads()
        {
            var files = Directory.GetFiles(Path.Combine(RuleCatalog.RepoRoot, "docs", "rules"), "*.md")
                .Append(Path.Combine(RuleCatalog.RepoRoot, "README.md"));
            var problems = new List<string>();
            foreach (var file in files)
            {
                foreach (Match match in DocumentedKey.Matches(File.ReadAllText(file)))
                {
                    var name = match.Groups["name"].Value;
                    var rule = match.Groups["rule"].Success ? match.Groups["rule"].Value : null;
                    var option = RuleOptions.All.FirstOrDefault(o => o.Name == name);
                    if (name == "option_name" && rule is null)
                    {
                        continue; // the README's generic "dotnet_code_quality.EFPxxx.option_name" pattern
                    }

                    if (option is null)
                    {
                        problems.Add($"{Path.GetFileName(file)}: {match.Value} is not a declared option");
                    }
                    else if (rule is not null && !option.RuleIds.Contains(rule))
                    {
                        problems.Add($"{Path.GetFileName(file)}: {match.Value}: {rule} does not read '{name}'");
                    }
                }
            }

            Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        }

        [Fact]
        public void No_rule_reads_a_config_key_outside_the_declared_options()
        {
            var source = Path.Combine(RuleCatalog.RepoRoot, "src", "PerfAnalyzers");
            var offenders = Directory.GetFiles(source, "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                            && !f.Contains(Path.DirectorySeparatorChar + "Options" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                .Where(f => File.ReadAllText(f).Contains("\"dotnet_code_quality.", StringComparison.Ordinal))
                .Select(f => Path.GetRelativePath(source, f))
                .ToList();
            Assert.True(offenders.Count == 0, "Read options through RuleOptions, not string keys: " + string.Join(", ", offenders));
        }

        [Fact]
        public void Options_have_unique_names_and_a_description()
        {
            Assert.Equal(RuleOptions.All.Length, RuleOptions.All.Select(o => o.Name).Distinct(StringComparer.Ordinal).Count());
            Assert.All(RuleOptions.All, o =>
            {
                Assert.False(string.IsNullOrWhiteSpace(o.Description));
                Assert.NotEmpty(o.RuleIds);
                Assert.All(o.RuleIds, id => Assert.Contains(id, RuleCatalog.ImplementedIds));
            });
        }

        [Theory]
        [InlineData(null, null, false)]
        [InlineData("true", null, true)]
        [InlineData(null, "true", true)]
        [InlineData("false", "true", false)]
        [InlineData(" TRUE ", null, true)]
        [InlineData("yes", null, false)]
        public void A_bool_option_reads_the_rule_key_then_the_global_key(string? perRule, string? global, bool expected)
        {
            var options = Options(("dotnet_code_quality.EFP205.report_conditional_filter", perRule), ("dotnet_code_quality.report_conditional_filter", global));
            Assert.Equal(expected, RuleOptions.ReportConditionalFilter.Read(options, Tree, RuleIds.BulkOperationWithoutFilter));
        }

        [Theory]
        [InlineData(null, null, 3)]
        [InlineData("5", null, 5)]
        [InlineData(null, "7", 7)]
        [InlineData("0", "7", 3)]
        [InlineData("many", null, 3)]
        public void An_int_option_falls_back_to_its_default_when_unset_or_invalid(string? perRule, string? global, int expected)
        {
            var options = Options(("dotnet_code_quality.EFP305.max_members", perRule), ("dotnet_code_quality.max_members", global));
            Assert.Equal(expected, RuleOptions.MaxMembers.Read(options, Tree, RuleIds.WholeEntityProjection));
        }

        [Fact]
        public void A_name_list_splits_on_commas_semicolons_and_spaces()
        {
            var options = Options(("dotnet_code_quality.EFP104.round_trip_types", "IOrderRepository, IRepository;MyApp.IStore  IUnitOfWork"));
            Assert.Equal(
                new[] { "IOrderRepository", "IRepository", "MyApp.IStore", "IUnitOfWork" },
                RuleOptions.RoundTripTypes.Read(options, Tree, RuleIds.NPlusOneThroughCall));
            Assert.Empty(RuleOptions.RoundTripTypes.Read(Options(), Tree, RuleIds.NPlusOneThroughCall));
        }

        private static readonly SyntaxTree Tree = CSharpSyntaxTree.ParseText("class C { }");

        private static AnalyzerOptions Options(params (string Key, string? Value)[] values)
            => new(
                ImmutableArray<AdditionalText>.Empty,
                new Provider(values.Where(v => v.Value is not null).ToDictionary(v => v.Key, v => v.Value!)));

        private sealed class Provider : AnalyzerConfigOptionsProvider
        {
            private readonly Config _config;

            public Provider(Dictionary<string, string> values) => _config = new Config(values);

            public override AnalyzerConfigOptions GlobalOptions => _config;

            public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => _config;

            public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => _config;
        }

        private sealed class Config : AnalyzerConfigOptions
        {
            private readonly Dictionary<string, string> _values;

            public Config(Dictionary<string, string> values) => _values = values;

#nullable disable
            public override bool TryGetValue(string key, out string value) => _values.TryGetValue(key, out value);
#nullable restore
        }
    }
}
