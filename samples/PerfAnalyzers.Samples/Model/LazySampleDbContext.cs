using Microsoft.EntityFrameworkCore;

namespace PerfAnalyzers.Samples.Model
{
    /// <summary>
    /// The same model as <see cref="SampleDbContext"/> with lazy-loading proxies switched on: touching an unloaded
    /// navigation runs a query.
    /// </summary>
    public class LazySampleDbContext : DbContext
    {
        public LazySampleDbContext(DbContextOptions<LazySampleDbContext> options)
            : base(options)
        {
        }

        public DbSet<Blog> Blogs => Set<Blog>();

        public DbSet<Post> Posts => Set<Post>();

        public DbSet<Author> Authors => Set<Author>();

        public DbSet<Comment> Comments => Set<Comment>();

        public DbSet<Tag> Tags => Set<Tag>();

        protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder) => optionsBuilder.UseLazyLoadingProxies();

        protected override void OnModelCreating(ModelBuilder modelBuilder) => SampleModel.Configure(modelBuilder);
    }
}
