using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using PerfAnalyzers.Samples.Model;
using PerfAnalyzers.Samples.Proof;

namespace PerfAnalyzers.Samples.Scenarios
{
    /// <summary>EFP201, inserts: a welcome post for each of the 904 active blogs, saved one by one vs. once after the loop.</summary>
    public sealed class EFP201_SaveChangesInLoop : ProofScenario
    {
        private static readonly DateTime LaunchDay = new(2025, 1, 6, 9, 0, 0, DateTimeKind.Utc);

        public override string RuleId => "EFP201";

        public override string Title => "Add a welcome post to 904 active blogs";

        // EF Core's SQLite provider sends one INSERT per row even from a single SaveChanges, so on SQLite the win is the
        // per-call overhead (change detection over the growing change tracker, a statement transaction per call);
        // providers that batch (PostgreSQL, SQL Server) also cut the round trips to a handful.
        public override ProofMetric ImprovesOn(string provider) =>
            provider == "SQLite" ? ProofMetric.Allocations : ProofMetric.RoundTrips | ProofMetric.Allocations;

        public override async Task<object?> RunBadAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            var blogs = await context.Blogs
                .Where(b => !b.IsArchived)
                .OrderBy(b => b.Id)
                .Select(b => new { b.Id, b.Name, b.AuthorId })
                .ToListAsync(ct);

            foreach (var blog in blogs)
            {
                context.Posts.Add(new Post
                {
                    BlogId = blog.Id,
                    AuthorId = blog.AuthorId,
                    Title = $"Welcome to {blog.Name}",
                    Content = $"{blog.Name} moved to the new platform. Comments are open.",
                    IsPublished = true,
                    PublishedAt = LaunchDay,
                });
                await context.SaveChangesAsync(ct);
            }

            return await SummarizeAsync(context, ct);
        }

        // The EFP201 fix moves the save after the loop; the loop then only builds and adds entities, which EFP202
        // (Info) turns into one AddRange. The fixed variant is the code after both fixes, so it raises nothing.
        public override async Task<object?> RunFixedAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            var blogs = await context.Blogs
                .Where(b => !b.IsArchived)
                .OrderBy(b => b.Id)
                .Select(b => new { b.Id, b.Name, b.AuthorId })
                .ToListAsync(ct);

            context.Posts.AddRange(blogs.Select(blog => new Post
            {
                BlogId = blog.Id,
                AuthorId = blog.AuthorId,
                Title = $"Welcome to {blog.Name}",
                Content = $"{blog.Name} moved to the new platform. Comments are open.",
                IsPublished = true,
                PublishedAt = LaunchDay,
            }));
            await context.SaveChangesAsync(ct);

            return await SummarizeAsync(context, ct);
        }

        private static async Task<object?> SummarizeAsync(SampleDbContext context, CancellationToken ct) => new
        {
            WelcomePosts = await context.Posts.CountAsync(p => p.PublishedAt == LaunchDay, ct),
            Posts = await context.Posts.CountAsync(ct),
        };
    }

    /// <summary>EFP201, updates: publish the 1,000 oldest drafts, saved one by one vs. once after the loop.</summary>
    public sealed class EFP201_SaveChangesInLoop_Updates : ProofScenario
    {
        private static readonly DateTime ReleaseDay = new(2025, 2, 3, 8, 30, 0, DateTimeKind.Utc);

        public override string RuleId => "EFP201";

        public override string Title => "Publish 1,000 drafts";

        // See EFP201_SaveChangesInLoop: SQLite gets one UPDATE per row either way.
        public override ProofMetric ImprovesOn(string provider) =>
            provider == "SQLite" ? ProofMetric.Allocations : ProofMetric.RoundTrips | ProofMetric.Allocations;

        public override async Task<object?> RunBadAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            var drafts = await context.Posts
                .Where(p => !p.IsPublished)
                .OrderBy(p => p.Id)
                .Take(1_000)
                .ToListAsync(ct);

            foreach (var draft in drafts)
            {
                draft.IsPublished = true;
                draft.PublishedAt = ReleaseDay;
                await context.SaveChangesAsync(ct);
            }

            return drafts.Select(d => d.Id).ToList();
        }

        public override async Task<object?> RunFixedAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            var drafts = await context.Posts
                .Where(p => !p.IsPublished)
                .OrderBy(p => p.Id)
                .Take(1_000)
                .ToListAsync(ct);

            foreach (var draft in drafts)
            {
                draft.IsPublished = true;
                draft.PublishedAt = ReleaseDay;
            }

            await context.SaveChangesAsync(ct);

            return drafts.Select(d => d.Id).ToList();
        }
    }
}
