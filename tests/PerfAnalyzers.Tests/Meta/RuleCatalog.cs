using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace PerfAnalyzers.Tests.Meta
{
    /// <summary>
    /// Everything the guard tests check, discovered by reflection: every analyzer and suppressor in the PerfAnalyzers
    /// assembly, every code fix provider in PerfAnalyzers.CodeFixes, and the repository files that document them.
    /// A new rule is picked up without touching these tests.
    /// </summary>
    internal static class RuleCatalog
    {
        public static readonly Assembly AnalyzerAssembly = typeof(RuleIds).Assembly;
        public static readonly Assembly CodeFixAssembly = typeof(PerfAnalyzers.CodeFixes.Rules.Writes.SaveChangesInLoopFixer).Assembly;

        private static readonly Lazy<string> LazyRepoRoot = new(FindRepoRoot);

        public static string RepoRoot => LazyRepoRoot.Value;

        public static ImmutableArray<Type> AnalyzerTypes { get; } = AnalyzerAssembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .ToImmutableArray();

        public static ImmutableArray<Type> FixerTypes { get; } = CodeFixAssembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(t))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .ToImmutableArray();

        public static ImmutableArray<DiagnosticAnalyzer> CreateAnalyzers()
            => AnalyzerTypes.Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!).ToImmutableArray();

        /// <summary>Every diagnostic descriptor reported by an analyzer (suppressors report none).</summary>
        public static ImmutableArray<(Type Analyzer, DiagnosticDescriptor Descriptor)> Descriptors { get; } = AnalyzerTypes
            .Select(t => (Type: t, Instance: (DiagnosticAnalyzer)Activator.CreateInstance(t)!))
            .Where(x => x.Instance is not DiagnosticSuppressor)
            .SelectMany(x => x.Instance.SupportedDiagnostics.Select(d => (x.Type, d)))
            .ToImmutableArray();

        /// <summary>Every suppression descriptor of a suppressor.</summary>
        public static ImmutableArray<(Type Suppressor, SuppressionDescriptor Descriptor)> Suppressions { get; } = AnalyzerTypes
            .Select(t => (Type: t, Instance: Activator.CreateInstance(t)))
            .Where(x => x.Instance is DiagnosticSuppressor)
            .SelectMany(x => ((DiagnosticSuppressor)x.Instance!).SupportedSuppressions.Select(s => (x.Type, s)))
            .ToImmutableArray();

        /// <summary>The rule IDs the package implements (analyzer descriptors and suppressions).</summary>
        public static ImmutableHashSet<string> ImplementedIds { get; } = Descriptors.Select(d => d.Descriptor.Id)
            .Concat(Suppressions.Select(s => s.Descriptor.Id))
            .ToImmutableHashSet(StringComparer.Ordinal);

        /// <summary>The public string constants of <see cref="RuleIds"/> that are rule IDs.</summary>
        public static ImmutableHashSet<string> RuleIdConstants { get; } = typeof(RuleIds)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .Where(v => v.StartsWith("EFP", StringComparison.Ordinal))
            .ToImmutableHashSet(StringComparer.Ordinal);

        public static string ReadRepoFile(params string[] relative) => File.ReadAllText(Path.Combine(RepoRoot, Path.Combine(relative)));

        private static string FindRepoRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "PerfAnalyzers.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException($"PerfAnalyzers.sln not found above {AppContext.BaseDirectory}.");
        }

        /// <summary>
        /// The release-tracking state (ID -> category, severity) after reading AnalyzerReleases.Shipped.md then
        /// AnalyzerReleases.Unshipped.md: "New Rules" and "Changed Rules" rows set an entry, "Removed Rules" rows drop it.
        /// </summary>
        public static IReadOnlyDictionary<string, (string Category, string Severity)> ReleaseTracking()
        {
            var state = new Dictionary<string, (string Category, string Severity)>(StringComparer.Ordinal);
            foreach (var file in new[] { "AnalyzerReleases.Shipped.md", "AnalyzerReleases.Unshipped.md" })
            {
                var section = "";
                foreach (var raw in ReadRepoFile("src", "PerfAnalyzers", file).Split('\n'))
                {
                    var line = raw.Trim();
                    if (line.StartsWith("###", StringComparison.Ordinal))
                    {
                        section = line.TrimStart('#').Trim();
                        continue;
                    }

                    var cells = line.Split('|').Select(c => c.Trim()).ToArray();
                    if (cells.Length < 3 || !cells[0].StartsWith("EFP", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    if (section.StartsWith("Removed", StringComparison.Ordinal))
                    {
                        state.Remove(cells[0]);
                    }
                    else
                    {
                        state[cells[0]] = (cells[1], cells[2]);
                    }
                }
            }

            return state;
        }
    }
}
