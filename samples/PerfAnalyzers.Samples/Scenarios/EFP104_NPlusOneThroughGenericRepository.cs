using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using PerfAnalyzers.Samples.Model;
using PerfAnalyzers.Samples.Proof;

namespace PerfAnalyzers.Samples.Scenarios
{
    /// <summary>The generic repository most layered applications write: one base class, one interface per entity.</summary>
    public interface IRepository<T, TId>
        where T : class
    {
        Task<T?> GetByIdAsync(TId id, CancellationToken ct);

        /// <summary>The batch form: every entity whose key is in <paramref name="ids"/>, in one query.</summary>
        Task<List<T>> GetByIdsAsync(IReadOnlyCollection<TId> ids, CancellationToken ct);
    }

    public abstract class Repository<T, TId> : IRepository<T, TId>
        where T : class
    {
        protected Repository(SampleDbContext context) => Context = context;

        protected SampleDbContext Context { get; }

        public virtual async Task<T?> GetByIdAsync(TId id, CancellationToken ct)
            => await Context.Set<T>().FindAsync(new object?[] { id }, ct);

        public virtual Task<List<T>> GetByIdsAsync(IReadOnlyCollection<TId> ids, CancellationToken ct)
            => Context.Set<T>().Where(e => ids.Contains(EF.Property<TId>(e, "Id"))).ToListAsync(ct);
    }

    public interface IBlogRepository : IRepository<Blog, int>
    {
    }

    public sealed class BlogRepository : Repository<Blog, int>, IBlogRepository
    {
        public BlogRepository(SampleDbContext context)
            : base(context)
        {
        }
    }

    public interface IPostRepository : IRepository<Post, int>
    {
    }

    /// <summary>A second repository with its own GetByIdAsync: IRepository&lt;T, TId&gt;.GetByIdAsync alone has two bodies.</summary>
    public sealed class PostRepository : Repository<Post, int>, IPostRepository
    {
        public PostRepository(SampleDbContext context)
            : base(context)
        {
        }

        public override Task<Post?> GetByIdAsync(int id, CancellationToken ct)
            => Context.Posts.Include(p => p.Comments).FirstOrDefaultAsync(p => p.Id == id, ct);
    }

    /// <summary>EFP104 through a generic repository base: the call resolves through the receiver's interface (IBlogRepository).</summary>
    public sealed class EFP104_NPlusOneThroughGenericRepository : ProofScenario
    {
        public override string RuleId => "EFP104";

        public override string Title => "1,000 blogs by id via a generic repository";

        public override async Task<object?> RunBadAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            IBlogRepository blogs = new BlogRepository(context);
            var ids = await context.Blogs.AsNoTracking().OrderBy(b => b.Id).Take(1_000).Select(b => b.Id).ToListAsync(ct);
            var names = new List<string>();
            foreach (var id in ids)
            {
                var blog = await blogs.GetByIdAsync(id, ct); // EFP104: Repository<Blog, int>.GetByIdAsync -> FindAsync
                names.Add(blog?.Name ?? "");
            }

            return names;
        }

        public override async Task<object?> RunFixedAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            IBlogRepository blogs = new BlogRepository(context);
            var ids = await context.Blogs.AsNoTracking().OrderBy(b => b.Id).Take(1_000).Select(b => b.Id).ToListAsync(ct);
            var byId = (await blogs.GetByIdsAsync(ids, ct)).ToDictionary(b => b.Id);
            var names = new List<string>();
            foreach (var id in ids)
            {
                names.Add(byId.TryGetValue(id, out var blog) ? blog.Name : "");
            }

            return names;
        }
    }
}
