using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace PerfAnalyzers.RealCode
{
    /// <summary>
    /// Runs every PerfAnalyzers analyzer and suppressor over a folder of real C# code compiled as one library, and prints
    /// the findings, a per-rule count, the compile error count and every analyzer exception (exit code 1 if any).
    /// </summary>
    internal static class Program
    {
        private const string GlobalUsings =
            "global using System;\n" +
            "global using System.Collections.Generic;\n" +
            "global using System.IO;\n" +
            "global using System.Linq;\n" +
            "global using System.Net.Http;\n" +
            "global using System.Threading;\n" +
            "global using System.Threading.Tasks;\n";

        // DLLs in this tool's output folder that are references for the analysed code (the rest is the tool itself).
        private static readonly string[] ReferencePrefixes =
        {
            "Microsoft.EntityFrameworkCore", "Microsoft.Extensions.", "Microsoft.Data.Sqlite", "Microsoft.Data.SqlClient",
            "Npgsql", "Microsoft.AspNetCore.", "Castle.Core", "Ardalis.", "AutoMapper", "FluentValidation",
            "Dapper", "CliWrap", "LanguageExt",
        };

        private static async Task<int> Main(string[] args)
        {
            string? root = null;
            string? outPath = null;
            string? sarifDir = null;
            HashSet<string>? rules = null;
            string? timingPath = null;
            var serial = false;
            var prebind = false;
            for (var i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--rules" when i + 1 < args.Length:
                        rules = new HashSet<string>(args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.OrdinalIgnoreCase);
                        break;
                    case "--out" when i + 1 < args.Length:
                        outPath = args[++i];
                        break;
                    case "--sarif" when i + 1 < args.Length:
                        sarifDir = args[++i];
                        break;
                    case "--timing" when i + 1 < args.Length:
                        timingPath = args[++i];
                        break;
                    case "--serial":
                        serial = true;
                        break;
                    case "--prebind":
                        prebind = true;
                        break;
                    case "--root" when i + 1 < args.Length:
                        root = args[++i];
                        break;
                    case "-h":
                    case "--help":
                        PrintUsage();
                        return 0;
                    default:
                        if (args[i].StartsWith("--", StringComparison.Ordinal) || root is not null)
                        {
                            Console.Error.WriteLine($"Unexpected argument '{args[i]}'.");
                            PrintUsage();
                            return 2;
                        }

                        root = args[i];
                        break;
                }
            }

            if (sarifDir is not null)
            {
                return await SarifSummary.RunAsync(sarifDir, root, outPath).ConfigureAwait(false);
            }

            if (root is null || !Directory.Exists(root))
            {
                Console.Error.WriteLine(root is null ? "No folder given." : $"Folder '{root}' does not exist.");
                PrintUsage();
                return 2;
            }

            root = Path.GetFullPath(root);
            var stopwatch = Stopwatch.StartNew();
            var output = new StringBuilder();
            void Write(string line)
            {
                Console.WriteLine(line);
                output.AppendLine(line);
            }

            // 1. Parse.
            var parseOptions = new CSharpParseOptions(LanguageVersion.Latest, preprocessorSymbols: new[] { "NET", "NET10_0", "NET10_0_OR_GREATER", "NET8_0_OR_GREATER", "NET6_0_OR_GREATER", "NETCOREAPP", "RELEASE" });
            var files = EnumerateSources(root).ToList();
            var trees = new List<SyntaxTree>(files.Count + 1)
            {
                CSharpSyntaxTree.ParseText(GlobalUsings, parseOptions, path: "<realcode-global-usings>.cs", encoding: Encoding.UTF8),
            };
            foreach (var file in files)
            {
                var text = await File.ReadAllTextAsync(file).ConfigureAwait(false);
                trees.Add(CSharpSyntaxTree.ParseText(text, parseOptions, path: file, encoding: Encoding.UTF8));
            }

            // 2. Compile as one library.
            var references = LoadReferences(out var referenceSummary);
            var compilationOptions = new CSharpCompilationOptions(
                    OutputKind.DynamicallyLinkedLibrary,
                    nullableContextOptions: NullableContextOptions.Enable,
                    allowUnsafe: true,
                    concurrentBuild: !serial)
                .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic>
                {
                    ["CS1701"] = ReportDiagnostic.Suppress,
                    ["CS1702"] = ReportDiagnostic.Suppress,
                });
            var compilation = CSharpCompilation.Create("RealCode", trees, references, compilationOptions);

            // 3. Every analyzer and suppressor of the PerfAnalyzers assembly.
            var analyzers = DiscoverAnalyzers(rules);
            if (analyzers.IsEmpty)
            {
                Console.Error.WriteLine("No PerfAnalyzers analyzer matches --rules.");
                return 2;
            }

            var exceptions = new ConcurrentBag<string>();
            var analyzerOptions = new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                onAnalyzerException: (exception, analyzer, diagnostic) =>
                    exceptions.Add($"{analyzer.GetType().Name}: {diagnostic.Location.GetLineSpan()}: {exception.GetType().FullName}: {exception.Message}\n{exception.StackTrace}"),
                concurrentAnalysis: !serial,
                logAnalyzerExecutionTime: timingPath is not null,
                reportSuppressedDiagnostics: true);
            var prebinder = prebind ? new PrebindAnalyzer() : null;
            var withAnalyzers = compilation.WithAnalyzers(prebinder is null ? analyzers : analyzers.Insert(0, prebinder), analyzerOptions);
            var analysisClock = Stopwatch.StartNew();
            var all = await withAnalyzers.GetAllDiagnosticsAsync(CancellationToken.None).ConfigureAwait(false);
            analysisClock.Stop();
            if (timingPath is not null)
            {
                await WriteTimingAsync(withAnalyzers, analyzers, analysisClock.Elapsed, prebinder, timingPath).ConfigureAwait(false);
            }

            // 4. Report.
            var ourIds = new HashSet<string>(analyzers.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id), StringComparer.Ordinal);
            var findings = all
                .Where(d => ourIds.Contains(d.Id) && !d.IsSuppressed)
                .Where(d => rules is null || rules.Contains(d.Id))
                .OrderBy(d => RelativePath(root, d.Location), StringComparer.Ordinal)
                .ThenBy(d => d.Location.SourceSpan.Start)
                .ToList();
            var suppressions = all
                .Where(d => d.IsSuppressed)
                .SelectMany(d => (d.GetSuppressionInfo(compilation)?.ProgrammaticSuppressions ?? ImmutableArray<Suppression>.Empty)
                    .Select(s => (Diagnostic: d, SuppressionId: s.Descriptor.Id)))
                .Where(s => rules is null || rules.Contains(s.SuppressionId))
                .OrderBy(s => RelativePath(root, s.Diagnostic.Location), StringComparer.Ordinal)
                .ThenBy(s => s.Diagnostic.Location.SourceSpan.Start)
                .ToList();
            var ad0001 = all.Where(d => d.Id == "AD0001").ToList();
            var compileErrors = all.Where(d => d.Severity == DiagnosticSeverity.Error && !d.Id.StartsWith("AD", StringComparison.Ordinal) && !ourIds.Contains(d.Id)).ToList();

            Write($"# PerfAnalyzers.RealCode: {files.Count} files under {Path.GetFileName(root.TrimEnd(Path.DirectorySeparatorChar))}, {analyzers.Length} analyzers/suppressors, {referenceSummary}");
            foreach (var diagnostic in findings)
            {
                Write($"{Format(root, diagnostic.Location)}: {diagnostic.Id}: {diagnostic.GetMessage()}");
            }

            foreach (var (diagnostic, suppressionId) in suppressions)
            {
                Write($"{Format(root, diagnostic.Location)}: {suppressionId}: suppressed {diagnostic.Id}: {diagnostic.GetMessage()}");
            }

            Write("");
            Write("## Findings per rule");
            var perRule = findings.Select(d => d.Id).Concat(suppressions.Select(s => s.SuppressionId)).GroupBy(id => id).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
            if (perRule.Count == 0)
            {
                Write("(none)");
            }

            foreach (var group in perRule)
            {
                Write($"{group.Key}: {group.Count()}");
            }

            Write("");
            Write($"## Compile errors: {compileErrors.Count} (expected: third-party packages and generated code the projects use are not referenced, and all projects share one compilation; the analyzers still see the code, but a call whose types do not bind is invisible to them)");
            foreach (var group in compileErrors.GroupBy(d => d.Id).OrderByDescending(g => g.Count()).Take(8))
            {
                Write($"{group.Key}: {group.Count()} (e.g. {Format(root, group.First().Location)}: {group.First().GetMessage()})");
            }

            Write("");
            Write($"## Analyzer exceptions: {exceptions.Count} (AD0001 diagnostics: {ad0001.Count})");
            foreach (var exception in exceptions)
            {
                Write(exception);
            }

            foreach (var diagnostic in ad0001)
            {
                Write($"{Format(root, diagnostic.Location)}: AD0001: {diagnostic.GetMessage()}");
            }

            Write($"## Time: {stopwatch.Elapsed.TotalSeconds:F1} s");

            if (outPath is not null)
            {
                await File.WriteAllTextAsync(outPath, output.ToString()).ConfigureAwait(false);
            }

            return exceptions.IsEmpty && ad0001.Count == 0 ? 0 : 1;
        }

        // Each analyzer's execution time as the driver logs it (the same figure as ReportAnalyzer in a real build), slowest
        // first, with the wall time of the whole analysis (compile + analyzers) for scale. Kept out of the findings file so
        // findings stay comparable between runs.
        private static async Task WriteTimingAsync(CompilationWithAnalyzers withAnalyzers, ImmutableArray<DiagnosticAnalyzer> analyzers, TimeSpan wall, DiagnosticAnalyzer? prebinder, string path)
        {
            // The analysis is done (cached): this only collects the driver's telemetry.
            var result = await withAnalyzers.GetAnalysisResultAsync(CancellationToken.None).ConfigureAwait(false);
            var rows = analyzers
                .Select(a => (Name: a.GetType().Name, Seconds: result.AnalyzerTelemetryInfo.TryGetValue(a, out var info) ? info.ExecutionTime.TotalSeconds : 0))
                .ToList();

            var text = new StringBuilder();
            text.AppendLine($"analysis wall time (compile + analyzers): {wall.TotalSeconds:F2} s; analyzers summed: {rows.Sum(r => r.Seconds):F2} s"
                            + (prebinder is not null && result.AnalyzerTelemetryInfo.TryGetValue(prebinder, out var bound) ? $"; every body bound beforehand in {bound.ExecutionTime.TotalSeconds:F2} s (--prebind, not in the sum)" : ""));
            foreach (var (name, seconds) in rows.OrderByDescending(r => r.Seconds))
            {
                text.AppendLine($"{seconds,9:F3}  {name}");
            }

            Console.Error.Write(text.ToString());
            await File.WriteAllTextAsync(path, text.ToString()).ConfigureAwait(false);
        }

        /// <summary>
        /// --prebind: an analyzer run before ours that binds every member body, at compilation start, through the semantic
        /// models every analyzer of the run shares (the driver caches them per tree). In a build the driver binds every body
        /// for the operation actions anyway, uncharged; a rule that follows a call into a body nobody bound yet is charged that
        /// binding, which moved to it rather than being added. With every body bound first each rule is charged its own work.
        /// </summary>
