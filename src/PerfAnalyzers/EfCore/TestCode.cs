using System.Runtime.CompilerServices;

namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// Whether code is test code: a compilation that references a test framework (xUnit, NUnit, MSTest, TUnit), or a
    /// unit-test class in any compilation: a class with a test-framework attribute (<c>[TestClass]</c>,
    /// <c>[TestFixture]</c>) or with a test method (<c>[Fact]</c>, <c>[Theory]</c>, <c>[Test]</c>, <c>[TestCase]</c>,
    /// <c>[TestMethod]</c>, <c>[DataTestMethod]</c>... of xUnit, NUnit, MSTest and TUnit, or an attribute derived from one).
    /// Such code runs against a database the test itself filled, so a cost that "grows with the table" does not apply.
    /// Matched by attribute name, so it also works while the test framework's types do not bind.
    /// </summary>
    internal static class TestCode
    {
        private static readonly ImmutableHashSet<string> FrameworkAssemblies = ImmutableHashSet.Create(
            System.StringComparer.OrdinalIgnoreCase,
            "xunit.core", "xunit.v3.core", "nunit.framework", "Microsoft.VisualStudio.TestPlatform.TestFramework", "TUnit.Core");

        private static readonly ImmutableHashSet<string> MethodAttributes = ImmutableHashSet.Create(
            "Fact", "Theory", "Test", "TestCase", "TestCaseSource", "TestMethod", "DataTestMethod");

        private static readonly ImmutableHashSet<string> ClassAttributes = ImmutableHashSet.Create(
            "TestClass", "TestFixture");

        private static readonly ConditionalWeakTable<Compilation, StrongBox<bool>> TestProjects = new ConditionalWeakTable<Compilation, StrongBox<bool>>();

        /// <summary>
        /// A test project: the compilation references a test framework's assembly. Decided once per compilation (issue 14:
        /// the loop exemptions ask it for every round trip in a loop, and each answer walked the compilation's references).
        /// </summary>
        public static bool IsTestProject(Compilation compilation)
            => TestProjects.GetValue(compilation, c => new StrongBox<bool>(ReferencesTestFramework(c))).Value;

        private static bool ReferencesTestFramework(Compilation compilation)
        {
            foreach (var assembly in compilation.ReferencedAssemblyNames)
            {
                if (FrameworkAssemblies.Contains(assembly.Name))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// True when <paramref name="symbol"/> is, or is declared in, a test class (nested types included). Covers test
        /// frameworks whose assembly is not in the list above, as long as their attributes have the usual names.
        /// </summary>
        public static bool IsInTestClass(ISymbol? symbol)
        {
            for (var type = symbol as INamedTypeSymbol ?? symbol?.ContainingType; type is not null; type = type.ContainingType)
            {
                if (IsTestClass(type))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// <see cref="ComputeIsTestClass"/> per type, computed once: every operation of several rules asks it for its containing
        /// type, and the answer reads the attributes of all the type's methods (issue 14). Keyed by the symbol instance, as
        /// <see cref="TreeText"/> keys its texts by tree: a compilation's symbols live as long as it does, and so does the answer.
        /// </summary>
        private static readonly ConditionalWeakTable<INamedTypeSymbol, object> TestClasses = new ConditionalWeakTable<INamedTypeSymbol, object>();

        private static readonly object Yes = true;
        private static readonly object No = false;

        private static bool IsTestClass(INamedTypeSymbol type)
        {
            if (!TestClasses.TryGetValue(type, out var known))
            {
                var computed = ComputeIsTestClass(type) ? Yes : No;
                known = TestClasses.GetValue(type, _ => computed);
            }

            return ReferenceEquals(known, Yes);
        }

        private static bool ComputeIsTestClass(INamedTypeSymbol type)
        {
            if (HasAttribute(type, ClassAttributes))
            {
                return true;
            }

            foreach (var member in type.GetMembers())
            {
                if (member is IMethodSymbol { MethodKind: MethodKind.Ordinary } method && HasAttribute(method, MethodAttributes))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool HasAttribute(ISymbol symbol, ImmutableHashSet<string> names)
        {
            foreach (var attribute in symbol.GetAttributes())
            {
                // [SkippableFact] : FactAttribute counts; an unresolved [Fact] is an error type named "Fact".
                for (var type = attribute.AttributeClass; type is not null; type = type.BaseType)
                {
                    var name = type.Name.EndsWith("Attribute") ? type.Name.Substring(0, type.Name.Length - "Attribute".Length) : type.Name;
                    if (names.Contains(name))
                    {
                        return true;
                    }
                }
            }

            return false;
        }
    }
}
