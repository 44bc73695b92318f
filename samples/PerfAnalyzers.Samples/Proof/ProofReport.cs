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
        /// <summary>The widest line the proof prints (a terminal of 120 columns shows it without wrapping).</summary>
        public const int MaxWidth = 120;

        private const string Indent = "        ";

        private static readonly string[] Headers =
        {
            "Round trips", "Rows read", "Values read", "Time", "Allocated", "Same result",
        };

        /// <summary>
        /// The results as a table at most <see cref="MaxWidth"/> columns wide: per scenario, a line with its rule and title,
        /// then a line of measurements (bad -> fixed), then the scenario's notes; a legend explains the markers used.
        /// </summary>
        public static string FormatTable(IReadOnlyList<ProofResult> results)
        {
            var cells = results.Select(r => r.NotApplicable is not null
                ? null
                : new[]
                {
                    Pair(r, m => Count(m.RoundTrips)),
                    Pair(r, m => Count(m.RowsRead)),
                    Pair(r, m => Count(m.ValuesRead)),
                    Pair(r, m => Time(m.Milliseconds)),
                    Pair(r, m => Bytes(m.AllocatedBytes)),
                    SameResult(r),
                }).ToList();
            var widths = Headers.Select((h, i) => Math.Max(h.Length, cells.Where(c => c is not null).Select(c => c![i].Length).DefaultIfEmpty(0).Max())).ToArray();

            var text = new StringBuilder();
            text.AppendLine("Each scenario: its rule and title, then bad -> fixed (\"=\": the same in both); time is the median run.");
            AppendRow(text, "Rule", Headers, widths);
            text.AppendLine(new string('-', Math.Min(MaxWidth, Indent.Length + widths.Sum() + (2 * (widths.Length - 1)))));
            for (var i = 0; i < results.Count; i++)
            {
                var result = results[i];
                AppendWrapped(text, result.RuleId.PadRight(Indent.Length) + result.Title, Indent);
                if (cells[i] is { } row)
                {
                    AppendRow(text, "", row, widths);
                }

                foreach (var note in Notes(result))
                {
                    AppendWrapped(text, Indent + note, Indent + "  ");
                }
            }

            var legend = new List<string>();
            if (results.Any(r => r.NotApplicable is null && r.ExpectedBadFailure is null && r.Bad.RoundTrips == r.Fixed.RoundTrips))
            {
                legend.Add("Round trips \"=\": the rule's cost is in another column (rows, values, time, allocations), "
                    + "or the database does not batch (see the row's note).");
            }

            if (results.Any(r => r.NotApplicable is null && r.ExpectedBadFailure is null && !r.ExpectSameResult))
            {
                legend.Add("Same result \"no (bug)\": the bad code returns wrong data (the silent bug the rule catches); "
                    + "the fixed code returns the right data.");
            }

            if (legend.Count > 0)
            {
                text.AppendLine();
                foreach (var line in legend)
                {
                    AppendWrapped(text, line, "  ");
                }
            }

            foreach (var result in results.Where(r => !r.Passed))
            {
                text.AppendLine();
                AppendWrapped(text, $"FAILED {result.RuleId} {result.Scenario}:", "  ");
                foreach (var problem in result.Problems)
                {
                    AppendWrapped(text, "  - " + problem, "    ");
                }
            }

            return text.ToString();
        }

        /// <summary>
        /// Wraps text at spaces so that no line is wider than <paramref name="width"/>: the first line keeps the text's
        /// leading spaces, the others start with <paramref name="continuationIndent"/>; a word too long for a line is cut.
        /// </summary>
        public static IEnumerable<string> Wrap(string text, string continuationIndent, int width = MaxWidth)
        {
            if (text.Length <= width)
            {
                // Fits: keep it as it is (aligned columns included).
                yield return text;
                yield break;
            }

            var body = text.TrimStart(' ');
            var line = new StringBuilder(text.Substring(0, text.Length - body.Length));
            var empty = line.Length;
            foreach (var word in body.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (line.Length > empty && line.Length + 1 + word.Length > width)
                {
                    yield return line.ToString();
                    line.Clear().Append(continuationIndent);
                    empty = line.Length;
                }

                if (line.Length > empty)
                {
                    line.Append(' ');
                }

                var room = width - line.Length;
                line.Append(word.Length <= room ? word : word.Substring(0, Math.Max(0, room - 3)) + "...");
            }

            yield return line.ToString();
        }

        private static IEnumerable<string> Notes(ProofResult result)
        {
            if (result.NotApplicable is not null)
            {
                yield return $"not run on {result.Provider}: {result.NotApplicable}";
            }
            else if (result.ExpectedBadFailure is not null)
            {
                yield return $"bad code throws: {FirstSentence(result.Bad.Error ?? "no exception")}";
                yield return $"fixed code: {(result.Fixed.Error is null ? "correct result " + result.Fixed.ResultJson : FirstSentence(result.Fixed.Error))}";
            }
            else
            {
                if (result.Bad.P95Milliseconds is not null)
                {
                    yield return $"p95 latency {Time(result.Bad.P95Milliseconds ?? 0)} -> {Time(result.Fixed.P95Milliseconds ?? 0)}, "
                        + $"throughput {Count((long)(result.Bad.RequestsPerSecond ?? 0))} -> {Count((long)(result.Fixed.RequestsPerSecond ?? 0))} requests/s";
                }

                if (result.Improves.HasFlag(ProofMetric.PeakMemory))
                {
                    yield return $"peak heap {Bytes(result.Bad.PeakHeapBytes)} -> {Bytes(result.Fixed.PeakHeapBytes)} (garbage included), "
                        + $"peak kept after a GC {Bytes(result.Bad.PeakRetainedBytes)} -> {Bytes(result.Fixed.PeakRetainedBytes)}";
                }

                if (result.ShowResults)
                {
                    yield return $"bad code returned {result.Bad.ResultJson}";
                    yield return $"fixed code returned {result.Fixed.ResultJson}";
                }

                if (result.Note is not null)
                {
                    yield return result.Note;
                }

                if (result.ProviderDoesNotBatch && result.Bad.RoundTrips <= result.Fixed.RoundTrips)
                {
                    yield return $"same round trips: {result.Provider} does not batch (EF Core sends one command per saved row either way); "
                        + "the win here is time and allocations, and on PostgreSQL the round trips drop too.";
                }
            }
        }

        /// <summary>An exception message up to its first full stop or line break (EF Core's run on for several lines).</summary>
        private static string FirstSentence(string message)
        {
            var line = message.Split('\n')[0].Trim();
            var stop = line.IndexOf(". ", StringComparison.Ordinal);
            return stop > 0 ? line.Substring(0, stop + 1) : line;
        }

        /// <summary>The "same result" column: yes, "no (bug)" (the bad code's wrong data, expected), or NO when it should have been yes.</summary>
        public static string SameResult(ProofResult result)
        {
            if (result.NotApplicable is not null)
            {
                return $"n/a on {result.Provider}";
            }

            if (result.ExpectedBadFailure is not null)
            {
                return result.Passed ? "bad throws" : "NO";
            }

            if (result.Bad.Failed || result.Fixed.Failed)
            {
                return "ERROR";
            }

            return (result.SameResult, result.ExpectSameResult) switch
            {
                (true, true) => "yes",
                (false, false) => "no (bug)",
                (false, true) => "NO",
                (true, false) => "YES (expected no)",
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

        private static string Pair(ProofResult result, Func<ProofMeasurement, string> format)
        {
            var bad = format(result.Bad);
            var fixedValue = format(result.Fixed);
            return bad == fixedValue ? "= " + bad : $"{bad} -> {fixedValue}";
        }

        private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

        private static string Time(double milliseconds) => milliseconds switch
        {
            < 10 => milliseconds.ToString("0.0", CultureInfo.InvariantCulture) + " ms",
            < 10_000 => milliseconds.ToString("N0", CultureInfo.InvariantCulture) + " ms",
            _ => (milliseconds / 1000).ToString("N1", CultureInfo.InvariantCulture) + " s",
        };

        private static string Bytes(long bytes) => bytes switch
        {
            >= 1000L * 1024 * 1024 => (bytes / (1024.0 * 1024 * 1024)).ToString("0.0", CultureInfo.InvariantCulture) + " GB",
            >= 100L * 1024 * 1024 => (bytes / (1024.0 * 1024)).ToString("0", CultureInfo.InvariantCulture) + " MB",
            >= 1000 * 1024 => (bytes / (1024.0 * 1024)).ToString("0.0", CultureInfo.InvariantCulture) + " MB",
            >= 1024 => (bytes / 1024.0).ToString("0", CultureInfo.InvariantCulture) + " KB",
            _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
        };

        private static void AppendRow(StringBuilder text, string first, IReadOnlyList<string> cells, int[] widths) =>
            AppendWrapped(text, (first.PadRight(Indent.Length) + string.Join("  ", cells.Select((c, i) => c.PadRight(widths[i])))).TrimEnd(), Indent);

        private static void AppendWrapped(StringBuilder text, string line, string continuationIndent)
        {
            if (line.Length <= MaxWidth)
            {
                text.AppendLine(line);
                return;
            }

            foreach (var part in Wrap(line, continuationIndent))
            {
                text.AppendLine(part);
            }
        }
    }
}
