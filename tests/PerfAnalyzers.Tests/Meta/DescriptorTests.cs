using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Xunit;

namespace PerfAnalyzers.Tests.Meta
{
    /// <summary>Guard tests: every rule is documented, linked, listed in the README and release-tracked.</summary>
    public class DescriptorTests
    {
        public static IEnumerable<object[]> DescriptorIds()
            => RuleCatalog.Descriptors.Select(d => d.Descriptor.Id).Distinct().OrderBy(id => id, StringComparer.Ordinal).Select(id => new object[] { id });

        public static IEnumerable<object[]> ImplementedIds()
            => RuleCatalog.ImplementedIds.OrderBy(id => id, StringComparer.Ordinal).Select(id => new object[] { id });

        [Fact]
        public void The_analyzer_assembly_has_analyzers()
        {
            Assert.NotEmpty(RuleCatalog.AnalyzerTypes);
            Assert.NotEmpty(RuleCatalog.Descriptors);
        }

        [Fact]
        public void Every_analyzer_is_exported_for_CSharp()
        {
            foreach (var type in RuleCatalog.AnalyzerTypes)
            {
                var attribute = type.GetCustomAttributes(typeof(Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzerAttribute), inherit: false)
                    .Cast<Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzerAttribute>()
                    .SingleOrDefault();
                Assert.True(attribute is not null, $"{type.Name} has no [DiagnosticAnalyzer] attribute.");
                Assert.Contains(LanguageNames.CSharp, attribute!.Languages);
            }
        }

        [Fact]
        public void Every_id_is_declared_once()
        {
            // One descriptor per ID: two analyzers must not report the same ID with different titles or severities.
            var conflicts = RuleCatalog.Descriptors
                .GroupBy(d => d.Descriptor.Id)
                .Where(g => g.Select(d => (d.Descriptor.Title.ToString(), d.Descriptor.DefaultSeverity, d.Descriptor.Category)).Distinct().Count() > 1)
                .Select(g => g.Key)
                .ToList();
            Assert.Empty(conflicts);
        }

        [Theory]
        [MemberData(nameof(ImplementedIds))]
        public void Id_has_the_EFP_form_and_a_RuleIds_constant(string id)
        {
            // Analyzer rules are EFPnnn; suppressions (DiagnosticSuppressor descriptors) are EFPSnnn.
            var isSuppression = RuleCatalog.Suppressions.Any(s => s.Descriptor.Id == id);
            Assert.Matches(new Regex(isSuppression ? @"^EFPS\d{3}$" : @"^EFP\d{3}$"), id);
            Assert.Contains(id, RuleCatalog.RuleIdConstants);
        }

        [Theory]
        [MemberData(nameof(DescriptorIds))]
        public void Help_link_is_the_docs_page(string id)
        {
            foreach (var (_, descriptor) in RuleCatalog.Descriptors.Where(d => d.Descriptor.Id == id))
            {
                Assert.Equal(RuleIds.HelpUri(id), descriptor.HelpLinkUri);
                Assert.EndsWith($"/docs/rules/{id}.md", descriptor.HelpLinkUri, StringComparison.Ordinal);
                Assert.Equal("Performance", descriptor.Category);
                Assert.False(string.IsNullOrWhiteSpace(descriptor.Description.ToString()), $"{id} has no description.");
            }
        }

        [Theory]
        [MemberData(nameof(DescriptorIds))]
        public void Docs_page_exists_and_starts_with_the_title(string id)
        {
            var descriptor = RuleCatalog.Descriptors.First(d => d.Descriptor.Id == id).Descriptor;
            var path = Path.Combine(RuleCatalog.RepoRoot, "docs", "rules", id + ".md");
            Assert.True(File.Exists(path), $"docs/rules/{id}.md is missing.");
            var firstLine = File.ReadLines(path).FirstOrDefault()?.TrimEnd();
            Assert.Equal($"# {id}: {descriptor.Title}", firstLine);
        }

        [Theory]
        [MemberData(nameof(DescriptorIds))]
        public void Readme_has_a_table_row_linking_the_docs_page(string id)
        {
            var descriptor = RuleCatalog.Descriptors.First(d => d.Descriptor.Id == id).Descriptor;
            var rows = RuleCatalog.ReadRepoFile("README.md").Split('\n')
                .Select(l => l.Trim())
                .Where(l => l.StartsWith($"| [{id}](docs/rules/{id}.md) |", StringComparison.Ordinal))
                .ToList();
            var row = Assert.Single(rows);
            var cells = row.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            Assert.Equal(4, cells.Length);
            Assert.Equal(descriptor.Title.ToString(), cells[1]);
            Assert.Equal(descriptor.DefaultSeverity.ToString(), cells[2]);
        }

        [Theory]
        [MemberData(nameof(DescriptorIds))]
        public void Release_tracking_has_the_category_and_severity(string id)
        {
            var descriptor = RuleCatalog.Descriptors.First(d => d.Descriptor.Id == id).Descriptor;
            var tracking = RuleCatalog.ReleaseTracking();
            Assert.True(tracking.TryGetValue(id, out var entry), $"{id} is not in AnalyzerReleases.Shipped.md/Unshipped.md.");
            var expectedSeverity = descriptor.IsEnabledByDefault ? descriptor.DefaultSeverity.ToString() : "Disabled";
            Assert.Equal(descriptor.Category, entry.Category);
            Assert.Equal(expectedSeverity, entry.Severity);
        }

        [Fact]
        public void Every_docs_page_belongs_to_a_rule()
        {
            var pages = Directory.GetFiles(Path.Combine(RuleCatalog.RepoRoot, "docs", "rules"), "*.md")
                .Select(Path.GetFileNameWithoutExtension)
                .ToList();
            Assert.NotEmpty(pages);
            var orphans = pages.Where(p => !RuleCatalog.ImplementedIds.Contains(p!)).ToList();
            Assert.True(orphans.Count == 0, "Docs pages without an analyzer or suppressor: " + string.Join(", ", orphans));
        }

        [Fact]
        public void Every_suppression_suppresses_something_and_is_documented()
        {
            foreach (var (type, suppression) in RuleCatalog.Suppressions)
            {
                Assert.False(string.IsNullOrWhiteSpace(suppression.SuppressedDiagnosticId), $"{type.Name}: {suppression.Id} names no diagnostic.");
                Assert.False(string.IsNullOrWhiteSpace(suppression.Justification.ToString()), $"{type.Name}: {suppression.Id} has no justification.");
                Assert.True(File.Exists(Path.Combine(RuleCatalog.RepoRoot, "docs", "rules", suppression.Id + ".md")), $"docs/rules/{suppression.Id}.md is missing.");
            }
        }
    }
}
