using Microsoft.EntityFrameworkCore;

namespace PerfAnalyzers.Samples.Model
{
    /// <summary>The model both sample contexts share (the same tables, keys and relationships).</summary>
    internal static class SampleModel
    {
        public static void Configure(ModelBuilder modelBuilder)
        {
            modelBuilder.Entity<Author>(author =>
            {
                author.Property(a => a.Name).HasMaxLength(200);
                author.Property(a => a.Email).HasMaxLength(200);
            });

            modelBuilder.Entity<Blog>(blog =>
            {
                blog.Property(b => b.Name).HasMaxLength(200);
                blog.Property(b => b.Url).HasMaxLength(400);
                blog.HasIndex(b => b.Rating);
                blog.HasOne(b => b.Author).WithMany().HasForeignKey(b => b.AuthorId).OnDelete(DeleteBehavior.SetNull);
                blog.HasMany(b => b.Tags).WithMany(t => t.Blogs).UsingEntity("BlogTag");
            });

            modelBuilder.Entity<Post>(post =>
            {
                post.Property(p => p.Title).HasMaxLength(300);
                post.HasOne(p => p.Blog).WithMany(b => b.Posts).HasForeignKey(p => p.BlogId).OnDelete(DeleteBehavior.Cascade);
                post.HasOne(p => p.Author).WithMany(a => a.Posts).HasForeignKey(p => p.AuthorId).OnDelete(DeleteBehavior.SetNull);
            });

            modelBuilder.Entity<Comment>(comment =>
            {
                comment.HasOne(c => c.Post).WithMany(p => p.Comments).HasForeignKey(c => c.PostId).OnDelete(DeleteBehavior.Cascade);
            });

            modelBuilder.Entity<Tag>(tag => tag.Property(t => t.Label).HasMaxLength(100));

            modelBuilder.Entity<Subscriber>(subscriber =>
            {
                subscriber.Property(s => s.Email).HasMaxLength(200);
                subscriber.HasIndex(s => s.Email);
            });

            // No index on VisitorKey: EFP314's proof (the fixed variant's model adds one).
            modelBuilder.Entity<PageView>(view =>
            {
                view.Property(v => v.VisitorKey).HasMaxLength(40);
                view.HasOne(v => v.Post).WithMany().HasForeignKey(v => v.PostId).OnDelete(DeleteBehavior.Cascade);
            });
        }
    }
}
