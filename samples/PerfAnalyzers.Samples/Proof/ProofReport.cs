using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PerfAnalyzers.Samples.Proof
{
    /// <summary>Formats proof results as the console table and as JSON.</summary>
    public static class ProofReport
    {
        private static readonly string[] Headers =
        {
            "Rule", "Scenario", "Round trips", "Rows read", "Values read", "Time", "Allocated", "Same result",
        };

        public static string FormatTable(IReadOnlyList<ProofResult> results)
        {
            var rows = results.Select(r => r.NotApplicable is not null
                ? new[] { r.RuleId, r.Title, "-", "-", "-", "-", "-", SameResult(r) }
                : new[]
                {
                    r.RuleId,
                    r.Title,
                    Pair(r, m => Count(m.RoundTrips)),
                    Pair(r, m => Count(m.RowsRead)),
                    Pair(r, m => Count(m.ValuesRead)),
                    Pair(r, m => Time(m.Milliseconds)),
                    Pair(r, m => Bytes(m.AllocatedBytes)),
                    SameResult(r),
                }).ToList();

            var widths = Headers.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
            var text = new StringBuilder();
            AppendRow(text, Headers, widths);
            text.AppendLine(string.Join("-|-", widths.Select(w => new string('-', w))));
            foreach (var row in rows)
            {
                AppendRow(text, row, widths);
            }

            var notes = results.Where(r => r.NotApplicable is not null || r.ExpectedBadFailure is not null || r.Bad.P95Milliseconds is not null).ToList();
            if (notes.Count > 0)
            {
                text.AppendLine();
                foreach (var result in notes)
                {
                    if (result.NotApplicable is not null)
                    {
                        text.AppendLine($"{result.RuleId} {result.Title}: not run on {result.Provider}: {result.NotApplicable}");
                    }
                    else if (result.ExpectedBadFailure is not null)
                    {
                        text.AppendLine($"{result.RuleId} {result.Title}: bad variant: {result.Bad.Error ?? "no exception"}; fixed variant: {result.Fixed.Error ?? "correct result " + result.Fixed.ResultJson}");
                    }
                    else
                    {
                        text.AppendLine($"{result.RuleId} {result.Title}: p95 latency {Time(result.Bad.P95Milliseconds ?? 0)} -> {Time(result.Fixed.P95Milliseconds ?? 0)}, "
                            + $"throughput {Count((long)(result.Bad.RequestsPerSecond ?? 0))} -> {Count((long)(result.Fixed.RequestsPerSecond ?? 0))} requests/s");
                    }
                }
            }

            foreach (var result in results.Where(r => !r.Passed))
            {
                text.AppendLine();
                text.AppendLine($"FAILED {result.RuleId} {result.Scenario}:");
                foreach (var problem in result.Problems)
                {
                    text.AppendLine("  - " + problem);
                }
            }

            return text.ToString();
        }

        /// <summary>The "same result" column: yes, "no (expected: silent data bug)", or NO when it should have been yes.</summary>
        public static string SameResult(ProofResult result)
        {
            if (result.NotApplicable is not null)
            {
                return $"n/a on {result.Provider}";
            }

            if (result.ExpectedBadFailure is not null)
            {
                return result.Passed ? "bad throws (expected), fixed ok" : "NO";
            }

            if (result.Bad.Failed || result.Fixed.Failed)
            {
                return "ERROR";
            }

            return (result.SameResult, result.ExpectSameResult) switch
            {
                (true, true) => "yes",
                (false, false) => "no (expected: silent data bug)",
                (false, true) => "NO",
                (true, false) => "yes (expected a difference!)",
            };
        }

        public static string ToJson(string provider, IReadOnlyList<ProofResult> results)
        {
            var options = new JsonSerializerOptions
            {
                WriteIndented = true,
                Converters = { new JsonStringEnumConverter() },
            };
            return JsonSerializer.Serialize(
                new
                {
                    Provider = provider,
                    Passed = results.All(r => r.Passed),
                    Results = results.Select(r => new
                    {
                        r.RuleId,
                        r.Title,
                        r.Scenario,
                        r.Provider,
                        Improves = r.Improves.ToString(),
                        r.ExpectSameResult,
                        r.SameResult,
                        r.Passed,
                        r.Problems,
                        r.NotApplicable,
                        r.ExpectedBadFailure,
                        r.Bad,
                        r.Fixed,
                    }),
                },
                options);
        }

        private static string Pair(ProofResult result, Func<ProofMeasurement, string> format) =>
            $"{format(result.Bad)} -> {format(result.Fixed)}";

        private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

        private static string Time(double milliseconds) => milliseconds < 10
            ? milliseconds.ToString("0.0", CultureInfo.InvariantCulture) + " ms"
            : milliseconds.ToString("N0", CultureInfo.InvariantCulture) + " ms";

        private static string Bytes(long bytes) => bytes switch
        {
            >= 1024 * 1024 => (bytes / (1024.0 * 1024)).ToString("0.0", CultureInfo.InvariantCulture) + " MB",
            >= 1024 => (bytes / 1024.0).ToString("0", CultureInfo.InvariantCulture) + " KB",
            _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
        };

        private static void AppendRow(StringBuilder text, IReadOnlyList<string> cells, int[] widths) =>
            text.AppendLine(string.Join(" | ", cells.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
    }
}
