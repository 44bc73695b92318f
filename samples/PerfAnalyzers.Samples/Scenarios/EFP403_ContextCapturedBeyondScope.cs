using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using PerfAnalyzers.Samples.Proof;

namespace PerfAnalyzers.Samples.Scenarios
{
    /// <summary>
    /// EFP403: a "request" that moves slow work off the request with <c>_ = Task.Run(..)</c> and lets that work use the
    /// request's context, vs. the background work creating its own context (what <c>IDbContextFactory&lt;T&gt;</c> or a new
    /// DI scope gives it). The request ends first (the background work waits for it, so the order is the same on every
    /// run and provider), its context is disposed, and the captured context throws.
    /// </summary>
    public sealed class EFP403_ContextCapturedBeyondScope : ProofScenario
    {
        public override string RuleId => "EFP403";

        public override string Title => "Post count moved off the request with Task.Run";

        public override string? ExpectedBadFailure => "Cannot access a disposed context instance";

        public override ProofMetric Improves => ProofMetric.None;

        public override async Task<object?> RunBadAsync(ProofDb db, CancellationToken ct)
        {
            var requestEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var outcome = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);

            async Task HandleRequestAsync()
            {
                await using var context = db.CreateContext();
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await requestEnded.Task;
                        outcome.SetResult(await context.Posts.CountAsync(ct));
                    }
                    catch (Exception ex)
                    {
                        outcome.SetException(ex);
                    }
                });
            }

            await HandleRequestAsync();
            requestEnded.SetResult();
            return await outcome.Task;
        }

        public override async Task<object?> RunFixedAsync(ProofDb db, CancellationToken ct)
        {
            var requestEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var outcome = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);

            // The request's own work would use its own context; the background work does not touch it.
            async Task HandleRequestAsync()
            {
                await Task.Yield();
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await requestEnded.Task;
                        await using var own = db.CreateContext();
                        outcome.SetResult(await own.Posts.CountAsync(ct));
                    }
                    catch (Exception ex)
                    {
                        outcome.SetException(ex);
                    }
                });
            }

            await HandleRequestAsync();
            requestEnded.SetResult();
            return await outcome.Task;
        }
    }
}
