using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using PerfAnalyzers.Samples.Proof;

// Both variants read only a few members of the entities they load: EFP305 (projection) is not what this scenario shows.
#pragma warning disable EFP305
namespace PerfAnalyzers.Samples.Scenarios
{
    /// <summary>EFP101, batch fix: the posts of each of 1,000 blogs, one query per blog vs. one query for all keys + ToLookup.</summary>
    public sealed class EFP101_QueryInLoop : ProofScenario
    {
        public override string RuleId => "EFP101";

        public override string Title => "Posts of 1,000 blogs (batch by key)";

        public override async Task<object?> RunBadAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            var blogs = await context.Blogs.AsNoTracking().OrderBy(b => b.Id).Take(1_000).ToListAsync(ct);
            var result = new List<object>();
            foreach (var blog in blogs)
            {
                var posts = await context.Posts.AsNoTracking().Where(p => p.BlogId == blog.Id).OrderBy(p => p.Id).ToListAsync(ct);
                result.Add(new { blog.Id, blog.Name, Posts = posts.Select(p => p.Title).ToList() });
            }

            return result;
        }

        public override async Task<object?> RunFixedAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            var blogs = await context.Blogs.AsNoTracking().OrderBy(b => b.Id).Take(1_000).ToListAsync(ct);
            var result = new List<object>();

            // Exactly what the EFP101 fix writes.
            var blogIds = blogs.Select(blog => blog.Id).ToList();
            var postsByBlogId = (await context.Posts.AsNoTracking().Where(p => blogIds.Contains(p.BlogId)).OrderBy(p => p.Id).ToListAsync(ct)).ToLookup(p => p.BlogId);
            foreach (var blog in blogs)
            {
                var posts = postsByBlogId[blog.Id].ToList();
                result.Add(new { blog.Id, blog.Name, Posts = posts.Select(p => p.Title).ToList() });
            }

            return result;
        }
    }

    /// <summary>EFP101, Include fix: the loop iterates the blogs query itself, so the fix includes Blog.Posts there.</summary>
    public sealed class EFP101_QueryInLoop_Include : ProofScenario
    {
        public override string RuleId => "EFP101";

        public override string Title => "Post counts of 1,000 blogs (Include)";

        public override Task<object?> RunBadAsync(ProofDb db, CancellationToken ct)
        {
            using var context = db.CreateContext();
            var result = new List<object>();
            foreach (var blog in context.Blogs.OrderBy(b => b.Id).Take(1_000).ToList())
            {
                var posts = context.Posts.Where(p => p.BlogId == blog.Id).ToList();
                result.Add(new { blog.Id, Posts = posts.Count, Views = posts.Sum(p => p.Views) });
            }

            return Task.FromResult<object?>(result);
        }

        public override Task<object?> RunFixedAsync(ProofDb db, CancellationToken ct)
        {
            using var context = db.CreateContext();
            var result = new List<object>();
            foreach (var blog in context.Blogs.Include(b => b.Posts).OrderBy(b => b.Id).Take(1_000).ToList())
            {
                var posts = blog.Posts.ToList();
                result.Add(new { blog.Id, Posts = posts.Count, Views = posts.Sum(p => p.Views) });
            }

            return Task.FromResult<object?>(result);
        }
    }
}
