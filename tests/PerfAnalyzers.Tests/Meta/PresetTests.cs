using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Xunit;

namespace PerfAnalyzers.Tests.Meta
{
    /// <summary>
    /// The severity presets (<c>&lt;PerfAnalyzersMode&gt;minimal|recommended|all&lt;/PerfAnalyzersMode&gt;</c>): one global
    /// analyzer config per preset in src/PerfAnalyzers.Package/build/presets, checked against the rule descriptors (every
    /// rule in every preset, with the intended severity) and against the README's preset table.
    /// </summary>
    public class PresetTests
    {
        /// <summary>The rules the minimal preset keeps: high-confidence N+1, save in a loop, and correctness.</summary>
        private static readonly string[] Minimal = { "EFP101", "EFP102", "EFP103", "EFP201", "EFP205", "EFP306", "EFP307", "EFP315" };

        public static IEnumerable<object[]> Presets() => new[] { "minimal", "recommended", "all" }.Select(p => new object[] { p });

        /// <summary>Every analyzer rule (suppressions have no severity) with its shipped severity, in editorconfig terms.</summary>
        private static IEnumerable<(string Id, string Default)> Rules() => RuleCatalog.Descriptors
            .Select(d => (d.Descriptor.Id, Default: d.Descriptor.IsEnabledByDefault ? EditorConfigSeverity(d.Descriptor.DefaultSeverity) : "none"))
            .Distinct()
            .OrderBy(r => r.Id, StringComparer.Ordinal);

        /// <summary>The severity <paramref name="preset"/> intends for a rule.</summary>
        private static string Intended(string preset, string id, string shipped) => preset switch
        {
            "all" => shipped == "none" ? "none" : "warning", // a retired rule (off by default) stays off
            "recommended" => shipped,
            "minimal" => Minimal.Contains(id) ? shipped : "none",
            _ => throw new ArgumentOutOfRangeException(nameof(preset)),
        };

        [Theory]
        [MemberData(nameof(Presets))]
        public void Preset_sets_every_rule_to_its_intended_severity_with_a_low_global_level(string preset)
        {
            var text = RuleCatalog.ReadRepoFile("src", "PerfAnalyzers.Package", "build", "presets", preset + ".globalconfig");
            var lines = text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith("#", StringComparison.Ordinal)).ToList();
            Assert.Contains("is_global = true", lines);
            var level = Assert.Single(lines, l => l.StartsWith("global_level", StringComparison.Ordinal));
            Assert.True(int.Parse(level.Split('=')[1].Trim(), System.Globalization.CultureInfo.InvariantCulture) < 0, "A preset's global_level must stay below a user's .globalconfig (default 100) and 0.");

            var actual = lines
                .Select(l => Regex.Match(l, @"^dotnet_diagnostic\.(?<id>EFP\w+)\.severity\s*=\s*(?<severity>\w+)$"))
                .Where(m => m.Success)
                .ToDictionary(m => m.Groups["id"].Value, m => m.Groups["severity"].Value, StringComparer.Ordinal);
            var expected = Rules().ToDictionary(r => r.Id, r => Intended(preset, r.Id, r.Default), StringComparer.Ordinal);
            var wrong = expected.Where(e => !actual.TryGetValue(e.Key, out var s) || s != e.Value)
                .Select(e => $"dotnet_diagnostic.{e.Key}.severity = {e.Value}")
                .Concat(actual.Keys.Except(expected.Keys).Select(id => $"remove {id} (no such rule)"))
                .ToList();
            Assert.True(wrong.Count == 0, $"{preset}.globalconfig must have:\n{string.Join("\n", wrong)}");
        }

        [Fact]
        public void Minimal_keeps_only_rules_that_exist_and_warn() =>
            Assert.All(Minimal, id => Assert.Contains(Rules(), r => r.Id == id && r.Default == "warning"));

        [Fact]
        public void README_preset_table_matches_the_presets()
        {
            var readme = RuleCatalog.ReadRepoFile("README.md").Split('\n').Select(l => l.Trim()).ToList();
            var header = readme.FindIndex(l => l.StartsWith("| Rule | recommended (default) | minimal | all |", StringComparison.Ordinal));
            Assert.True(header >= 0, "README has no preset table ('| Rule | recommended (default) | minimal | all |').");
            var rows = readme.Skip(header + 2).TakeWhile(l => l.StartsWith("|", StringComparison.Ordinal))
                .Select(l => l.Trim('|').Split('|').Select(c => c.Trim()).ToArray())
                .ToDictionary(c => Regex.Match(c[0], @"EFP\d{3}").Value, c => c.Skip(1).ToArray(), StringComparer.Ordinal);
            foreach (var (id, shipped) in Rules())
            {
                Assert.True(rows.TryGetValue(id, out var cells), $"README preset table has no row for {id}.");
                var expected = new[] { "recommended", "minimal", "all" }.Select(p => ReadmeSeverity(Intended(p, id, shipped))).ToArray();
                Assert.True(expected.SequenceEqual(cells!), $"README preset row for {id}: expected {string.Join(" | ", expected)}, found {string.Join(" | ", cells!)}.");
            }

            Assert.Equal(Rules().Count(), rows.Count);
        }

        private static string ReadmeSeverity(string editorConfig) => editorConfig switch
        {
            "warning" => "Warning",
            "suggestion" => "Info",
            "error" => "Error",
            "silent" => "Hidden",
            _ => "off",
        };

        private static string EditorConfigSeverity(DiagnosticSeverity severity) => severity switch
        {
            DiagnosticSeverity.Error => "error",
            DiagnosticSeverity.Warning => "warning",
            DiagnosticSeverity.Info => "suggestion",
            _ => "silent",
        };
    }
}
