using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Xunit;

namespace PerfAnalyzers.Tests.Meta
{
    /// <summary>
    /// One name per rule. A rule is the <see cref="RuleIds"/> constant <c>Name = "EFPxxx"</c>, and the same Name is its
    /// descriptor (<c>Descriptors.EFPxxx_Name</c>, in <c>Descriptors.&lt;Family&gt;.cs</c>), its analyzer
    /// (<c>Rules/&lt;Family&gt;/NameAnalyzer</c>), its fixer (<c>Rules/&lt;Family&gt;/NameFixer</c> in the code-fix
    /// assembly), its tests (<c>Rules/&lt;Family&gt;/Name*Tests</c>), its proof scenario (<c>Scenarios/EFPxxx_Name.cs</c>)
    /// and its page (<c>docs/rules/EFPxxx.md</c>): following a diagnostic to its code is one search.
    /// </summary>
    public class NamingTests
    {
        /// <summary>
        /// Analyzers that report several rules because the rules are two outcomes of one analysis; they are named for
        /// the analysis, and each rule's other artifacts still carry the rule's own name.
        /// </summary>
        private static readonly Dictionary<string, string[]> SharedAnalyzers = new(StringComparer.Ordinal)
        {
            // The same navigation read: lazy-loaded per row (EFP102) or never loaded (EFP103).
            ["NavigationLoadingAnalyzer"] = new[] { "EFP102", "EFP103" },
        };

        public static IEnumerable<object[]> Rules()
            => RuleConstants().Select(r => new object[] { r.Id, r.Name });

        private static IEnumerable<(string Id, string Name)> RuleConstants()
            => typeof(RuleIds).GetFields(BindingFlags.Public | BindingFlags.Static)
                .Where(f => f.IsLiteral && f.FieldType == typeof(string))
                .Select(f => (Id: (string)f.GetRawConstantValue()!, f.Name))
                .Where(r => r.Id.StartsWith("EFP", StringComparison.Ordinal) && !r.Id.StartsWith("EFPS", StringComparison.Ordinal))
                .OrderBy(r => r.Id, StringComparer.Ordinal);

        [Fact]
        public void Every_rule_id_has_one_constant()
        {
            var duplicates = RuleConstants().GroupBy(r => r.Id).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            Assert.True(duplicates.Count == 0, "Several RuleIds constants for " + string.Join(", ", duplicates));
            Assert.Equal(
                RuleCatalog.Descriptors.Select(d => d.Descriptor.Id).Distinct().OrderBy(i => i, StringComparer.Ordinal),
                RuleConstants().Select(r => r.Id));
        }

        [Theory]
        [MemberData(nameof(Rules))]
        public void A_rule_has_one_name_everywhere(string id, string name)
        {
            var problems = new List<string>();

            var descriptorField = RuleCatalog.AnalyzerAssembly.GetType("PerfAnalyzers.Descriptors", throwOnError: true)!
                .GetField(id + "_" + name, BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Static);
            if (descriptorField?.GetValue(null) is not DiagnosticDescriptor descriptor || descriptor.Id != id)
            {
                problems.Add($"no descriptor Descriptors.{id}_{name} with ID {id}");
            }

            var analyzers = RuleCatalog.Descriptors.Where(d => d.Descriptor.Id == id).Select(d => d.Analyzer).Distinct().ToList();
            if (analyzers.Count != 1)
            {
                problems.Add($"{analyzers.Count} analyzers report {id} (expected one)");
                Assert.Fail(string.Join("; ", problems));
            }

            var analyzer = analyzers[0];
            var reported = RuleCatalog.Descriptors.Where(d => d.Analyzer == analyzer).Select(d => d.Descriptor.Id).Distinct().ToList();
            var analyzerIsShared = SharedAnalyzers.TryGetValue(analyzer.Name, out var sharedIds) && sharedIds.Contains(id) && reported.Count > 1;
            if (analyzer.Name != name + "Analyzer" && !analyzerIsShared)
            {
                problems.Add($"analyzer is {analyzer.Name}, expected {name}Analyzer");
            }

            var analyzerStem = analyzer.Name.Substring(0, analyzer.Name.Length - "Analyzer".Length);
            var family = analyzer.Namespace!.Split('.').Last();
            if (analyzer.Namespace != "PerfAnalyzers.Rules." + family)
            {
                problems.Add($"analyzer namespace {analyzer.Namespace} is not PerfAnalyzers.Rules.<Family>");
            }

            var descriptorFile = Path.Combine(RuleCatalog.RepoRoot, "src", "PerfAnalyzers", $"Descriptors.{family}.cs");
            if (!File.Exists(descriptorFile) || !File.ReadAllText(descriptorFile).Contains($" {id}_{name} ", StringComparison.Ordinal))
            {
                problems.Add($"Descriptors.{id}_{name} is not declared in Descriptors.{family}.cs (the analyzer's family)");
            }

            foreach (var fixer in RuleCatalog.FixerTypes)
            {
                var instance = (CodeFixProvider)Activator.CreateInstance(fixer)!;
                if (!instance.FixableDiagnosticIds.Contains(id))
                {
                    continue;
                }

                // A shared analyzer's rules share its fix when the fix is the same rewrite (NavigationLoadingFixer adds the
                // Include for both outcomes).
                var sharedFix = analyzerIsShared && fixer.Name == analyzerStem + "Fixer"
                    && instance.FixableDiagnosticIds.All(sharedIds!.Contains);
                if (fixer.Name != name + "Fixer" && !sharedFix)
                {
                    problems.Add($"fixer is {fixer.Name}, expected {name}Fixer");
                }

                if (fixer.Namespace != "PerfAnalyzers.CodeFixes.Rules." + family)
                {
                    problems.Add($"fixer namespace {fixer.Namespace}, expected PerfAnalyzers.CodeFixes.Rules.{family}");
                }

                // One fix protocol (issue 13): registration, IDs, equivalence keys and Fix All live in the base class.
                if (!typeof(PerfAnalyzers.CodeFixes.EfCodeFixProvider).IsAssignableFrom(fixer))
                {
                    problems.Add($"{fixer.Name} derives from {fixer.BaseType?.Name}, not EfCodeFixProvider/EfDocumentFixProvider (the one fix protocol)");
                }

                if (instance.FixableDiagnosticIds.Length != 1 && !sharedFix)
                {
                    problems.Add($"{fixer.Name} fixes {instance.FixableDiagnosticIds.Length} rules (one fixer per rule)");
                }
            }

            var testNamespace = "PerfAnalyzers.Tests.Rules." + family;
            var tests = typeof(NamingTests).Assembly.GetTypes()
                .Where(t => t.Namespace == testNamespace && t.Name.EndsWith("Tests", StringComparison.Ordinal)
                    && (t.Name.StartsWith(name, StringComparison.Ordinal) || t.Name.StartsWith(analyzerStem, StringComparison.Ordinal)))
                .ToList();
            if (tests.Count == 0)
            {
                problems.Add($"no test class {testNamespace}.{name}*Tests");
            }

            if (!File.Exists(Path.Combine(RuleCatalog.RepoRoot, "docs", "rules", id + ".md")))
            {
                problems.Add($"no docs/rules/{id}.md");
            }

            if (!File.Exists(Path.Combine(RuleCatalog.RepoRoot, "samples", "PerfAnalyzers.Samples", "Scenarios", $"{id}_{name}.cs")))
            {
                problems.Add($"no proof scenario samples/PerfAnalyzers.Samples/Scenarios/{id}_{name}.cs");
            }

            Assert.True(problems.Count == 0, $"{id} ({name}): " + string.Join("; ", problems));
        }
    }
}
