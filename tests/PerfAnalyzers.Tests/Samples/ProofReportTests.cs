using System;
using System.Collections.Generic;
using System.Linq;
using PerfAnalyzers.Samples.Proof;
using Xunit;

namespace PerfAnalyzers.Tests.Samples
{
    /// <summary>
    /// The proof's console output (README's first command) stays readable in a 120-column terminal, whatever the numbers,
    /// titles and exception messages: checked on made-up results, so it runs without seeding a database.
    /// </summary>
    public sealed class ProofReportTests
    {
        [Fact]
        public void Table_fits_in_120_columns_with_the_widest_numbers_and_long_texts()
        {
            var table = ProofReport.FormatTable(Results());
            var lines = table.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
            Assert.All(lines, l => Assert.True(l.Length <= ProofReport.MaxWidth, $"{l.Length} columns: {l}"));
            Assert.Contains(lines, l => l.StartsWith("EFP101  Posts of 1,000 blogs (batch by key)", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.Contains("1,001 -> 2", StringComparison.Ordinal) && l.Contains("= 11,000", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.Contains("12,345,678 -> 9,876,543", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.Contains("1.3 GB -> 755 MB", StringComparison.Ordinal));
        }

        [Fact]
        public void Same_round_trips_on_a_provider_that_does_not_batch_are_explained_on_the_row()
        {
            var table = ProofReport.FormatTable(Results());
            Assert.Contains("same round trips: SQLite does not batch", table, StringComparison.Ordinal);
            Assert.Equal(1, Count(table, "same round trips:"));
        }

        [Fact]
        public void A_no_in_same_result_is_explained_once()
        {
            var table = ProofReport.FormatTable(Results());
            Assert.Contains("no (bug)", table, StringComparison.Ordinal);
            Assert.Contains("the bad code returns wrong data", table, StringComparison.Ordinal);
            Assert.DoesNotContain("the bad code returns wrong data", ProofReport.FormatTable(Results().Where(r => r.ExpectSameResult).ToList()), StringComparison.Ordinal);
        }

        [Fact]
        public void Exception_messages_and_reasons_are_wrapped_not_cut_off_mid_table()
        {
            var table = ProofReport.FormatTable(Results());
            Assert.Contains("bad code throws: ObjectDisposedException: Cannot access a disposed context instance.", table, StringComparison.Ordinal);
            Assert.DoesNotContain("A common cause", table, StringComparison.Ordinal);
            Assert.Contains("not run on SQLite: Microsoft.Data.Sqlite's async methods", table, StringComparison.Ordinal);
        }

        [Fact]
        public void Wrap_keeps_short_lines_as_they_are_and_breaks_long_ones_at_spaces()
        {
            Assert.Equal(new[] { "  a   b" }, ProofReport.Wrap("  a   b", "    ", 10));
            Assert.Equal(new[] { "  aaa bbb", "    ccc", "    ddd" }, ProofReport.Wrap("  aaa bbb ccc ddd", "    ", 10));
            Assert.All(ProofReport.Wrap(new string('x', 30), "", 10), l => Assert.True(l.Length <= 10));
        }

        [Fact]
        public void Build_findings_are_one_line_per_scenario_file()
        {
            var findings = new List<(string, string)>
            {
                ("EFP302", "EFP101_QueryInLoop.cs"), ("EFP101", "EFP101_QueryInLoop.cs"), ("EFP101", "EFP101_QueryInLoop.cs"),
                ("EFP201", "EFP201_SaveChangesInLoop.cs"),
            };
            var lines = BuildFindings.Format(findings).Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToList();
            Assert.Contains("  EFP101_QueryInLoop.cs        EFP101 x2, EFP302", lines);
            Assert.Contains("  EFP201_SaveChangesInLoop.cs  EFP201", lines);
            Assert.All(lines, l => Assert.True(l.Length <= ProofReport.MaxWidth, l));
        }

        private static int Count(string text, string value) => (text.Length - text.Replace(value, "", StringComparison.Ordinal).Length) / value.Length;

        private static List<ProofResult> Results()
        {
            var none = Array.Empty<string>();
            return new List<ProofResult>
            {
                Result("EFP101", "Posts of 1,000 blogs (batch by key)", M(1001, 11000, 87000, 1870, 29_500_000), M(2, 11000, 87000, 227, 14_500_000)),
                Result("EFP201", "Add a welcome post to 904 active blogs", M(907, 1810, 3618, 3198, 337_000_000), M(907, 1810, 3618, 253, 14_000_000))
                    with { ProviderDoesNotBatch = true, Improves = ProofMetric.Allocations },
                Result("EFP103", "Report of 1,000 blogs: posts and author", M(1, 904, 6328, 9.9, 1_500_000), M(1, 9040, 162720, 588, 25_900_000), expectSame: false),
                Result("EFP999", "A scenario with a long title that goes on and on to test that titles wrap rather than overflow the width",
                    M(12_345_678, 12_345_678, 123_456_789, 123_456, 1_400_000_000), M(9_876_543, 1, 98_765_432, 12_345, 792_000_000)),
                Result("EFP401", "200 concurrent requests on 4 threads", M(0, 0, 0, 0, 0), M(0, 0, 0, 0, 0))
                    with { NotApplicable = "Microsoft.Data.Sqlite's async methods run synchronously (SQLite is in-process: there is no I/O to wait for), so an awaited ToListAsync holds its thread exactly like ToList and there is no difference to show; run it on PostgreSQL" },
                Result("EFP403", "Post count moved off the request with Task.Run",
                    M(0, 0, 0, 0, 0) with { Error = "ObjectDisposedException: Cannot access a disposed context instance. A common cause of this error is disposing a context instance that was resolved from dependency injection.\nObject name: 'SampleDbContext'." },
                    M(1, 1, 1, 1.5, 71_000))
                    with { ExpectedBadFailure = "Cannot access a disposed context instance" },
            };

            static ProofResult Result(string rule, string title, ProofMeasurement bad, ProofMeasurement fixedRun, bool expectSame = true) =>
                new(rule, title, rule + "_Scenario", "SQLite", ProofMetric.RoundTrips, expectSame, bad, fixedRun,
                    bad.ResultJson == fixedRun.ResultJson, Array.Empty<string>());

            static ProofMeasurement M(int roundTrips, long rows, long values, double ms, long bytes) =>
                new(roundTrips, rows, values, ms, bytes, rows.ToString(System.Globalization.CultureInfo.InvariantCulture), Array.Empty<TableSnapshot>(), null);
        }
    }
}
