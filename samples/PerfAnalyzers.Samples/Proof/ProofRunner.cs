using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;

namespace PerfAnalyzers.Samples.Proof
{
    /// <summary>
    /// Runs every <see cref="ProofScenario"/>: each variant on its own freshly seeded database, counting SQL commands,
    /// rows and values read, time and allocations, then compares what the two variants returned and left behind.
    /// </summary>
    public static class ProofRunner
    {
        private static readonly JsonSerializerOptions ResultJsonOptions = new()
        {
            ReferenceHandler = ReferenceHandler.IgnoreCycles,
            Converters = { new JsonStringEnumConverter() },
        };

        /// <summary>Every concrete scenario in this assembly, ordered by rule ID and then by type name.</summary>
        public static IReadOnlyList<ProofScenario> DiscoverScenarios() =>
            typeof(ProofScenario).Assembly.GetTypes()
                .Where(t => t.IsClass && !t.IsAbstract && typeof(ProofScenario).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is not null)
                .Select(t => (ProofScenario)Activator.CreateInstance(t)!)
                .OrderBy(s => s.RuleId, StringComparer.OrdinalIgnoreCase)
                .ThenBy(s => s.GetType().Name, StringComparer.Ordinal)
                .ToList();

        public static async Task<IReadOnlyList<ProofResult>> RunAsync(ProofRunOptions options, CancellationToken ct = default)
        {
            var scenarios = (options.Scenarios ?? DiscoverScenarios())
                .Where(s => options.Rules.Count == 0 || options.Rules.Contains(s.RuleId, StringComparer.OrdinalIgnoreCase))
                .ToList();
            var results = new List<ProofResult>();
            if (scenarios.Count == 0)
            {
                return results;
            }

            await using var database = ProofDatabase.Create(options.PostgresConnectionString);
            var seedTime = Stopwatch.StartNew();
            var seed = await database.PrepareTemplateAsync(ct);
            options.Log?.Invoke($"Seeded {database.ProviderName} template in {seedTime.Elapsed.TotalSeconds:0.0} s: {seed}.");

            var counter = "[{0," + scenarios.Count.ToString(System.Globalization.CultureInfo.InvariantCulture).Length + "}/" + scenarios.Count + "]";
            for (var index = 0; index < scenarios.Count; index++)
            {
                var scenario = scenarios[index];
                var progress = string.Format(System.Globalization.CultureInfo.InvariantCulture, counter, index + 1) + $" {scenario.RuleId} {scenario.Title}";
                ct.ThrowIfCancellationRequested();
                if (scenario.NotApplicableOn(database.ProviderName) is { Length: > 0 } reason)
                {
                    options.Log?.Invoke($"{progress}: not run on {database.ProviderName} (see its row)");
                    results.Add(NotApplicable(scenario, database.ProviderName, reason));
                    continue;
                }

                var time = Stopwatch.StartNew();
                var bad = await MeasureAsync(database, scenario, bad: true, options.WarmUp, ct);
                var fixedRun = await MeasureAsync(database, scenario, bad: false, options.WarmUp, ct);
                var result = Judge(scenario, database.ProviderName, bad, fixedRun);
                results.Add(result);
                options.Log?.Invoke($"{progress}: {(result.Passed ? "passed" : "FAILED")} in {time.Elapsed.TotalSeconds:0.0} s");
            }

            return results;
        }

        private static ProofResult NotApplicable(ProofScenario scenario, string provider, string reason)
        {
            var nothing = new ProofMeasurement(0, 0, 0, 0, 0, "", Array.Empty<TableSnapshot>(), Error: null);
            return new ProofResult(scenario.RuleId, scenario.Title, scenario.GetType().Name, provider, ProofMetric.None, scenario.ExpectSameResult, nothing, nothing, false, Array.Empty<string>())
            {
                NotApplicable = reason,
                ExpectedBadFailure = scenario.ExpectedBadFailure,
            };
        }

