using Microsoft.EntityFrameworkCore;

namespace PerfAnalyzers.Samples.Model
{
    /// <summary>The sample's ordinary context: no lazy loading, navigations load only when the query asks for them.</summary>
    public class SampleDbContext : DbContext
    {
        public SampleDbContext(DbContextOptions<SampleDbContext> options)
            : base(options)
        {
        }

        public DbSet<Blog> Blogs => Set<Blog>();

        public DbSet<Post> Posts => Set<Post>();

        public DbSet<Author> Authors => Set<Author>();

        public DbSet<Comment> Comments => Set<Comment>();

        public DbSet<Tag> Tags => Set<Tag>();

        public DbSet<Subscriber> Subscribers => Set<Subscriber>();

        public DbSet<PageView> PageViews => Set<PageView>();

        protected override void OnModelCreating(ModelBuilder modelBuilder) => SampleModel.Configure(modelBuilder);
    }
}
