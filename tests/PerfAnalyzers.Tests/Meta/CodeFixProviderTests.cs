using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Xunit;

namespace PerfAnalyzers.Tests.Meta
{
    /// <summary>Guard tests over every code fix provider of PerfAnalyzers.CodeFixes (found by reflection).</summary>
    public class CodeFixProviderTests
    {
        public static IEnumerable<object[]> FixerNames() => RuleCatalog.FixerTypes.Select(t => new object[] { t.FullName! });

        [Fact]
        public void The_code_fix_assembly_has_fixers() => Assert.NotEmpty(RuleCatalog.FixerTypes);

        [Theory]
        [MemberData(nameof(FixerNames))]
        public void Fixer_is_exported_and_named(string typeName)
        {
            var type = RuleCatalog.FixerTypes.Single(t => t.FullName == typeName);
            var export = type.GetCustomAttributes(typeof(ExportCodeFixProviderAttribute), inherit: false).Cast<ExportCodeFixProviderAttribute>().SingleOrDefault();
            Assert.True(export is not null, $"{type.Name} has no [ExportCodeFixProvider].");
            Assert.Contains(LanguageNames.CSharp, export!.Languages);
            Assert.Equal(type.Name, export.Name);
            // No [Shared]: it is System.Composition's attribute, and referencing it would tie the DLL to the 8.0.0.0 the build
            // restores, which Roslyn 4.8 hosts (System.Composition 7.0) cannot load. Hosts create analyzer-package fixers
            // themselves, so sharing changes nothing (FixerAssemblyLoadTests).
            Assert.False(type.GetCustomAttributes(inherit: false).Any(a => a.GetType().FullName == "System.Composition.SharedAttribute"), $"{type.Name} has [Shared].");
        }

        [Theory]
        [MemberData(nameof(FixerNames))]
        public void Fixer_has_Fix_All_and_fixes_only_our_rules(string typeName)
        {
            var type = RuleCatalog.FixerTypes.Single(t => t.FullName == typeName);
            var fixer = (CodeFixProvider)Activator.CreateInstance(type)!;
            Assert.NotNull(fixer.GetFixAllProvider());
            Assert.NotEmpty(fixer.FixableDiagnosticIds);
            foreach (var id in fixer.FixableDiagnosticIds)
            {
                Assert.True(RuleCatalog.Descriptors.Any(d => d.Descriptor.Id == id), $"{type.Name} fixes {id}, which no analyzer reports.");
            }
        }
    }
}
