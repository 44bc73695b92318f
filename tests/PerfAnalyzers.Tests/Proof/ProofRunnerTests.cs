using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using PerfAnalyzers.Samples.Model;
using PerfAnalyzers.Samples.Proof;
using Xunit;

namespace PerfAnalyzers.Tests.Proof
{
    /// <summary>
    /// Runs the sample's proof in-process on SQLite (every scenario, plus two deliberately broken scenarios that the
    /// runner must catch) and checks each scenario's claim: the fixed variant improves what it declares and returns and
    /// leaves the same data (or, for silent-data-bug rules, really differs). Timings are never asserted.
    /// </summary>
    [Collection(ProofCollection.Name)]
    public sealed class ProofRunnerTests : IClassFixture<ProofRunnerTests.SqliteProof>
    {
        private readonly SqliteProof proof;

        public ProofRunnerTests(SqliteProof proof) => this.proof = proof;

        public static TheoryData<string> Scenarios()
        {
            var data = new TheoryData<string>();
            foreach (var scenario in ProofRunner.DiscoverScenarios())
            {
                data.Add(scenario.GetType().Name);
            }

            return data;
        }

        [Fact]
        public void TheSampleHasScenariosAndTheRunnerRanAllOfThem()
        {
            var discovered = ProofRunner.DiscoverScenarios().Select(s => s.GetType().Name).ToList();
            Assert.Contains(nameof(PerfAnalyzers.Samples.Scenarios.EFP201_SaveChangesInLoop), discovered);
            Assert.Equal(discovered.OrderBy(n => n), proof.SampleResults.Select(r => r.Scenario).OrderBy(n => n));
        }

        [Theory]
        [MemberData(nameof(Scenarios))]
        public void FixedVariantImprovesAndKeepsTheResult(string scenario)
        {
            AssertScenarioHolds(proof.SampleResults.Single(r => r.Scenario == scenario));
        }

        [Fact]
        public void RunnerCatchesAFixThatChangesTheData()
        {
            var result = proof.Result(nameof(ChangesDataScenario));
            Assert.False(result.SameResult);
            Assert.False(result.Passed);
            Assert.Contains(result.Problems, p => p.Contains("table contents differ: Tags", StringComparison.Ordinal));
            Assert.Equal("NO", ProofReport.SameResult(result));
        }

        [Fact]
        public void RunnerCatchesAFixThatDoesNotImprove()
        {
            var result = proof.Result(nameof(NoImprovementScenario));
            Assert.True(result.SameResult);
            Assert.False(result.Passed);
            Assert.Equal(2, result.Bad.RoundTrips);
            Assert.Equal(2, result.Fixed.RoundTrips);
            Assert.Contains(result.Problems, p => p.StartsWith("round trips not reduced", StringComparison.Ordinal));
        }

        [Fact]
        public void RunnerCountsRowsAndValuesRead()
        {
            var result = proof.Result(nameof(NoImprovementScenario));

            // Two queries: 10 blogs x 3 columns, then one COUNT row of one column.
            Assert.Equal(11, result.Bad.RowsRead);
            Assert.Equal(31, result.Bad.ValuesRead);
            // Canonical JSON: members sorted by name.
            Assert.StartsWith("{\"blogs\":[{\"Id\":1,\"Name\":\"Blog 0001\",\"Rating\":", result.Bad.ResultJson, StringComparison.Ordinal);
            Assert.EndsWith("}],\"count\":10000}", result.Bad.ResultJson, StringComparison.Ordinal);
        }

        [Fact]
        public void TableShowsEveryScenario()
        {
            var table = ProofReport.FormatTable(proof.SampleResults);
            foreach (var result in proof.SampleResults)
            {
                Assert.Contains($"{result.RuleId,-8}{result.Title}", table, StringComparison.Ordinal);
            }

            // README's first command prints this table: it must fit a 120-column terminal.
            Assert.All(table.Split('\n'), line => Assert.True(line.TrimEnd('\r').Length <= ProofReport.MaxWidth, line));
        }

