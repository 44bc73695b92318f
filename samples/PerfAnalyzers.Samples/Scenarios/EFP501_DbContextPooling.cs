using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PerfAnalyzers.Samples.Model;
using PerfAnalyzers.Samples.Proof;

namespace PerfAnalyzers.Samples.Scenarios
{
    /// <summary>
    /// EFP501: 2,000 "requests" (a DI scope each, resolving the context and running one key lookup), with the context
    /// registered by AddDbContext (a new context per scope) vs. AddDbContextPool (EF Core's real DbContextPool).
    /// </summary>
    public sealed class EFP501_DbContextPooling : ProofScenario
    {
        private const int Requests = 2_000;

        public override string RuleId => "EFP501";

        public override string Title => "2,000 requests, one key lookup each";

        public override int Repetitions => 3;

        // The same SQL runs either way; what pooling saves is building a context (and its internal services) per scope.
        public override ProofMetric Improves => ProofMetric.Allocations;

        public override async Task<object?> RunBadAsync(ProofDb db, CancellationToken ct)
        {
            var services = new ServiceCollection();
            services.AddDbContext<SampleDbContext>(options => db.Configure(options));
            await using var provider = services.BuildServiceProvider();
            return await ServeAsync(provider, ct);
        }

        public override async Task<object?> RunFixedAsync(ProofDb db, CancellationToken ct)
        {
            var services = new ServiceCollection();
            services.AddDbContextPool<SampleDbContext>(options => db.Configure(options));
            await using var provider = services.BuildServiceProvider();
            return await ServeAsync(provider, ct);
        }

        private static async Task<object?> ServeAsync(ServiceProvider provider, CancellationToken ct)
        {
            long ratings = 0;

            // Each iteration stands for one separate web request (its own scope and context), not an N+1 loop.
#pragma warning disable EFP101
            for (var i = 0; i < Requests; i++)
            {
                await using var scope = provider.CreateAsyncScope();
                var context = scope.ServiceProvider.GetRequiredService<SampleDbContext>();
                var blogId = (i % 1_000) + 1;
                ratings += await context.Blogs.Where(b => b.Id == blogId).Select(b => b.Rating).FirstAsync(ct);
            }
#pragma warning restore EFP101

            return new { Requests, RatingSum = ratings };
        }
    }
}
