using System;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace PerfAnalyzers.Tests.Meta
{
    /// <summary>
    /// The README packed into the .nupkg (nuget.org shows it) is its own file: links that work outside this repository,
    /// no commands that need a clone, and the same rules table as the repository README.
    /// </summary>
    public class PackageReadmeTests
    {
        private static readonly Regex MarkdownLink = new(@"\]\((?<target>[^)\s]+)\)", RegexOptions.Compiled);

        private static string PackageReadme => RuleCatalog.ReadRepoFile("src", "PerfAnalyzers.Package", "README.md");

        [Fact]
        public void The_package_packs_its_own_README()
        {
            var project = RuleCatalog.ReadRepoFile("src", "PerfAnalyzers.Package", "PerfAnalyzers.Package.csproj");
            Assert.Contains("<PackageReadmeFile>README.md</PackageReadmeFile>", project, StringComparison.Ordinal);
            Assert.Contains("<None Include=\"README.md\" Pack=\"true\" PackagePath=\"\\\" />", project, StringComparison.Ordinal);
            Assert.DoesNotContain("..\\..\\README.md", project, StringComparison.Ordinal);
        }

        [Fact]
        public void Every_link_is_absolute()
        {
            var targets = MarkdownLink.Matches(PackageReadme).Select(m => m.Groups["target"].Value).ToList();
            Assert.NotEmpty(targets);
            Assert.All(targets, t => Assert.True(t.StartsWith("https://", StringComparison.Ordinal), $"relative link in the package README: {t}"));
        }

        [Fact]
        public void No_command_needs_a_clone_of_this_repository()
        {
            foreach (var repoOnly in new[] { "dotnet run --project", "dotnet test", "samples/", "tests/", "src/", ".ci/" })
            {
                Assert.DoesNotContain(repoOnly, PackageReadme, StringComparison.Ordinal);
            }
        }

        [Fact]
        public void Rules_tables_match_the_repository_README_with_absolute_links()
        {
            const string Docs = "https://github.com/perfanalyzers/PerfAnalyzers/blob/main/";
            var repository = Rows(RuleCatalog.ReadRepoFile("README.md")).Select(r => r.Replace("](docs/", "](" + Docs + "docs/", StringComparison.Ordinal)).ToList();
            var package = Rows(PackageReadme);
            Assert.NotEmpty(package);
            Assert.Equal(repository, package);

            static string[] Rows(string markdown) => markdown.Split('\n')
                .Select(l => l.Trim())
                .Where(l => Regex.IsMatch(l, @"^\| \[EFPS?\d{3}\]\("))
                .ToArray();
        }
    }
}