        private static ProofResult Judge(ProofScenario scenario, string provider, ProofMeasurement bad, ProofMeasurement fixedRun)
        {
            var problems = new List<string>();
            var improves = scenario.ImprovesOn(provider);
            if (scenario.ExpectedBadFailure is { } expectedFailure)
            {
                // A run-time failure rule (EFP402): the bad code must throw it, the fixed code must not.
                if (bad.Error is null)
                {
                    problems.Add($"expected the bad variant to fail with \"{expectedFailure}\", but it succeeded");
                }
                else if (!bad.Error.Contains(expectedFailure, StringComparison.Ordinal))
                {
                    problems.Add($"expected the bad variant to fail with \"{expectedFailure}\", but it failed with: {bad.Error}");
                }

                if (fixedRun.Error is not null)
                {
                    problems.Add("fixed variant failed: " + fixedRun.Error);
                }

                return new ProofResult(scenario.RuleId, scenario.Title, scenario.GetType().Name, provider, improves, scenario.ExpectSameResult, bad, fixedRun, false, problems)
                {
                    ExpectedBadFailure = expectedFailure,
                };
            }

            if (bad.Error is not null)
            {
                problems.Add("bad variant failed: " + bad.Error);
            }

            if (fixedRun.Error is not null)
            {
                problems.Add("fixed variant failed: " + fixedRun.Error);
            }

            var expectSame = scenario.ExpectSameResultOn(provider);
            var sameJson = bad.ResultJson == fixedRun.ResultJson;
            var sameTables = bad.Tables.SequenceEqual(fixedRun.Tables);
            var same = sameJson && sameTables;
            if (bad.Error is null && fixedRun.Error is null)
            {
                if (expectSame && !same)
                {
                    var what = new List<string>();
                    if (!sameJson)
                    {
                        what.Add("the returned results differ");
                    }

                    var tables = bad.Tables.Select(t => t.Table).Union(fixedRun.Tables.Select(t => t.Table))
                        .Where(t => bad.Tables.FirstOrDefault(b => b.Table == t) != fixedRun.Tables.FirstOrDefault(f => f.Table == t))
                        .ToList();
                    if (tables.Count > 0)
                    {
                        what.Add("table contents differ: " + string.Join(", ", tables));
                    }

                    problems.Add("expected the same result, but " + string.Join("; ", what));
                }
                else if (!expectSame && same)
                {
                    problems.Add("expected the bad variant to give a different (wrong) result, but both variants agree");
                }

                // A correctness scenario (the bad variant gives a different, wrong answer) needs no cost improvement.
                if (improves == ProofMetric.None && scenario.ExpectSameResult && !scenario.Retired)
                {
                    problems.Add("the scenario declares no improvement (Improves is None)");
                }

                Check(ProofMetric.RoundTrips, "round trips", bad.RoundTrips, fixedRun.RoundTrips);
                Check(ProofMetric.RowsRead, "rows read", bad.RowsRead, fixedRun.RowsRead);
                Check(ProofMetric.ValuesRead, "values read", bad.ValuesRead, fixedRun.ValuesRead);
                Check(ProofMetric.Allocations, "allocated bytes", bad.AllocatedBytes, fixedRun.AllocatedBytes);
                Check(ProofMetric.PeakMemory, "peak heap bytes", bad.PeakHeapBytes, fixedRun.PeakHeapBytes);
                Check(ProofMetric.Time, "time (ms)", (long)Math.Ceiling(bad.Milliseconds), (long)Math.Floor(fixedRun.Milliseconds));
                if (improves.HasFlag(ProofMetric.Latency))
                {
                    if (bad.P95Milliseconds is not { } badP95 || fixedRun.P95Milliseconds is not { } fixedP95)
                    {
                        problems.Add("the scenario declares Latency but reported no request latencies (ProofDb.ReportRequests)");
                    }
                    else if (fixedP95 * 2 > badP95)
                    {
                        problems.Add($"p95 latency not halved: {badP95:N0} ms -> {fixedP95:N0} ms");
                    }
                }
            }

            return new ProofResult(
                scenario.RuleId,
                scenario.Title,
                scenario.GetType().Name,
                provider,
                improves,
                expectSame,
                bad,
                fixedRun,
                same,
                problems,
                scenario.Retired)
            {
                // Round trips are this rule's win elsewhere (Improves) but not on this provider (ImprovesOn): EF Core's
                // SQLite provider does not batch, it sends one command per saved row either way.
                ProviderDoesNotBatch = scenario.Improves.HasFlag(ProofMetric.RoundTrips) && !improves.HasFlag(ProofMetric.RoundTrips),
                Note = scenario.NoteOn(provider),
                ShowResults = scenario.ShowResults,
            };

            void Check(ProofMetric metric, string name, long badValue, long fixedValue)
            {
                if (improves.HasFlag(metric) && fixedValue >= badValue)
                {
                    problems.Add($"{name} not reduced: {badValue:N0} -> {fixedValue:N0}");
                }
            }
        }

