using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;

namespace PerfAnalyzers.Cli
{
    /// <summary>
    /// Runs <c>dotnet build</c> on the target with build/PerfAnalyzers.Cli.targets imported into every project: the
    /// PerfAnalyzers analyzer (the project's own, else the one beside this tool), one SARIF log per project and target
    /// framework, no baseline, warnings not failing the build. <c>--no-incremental</c>, so every project is compiled.
    /// </summary>
    internal static class BuildRunner
    {
        public static async Task<int> RunAsync(string target, string outDir, string? configuration, IReadOnlyList<string> properties)
        {
            Directory.CreateDirectory(outDir);
            foreach (var old in Directory.GetFiles(outDir, "*.sarif").Concat(Directory.GetFiles(outDir, "*.project")))
            {
                File.Delete(old);
            }

            var toolDir = AppContext.BaseDirectory;
            var targets = Path.Combine(toolDir, "build", "PerfAnalyzers.Cli.targets");
            var analyzer = typeof(RuleIds).Assembly.Location;
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = Directory.Exists(target) ? target : Path.GetDirectoryName(target)!,
                UseShellExecute = false,
            };
            foreach (var arg in new[]
            {
                "build", target, "--no-incremental", "-nologo", "-clp:ErrorsOnly;Summary",
                "-p:CustomAfterMicrosoftCommonTargets=" + targets,
                "-p:PerfAnalyzersCliOut=" + outDir,
                "-p:PerfAnalyzersCliAnalyzer=" + analyzer,
            })
            {
                start.ArgumentList.Add(arg);
            }

            if (configuration is not null)
            {
                start.ArgumentList.Add("-c");
                start.ArgumentList.Add(configuration);
            }

            foreach (var property in properties)
            {
                start.ArgumentList.Add(property);
            }

            Console.Error.WriteLine($"perfanalyzers: dotnet build {target} (with the PerfAnalyzers analyzers, SARIF to {outDir})");
            using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet.");
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                Console.Error.WriteLine($"perfanalyzers: the build failed (exit {process.ExitCode}); fix the errors above first.");
            }

            return process.ExitCode;
        }
    }
}
