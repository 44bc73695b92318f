using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using PerfAnalyzers.Samples.Proof;

// The proof: runs every rule's bad and fixed code on a seeded database and prints what each costs.
//   dotnet run --project samples/PerfAnalyzers.Samples -c Release [-- --rule EFP201] [--json results.json]
// PostgreSQL instead of SQLite in memory: set PERFANALYZERS_POSTGRES to a connection string (or pass --postgres).
var rules = new List<string>();
string? jsonPath = null;
var options = ProofRunOptions.FromEnvironment();
var postgres = options.PostgresConnectionString;
var warmUp = true;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--rule" when i + 1 < args.Length:
            rules.AddRange(args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            break;
        case "--json" when i + 1 < args.Length:
            jsonPath = args[++i];
            break;
        case "--postgres" when i + 1 < args.Length:
            postgres = args[++i];
            break;
        case "--no-warmup":
            warmUp = false;
            break;
        case "-h" or "--help":
            PrintUsage(Console.Out);
            return 0;
        default:
            Console.Error.WriteLine($"Unknown or incomplete argument: {args[i]}");
            PrintUsage(Console.Error);
            return 2;
    }
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

// The build's findings, grouped per scenario file (the project file sends them to a SARIF log, not the build output).
var findingsLog = Path.Combine(AppContext.BaseDirectory, BuildFindings.FileName);
if (File.Exists(findingsLog))
{
    Console.Write(BuildFindings.Format(BuildFindings.Read(findingsLog)));
    Console.WriteLine();
}

var provider = postgres is null ? "SQLite (in memory)" : "PostgreSQL";
WriteLine($"PerfAnalyzers proof on {provider}: each variant runs on a freshly seeded database (after one warm-up run).");
var results = await ProofRunner.RunAsync(
    new ProofRunOptions { Rules = rules, PostgresConnectionString = postgres, WarmUp = warmUp, Log = WriteLine },
    cancel.Token);
if (results.Count == 0)
{
    Console.Error.WriteLine(rules.Count == 0 ? "No proof scenarios found." : $"No proof scenario for {string.Join(", ", rules)}.");
    return 3;
}

Console.WriteLine();
Console.Write(ProofReport.FormatTable(results));
if (jsonPath is not null)
{
    File.WriteAllText(jsonPath, ProofReport.ToJson(results[0].Provider, results));
    Console.WriteLine($"Results written to {jsonPath}.");
}

var failed = results.Count(r => !r.Passed);
Console.WriteLine(failed == 0
    ? $"All {results.Count} scenario(s) passed."
    : $"{failed} of {results.Count} scenario(s) FAILED.");
return failed == 0 ? 0 : 1;

// Every line within ProofReport.MaxWidth columns.
static void WriteLine(string line)
{
    foreach (var part in ProofReport.Wrap(line, "    "))
    {
        Console.WriteLine(part);
    }
}

static void PrintUsage(TextWriter writer) => writer.WriteLine(
    """
    Usage: dotnet run --project samples/PerfAnalyzers.Samples -c Release -- [options]
      --rule EFP201[,EFP101]  run only these rules' scenarios (repeatable)
      --json <file>           also write the results as JSON
      --postgres <conn>       use PostgreSQL (default: $PERFANALYZERS_POSTGRES, else SQLite in memory)
      --no-warmup             measure the first run of each variant
    Exit code: 0 all scenarios passed, 1 a scenario failed, 2 bad arguments, 3 no scenario matched.
    """);