        private static async Task<ProofMeasurement> MeasureAsync(ProofDatabase database, ProofScenario scenario, bool bad, bool warmUp, CancellationToken ct)
        {
            if (warmUp)
            {
                var warm = await RunOnceAsync(database, scenario, bad, ct);
                if (warm.Failed)
                {
                    return warm;
                }
            }

            var runs = new List<ProofMeasurement>();
            for (var i = 0; i < Math.Max(1, scenario.Repetitions); i++)
            {
                var run = await RunOnceAsync(database, scenario, bad, ct);
                if (run.Failed)
                {
                    return run;
                }

                runs.Add(run);
            }

            return runs[0] with
            {
                Milliseconds = Median(runs.Select(r => r.Milliseconds)),
                AllocatedBytes = (long)Median(runs.Select(r => (double)r.AllocatedBytes)),
                PeakHeapBytes = (long)Median(runs.Select(r => (double)r.PeakHeapBytes)),
                PeakRetainedBytes = (long)Median(runs.Select(r => (double)r.PeakRetainedBytes)),
                P95Milliseconds = runs.All(r => r.P95Milliseconds is not null) ? Median(runs.Select(r => r.P95Milliseconds!.Value)) : null,
                RequestsPerSecond = runs.All(r => r.RequestsPerSecond is not null) ? Median(runs.Select(r => r.RequestsPerSecond!.Value)) : null,
            };
        }

        private static async Task<ProofMeasurement> RunOnceAsync(ProofDatabase database, ProofScenario scenario, bool bad, CancellationToken ct)
        {
            await using var fresh = await database.CreateFreshAsync(ct);
            var db = new ProofDb(database, fresh.ConnectionString);
            var meter = new ProofMeter();
            object? result;
            var stopwatch = new Stopwatch();
            long allocatedBefore = 0, allocatedAfter = 0, peakHeap = 0, peakRetained = 0;
            try
            {
                // The peak heap is measured from a collected heap, so the previous run's garbage does not count.
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                using var heap = HeapSampler.Start();
                allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
                stopwatch.Start();
                result = await MeteredAsync(meter, () => bad ? scenario.RunBadAsync(db, ct) : scenario.RunFixedAsync(db, ct));
                stopwatch.Stop();
                allocatedAfter = GC.GetTotalAllocatedBytes(precise: true);
                peakHeap = heap.Stop();
                peakRetained = heap.PeakRetained;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                return Failure(meter, ex);
            }

            string json;
            IReadOnlyList<TableSnapshot> tables;
            try
            {
                json = CanonicalJson(result);
                await using var plain = db.CreatePlainContext();
                tables = await DatabaseSnapshot.TakeAsync(plain, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                return Failure(meter, ex);
            }

            return new ProofMeasurement(
                meter.Commands,
                meter.RowsRead,
                meter.ValuesRead,
                stopwatch.Elapsed.TotalMilliseconds,
                allocatedAfter - allocatedBefore,
                json,
                tables,
                Error: null)
            {
                P95Milliseconds = db.P95Milliseconds,
                RequestsPerSecond = db.RequestsPerSecond,
                PeakHeapBytes = peakHeap,
                PeakRetainedBytes = peakRetained,
            };
        }

        private static ProofMeasurement Failure(ProofMeter meter, Exception ex) =>
            new(meter.Commands, meter.RowsRead, meter.ValuesRead, 0, 0, "", Array.Empty<TableSnapshot>(), Describe(ex));

        private static string Describe(Exception ex)
        {
            var text = $"{ex.GetType().Name}: {ex.Message}";
            for (var inner = ex.InnerException; inner is not null; inner = inner.InnerException)
            {
                text += $" ---> {inner.GetType().Name}: {inner.Message}";
            }

            return text;
        }

        /// <summary>Runs the variant with <paramref name="meter"/> as the current meter of its async flow (and only of it).</summary>
        private static async Task<object?> MeteredAsync(ProofMeter meter, Func<Task<object?>> run)
        {
            ProofCommandInterceptor.Current = meter;
            return await run();
        }

        /// <summary>The result as JSON with object members sorted by name, so equal results give equal text.</summary>
        internal static string CanonicalJson(object? result)
        {
            var node = result is null ? null : JsonSerializer.SerializeToNode(result, result.GetType(), ResultJsonOptions);
            return Canonicalize(node)?.ToJsonString() ?? "null";
        }

        private static JsonNode? Canonicalize(JsonNode? node) => node switch
        {
            JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => KeyValuePair.Create(p.Key, Canonicalize(p.Value)))),
            JsonArray array => new JsonArray(array.Select(Canonicalize).ToArray()),
            JsonValue value => JsonNode.Parse(value.ToJsonString()),
            _ => null,
        };

        private static double Median(IEnumerable<double> values)
        {
            var sorted = values.OrderBy(v => v).ToList();
            return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
        }
    }
}
