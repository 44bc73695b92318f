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
            var rows = results.Select(r => new[]
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
