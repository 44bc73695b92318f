using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using PerfAnalyzers.Samples.Model;
using PerfAnalyzers.Samples.Proof;

namespace PerfAnalyzers.Samples.Scenarios
{
    /// <summary>A repository as applications write them: one method per key, and (the fix) a batch form over many keys.</summary>
    public interface IPostReadRepository
    {
        Task<List<Post>> GetPublishedPostsAsync(int blogId, CancellationToken ct);

        Task<ILookup<int, Post>> GetPublishedPostsAsync(IReadOnlyCollection<int> blogIds, CancellationToken ct);
    }

    public sealed class PostReadRepository : IPostReadRepository
    {
        private readonly SampleDbContext _context;

        public PostReadRepository(SampleDbContext context) => _context = context;

        public Task<List<Post>> GetPublishedPostsAsync(int blogId, CancellationToken ct)
            => _context.Posts.AsNoTracking().Where(p => p.BlogId == blogId && p.IsPublished).OrderBy(p => p.Id).ToListAsync(ct);

        public async Task<ILookup<int, Post>> GetPublishedPostsAsync(IReadOnlyCollection<int> blogIds, CancellationToken ct)
            => (await _context.Posts.AsNoTracking().Where(p => blogIds.Contains(p.BlogId) && p.IsPublished).OrderBy(p => p.Id).ToListAsync(ct))
                .ToLookup(p => p.BlogId);
    }

    /// <summary>EFP104: a per-blog report that reaches the database through a helper and a repository interface.</summary>
    public sealed class EFP104_NPlusOneThroughCall : ProofScenario
    {
        public override string RuleId => "EFP104";

        public override string Title => "Published posts of 1,000 blogs via a repository";

        public override async Task<object?> RunBadAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            IPostReadRepository repository = new PostReadRepository(context);
            var blogs = await context.Blogs.AsNoTracking().OrderBy(b => b.Id).Take(1_000).Select(b => new { b.Id, b.Name }).ToListAsync(ct);
            var report = new List<object>();
            foreach (var blog in blogs)
            {
                var titles = await LoadTitlesAsync(repository, blog.Id, ct); // EFP104: LoadTitlesAsync -> PostReadRepository.GetPublishedPostsAsync -> ToListAsync
                report.Add(new { blog.Id, blog.Name, titles });
            }

            return report;
        }

        public override async Task<object?> RunFixedAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            IPostReadRepository repository = new PostReadRepository(context);
            var blogs = await context.Blogs.AsNoTracking().OrderBy(b => b.Id).Take(1_000).Select(b => new { b.Id, b.Name }).ToListAsync(ct);
            var postsByBlog = await repository.GetPublishedPostsAsync(blogs.Select(b => b.Id).ToList(), ct);
            var report = new List<object>();
            foreach (var blog in blogs)
            {
                var titles = postsByBlog[blog.Id].Select(p => p.Title).ToList();
                report.Add(new { blog.Id, blog.Name, titles });
            }

            return report;
        }

        private static async Task<List<string>> LoadTitlesAsync(IPostReadRepository repository, int blogId, CancellationToken ct)
            => (await repository.GetPublishedPostsAsync(blogId, ct)).Select(p => p.Title).ToList();
    }
}