        internal static void AssertScenarioHolds(ProofResult result)
        {
            if (result.NotApplicable is not null)
            {
                // Declared not applicable on this provider (EFP401/EFP402 on SQLite): the reason is the result.
                Assert.True(result.NotApplicable.Length > 20, $"{result.Scenario}: a not-applicable scenario must say why");
                Assert.True(result.Passed, string.Join("; ", result.Problems));
                return;
            }

            if (result.ExpectedBadFailure is not null)
            {
                // A run-time failure rule (EFP402): the bad code throws exactly that, the fixed code runs.
                Assert.True(result.Bad.Error?.Contains(result.ExpectedBadFailure, StringComparison.Ordinal) == true, $"{result.Scenario} bad variant: {result.Bad.Error ?? "no exception"}");
                Assert.True(result.Fixed.Error is null, $"{result.Scenario} fixed variant failed: {result.Fixed.Error}");
                Assert.True(result.Passed, string.Join("; ", result.Problems));
                return;
            }

            Assert.True(result.Bad.Error is null, $"{result.Scenario} bad variant failed: {result.Bad.Error}");
            Assert.True(result.Fixed.Error is null, $"{result.Scenario} fixed variant failed: {result.Fixed.Error}");
            if (result.ExpectSameResult && !result.Retired && result.Note is null)
            {
                // A performance fix must declare what it improves; a silent-data-bug fix (EFP103) may cost more; a
                // retired rule's scenario (EFP202) only shows its numbers; a correctness fix whose bug does not show on
                // this provider (EFP312 on SQLite) says why in its note, as the runner's own check allows.
                Assert.NotEqual(ProofMetric.None, result.Improves);
            }

            if (result.Improves.HasFlag(ProofMetric.Latency))
            {
                Assert.True(
                    result.Bad.P95Milliseconds is { } bad && result.Fixed.P95Milliseconds is { } fixedP95 && fixedP95 * 2 <= bad,
                    $"{result.Scenario}: p95 latency {result.Bad.P95Milliseconds} -> {result.Fixed.P95Milliseconds} ms (must at least halve)");
            }

            if (result.Improves.HasFlag(ProofMetric.RoundTrips))
            {
                Assert.True(result.Fixed.RoundTrips < result.Bad.RoundTrips, $"{result.Scenario}: round trips {result.Bad.RoundTrips} -> {result.Fixed.RoundTrips}");
            }

            if (result.Improves.HasFlag(ProofMetric.RowsRead))
            {
                Assert.True(result.Fixed.RowsRead < result.Bad.RowsRead, $"{result.Scenario}: rows read {result.Bad.RowsRead} -> {result.Fixed.RowsRead}");
            }

            if (result.Improves.HasFlag(ProofMetric.ValuesRead))
            {
                Assert.True(result.Fixed.ValuesRead < result.Bad.ValuesRead, $"{result.Scenario}: values read {result.Bad.ValuesRead} -> {result.Fixed.ValuesRead}");
            }

            if (result.Improves.HasFlag(ProofMetric.PeakMemory))
            {
                Assert.True(result.Fixed.PeakHeapBytes < result.Bad.PeakHeapBytes, $"{result.Scenario}: peak heap {result.Bad.PeakHeapBytes} -> {result.Fixed.PeakHeapBytes}");
            }

            if (result.Improves.HasFlag(ProofMetric.Allocations))
            {
                Assert.True(result.Fixed.AllocatedBytes < result.Bad.AllocatedBytes, $"{result.Scenario}: allocated {result.Bad.AllocatedBytes} -> {result.Fixed.AllocatedBytes}");
            }

            var sameTables = result.Bad.Tables.SequenceEqual(result.Fixed.Tables);
            if (result.ExpectSameResult)
            {
                Assert.Equal(result.Bad.ResultJson, result.Fixed.ResultJson);
                Assert.Equal(result.Bad.Tables, result.Fixed.Tables);
            }
            else
            {
                // A silent data bug (EFP103): the bad code must really give a different result.
                Assert.False(result.Bad.ResultJson == result.Fixed.ResultJson && sameTables, $"{result.Scenario}: expected the bad variant to differ");
            }

            Assert.True(result.Passed, string.Join("; ", result.Problems));
        }

        /// <summary>Runs the whole proof once for this class: the sample's scenarios and the two broken ones.</summary>
        public sealed class SqliteProof : IAsyncLifetime
        {
            private IReadOnlyList<ProofResult> all = Array.Empty<ProofResult>();

            public IReadOnlyList<ProofResult> SampleResults { get; private set; } = Array.Empty<ProofResult>();

            public ProofResult Result(string scenario) => all.Single(r => r.Scenario == scenario);

            public async Task InitializeAsync()
            {
                var scenarios = ProofRunner.DiscoverScenarios().Concat(new ProofScenario[] { new ChangesDataScenario(), new NoImprovementScenario() }).ToList();
                all = await ProofRunner.RunAsync(new ProofRunOptions { Scenarios = scenarios });
                SampleResults = all.Where(r => r.Scenario != nameof(ChangesDataScenario) && r.Scenario != nameof(NoImprovementScenario)).ToList();
            }

            public Task DisposeAsync() => Task.CompletedTask;
        }

        /// <summary>A "fix" that saves one fewer tag than the bad code: the runner must report different table contents.</summary>
        private sealed class ChangesDataScenario : ProofScenario
        {
            public override string RuleId => "TEST01";

            public override string Title => "Broken fix: loses a row";

            public override Task<object?> RunBadAsync(ProofDb db, CancellationToken ct) => AddTagsAsync(db, 2, ct);

            public override Task<object?> RunFixedAsync(ProofDb db, CancellationToken ct) => AddTagsAsync(db, 1, ct);

            private static async Task<object?> AddTagsAsync(ProofDb db, int count, CancellationToken ct)
            {
                await using var context = db.CreateContext();
                for (var i = 0; i < count; i++)
                {
                    context.Tags.Add(new Tag { Label = "extra" + i });
                }

                await context.SaveChangesAsync(ct);
                return null;
            }
        }

        /// <summary>A "fix" identical to the bad code: the runner must report that the round trips did not drop.</summary>
        private sealed class NoImprovementScenario : ProofScenario
        {
            public override string RuleId => "TEST02";

            public override string Title => "Broken fix: no improvement";

            public override Task<object?> RunBadAsync(ProofDb db, CancellationToken ct) => QueryAsync(db, ct);

            public override Task<object?> RunFixedAsync(ProofDb db, CancellationToken ct) => QueryAsync(db, ct);

            private static async Task<object?> QueryAsync(ProofDb db, CancellationToken ct)
            {
                await using var context = db.CreateContext();
                var blogs = await context.Blogs.OrderBy(b => b.Id).Take(10).Select(b => new { b.Id, b.Name, b.Rating }).ToListAsync(ct);
                var count = await context.Posts.CountAsync(ct);
                return new { blogs, count };
            }
        }
    }
}