#pragma warning disable RS1041, RS1036, RS2008, RS1026, RS1012, RS1030 // a measuring aid run in this process only, never shipped or loaded by a compiler
        [DiagnosticAnalyzer(LanguageNames.CSharp)]
        private sealed class PrebindAnalyzer : DiagnosticAnalyzer
        {
            private static readonly DiagnosticDescriptor Never = new("REALCODE000", "Never reported", "Never reported", "Cost", DiagnosticSeverity.Hidden, isEnabledByDefault: true);

            public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Never);

            public override void Initialize(AnalysisContext context)
            {
                context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
                context.RegisterCompilationStartAction(start =>
                {
                    foreach (var tree in start.Compilation.SyntaxTrees)
                    {
                        var model = start.Compilation.GetSemanticModel(tree); // RS1030 on purpose: the shared, cached models
                        foreach (var node in tree.GetRoot(start.CancellationToken).DescendantNodes(n => n is not (BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or ArrowExpressionClauseSyntax)))
                        {
                            if (node is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or ArrowExpressionClauseSyntax)
                            {
                                _ = model.GetOperation(node, start.CancellationToken);
                            }
                        }
                    }
                });
            }
        }
#pragma warning restore RS1041, RS1036, RS2008, RS1026, RS1012, RS1030

        private static void PrintUsage()
            => Console.Error.WriteLine(
                "Usage: dotnet run --project tests/PerfAnalyzers.RealCode -c Release -- <dir> [--rules EFP101,EFP201] [--out findings.txt] [--timing times.txt] [--serial] [--prebind]\n" +
                "       (--serial: one thread for the compile and the analyzers, steadier --timing figures; --prebind: every body bound\n" +
                "        before the analyzers run, so --timing charges each rule its own work and not the binding it asks for)\n" +
                "       dotnet run --project tests/PerfAnalyzers.RealCode -c Release -- --sarif <dir-of-sarif-logs> [--root <app-dir>] [--out findings.txt]\n" +
                "       (real-build mode: tests/PerfAnalyzers.RealCode/realbuild.sh <app-dir> <out-dir> [analyzer-dir] [project-or-solution ...])");

        private static IEnumerable<string> EnumerateSources(string root)
        {
            var pending = new Stack<string>();
            pending.Push(root);
            while (pending.Count > 0)
            {
                var dir = pending.Pop();
                foreach (var file in Directory.GetFiles(dir, "*.cs").OrderBy(f => f, StringComparer.Ordinal))
                {
                    yield return file;
                }

                foreach (var sub in Directory.GetDirectories(dir).OrderByDescending(d => d, StringComparer.Ordinal))
                {
                    var name = Path.GetFileName(sub);
                    if (name is "bin" or "obj" or ".git" or "node_modules")
                    {
                        continue;
                    }

                    pending.Push(sub);
                }
            }
        }

        private static ImmutableArray<MetadataReference> LoadReferences(out string summary)
        {
            var references = new List<MetadataReference>(Basic.Reference.Assemblies.Net100.References.All);
            var names = new HashSet<string>(Basic.Reference.Assemblies.Net100.References.All
                .Select(r => Path.GetFileNameWithoutExtension(r.FilePath ?? r.Display ?? string.Empty)), StringComparer.OrdinalIgnoreCase);
            var packageCount = 0;

            // Packages restored for this tool (EF Core 10 and providers, Microsoft.Extensions.*, a few common libraries).
            foreach (var path in Directory.GetFiles(AppContext.BaseDirectory, "*.dll").OrderBy(p => p, StringComparer.Ordinal))
            {
                var name = Path.GetFileNameWithoutExtension(path);
                if (ReferencePrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase)) && names.Add(name))
                {
                    references.Add(MetadataReference.CreateFromFile(path));
                    packageCount++;
                }
            }

            // The ASP.NET Core shared framework's reference pack, for whatever the packages above did not bring.
            var aspNetCount = 0;
            var aspNetRef = FindAspNetCoreReferencePack();
            if (aspNetRef is not null)
            {
                foreach (var path in Directory.GetFiles(aspNetRef, "*.dll").OrderBy(p => p, StringComparer.Ordinal))
                {
                    if (names.Add(Path.GetFileNameWithoutExtension(path)))
                    {
                        references.Add(MetadataReference.CreateFromFile(path));
                        aspNetCount++;
                    }
                }
            }

            summary = $"references: .NET 10 + {packageCount} package DLLs + {aspNetCount} ASP.NET Core DLLs" + (aspNetRef is null ? " (ASP.NET Core reference pack not found)" : "");
            return references.ToImmutableArray();
        }

        private static string? FindAspNetCoreReferencePack()
        {
            // dotnet root = the folder that holds shared/Microsoft.NETCore.App/<version>/ of the running runtime.
            var runtimeDir = Path.GetDirectoryName(typeof(object).Assembly.Location);
            var dotnetRoot = runtimeDir is null ? null : Path.GetFullPath(Path.Combine(runtimeDir, "..", "..", ".."));
            if (dotnetRoot is null)
            {
                return null;
            }

            var packs = Path.Combine(dotnetRoot, "packs", "Microsoft.AspNetCore.App.Ref");
            if (Directory.Exists(packs))
            {
                var refDir = Directory.GetDirectories(packs, "10.0.*")
                    .OrderByDescending(d => Version.TryParse(Path.GetFileName(d), out var v) ? v : new Version(0, 0))
                    .Select(d => Path.Combine(d, "ref", "net10.0"))
                    .FirstOrDefault(Directory.Exists);
                if (refDir is not null)
                {
                    return refDir;
                }
            }

            // No reference pack: the shared framework's implementation DLLs work as references too.
            var shared = Path.Combine(dotnetRoot, "shared", "Microsoft.AspNetCore.App");
            return Directory.Exists(shared)
                ? Directory.GetDirectories(shared, "10.0.*").OrderByDescending(d => Version.TryParse(Path.GetFileName(d), out var v) ? v : new Version(0, 0)).FirstOrDefault()
                : null;
        }

        private static ImmutableArray<DiagnosticAnalyzer> DiscoverAnalyzers(HashSet<string>? rules)
        {
            var assembly = typeof(RuleIds).Assembly;
            return assembly.GetTypes()
                .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
                .OrderBy(t => t.FullName, StringComparer.Ordinal)
                .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
                .Where(a => rules is null || SupportedIds(a).Any(rules.Contains))
                .ToImmutableArray();
        }

        private static IEnumerable<string> SupportedIds(DiagnosticAnalyzer analyzer)
            => analyzer is DiagnosticSuppressor suppressor
                ? suppressor.SupportedSuppressions.Select(s => s.Id)
                : analyzer.SupportedDiagnostics.Select(d => d.Id);

        private static string RelativePath(string root, Location location)
        {
            var path = location.SourceTree?.FilePath ?? string.Empty;
            return path.Length == 0 ? "<no file>" : Path.GetRelativePath(root, path).Replace('\\', '/');
        }

        private static string Format(string root, Location location)
        {
            if (!location.IsInSource)
            {
                return "<no location>";
            }

            var start = location.GetLineSpan().StartLinePosition;
            return $"{RelativePath(root, location)}({start.Line + 1},{start.Character + 1})";
        }
    }
}
