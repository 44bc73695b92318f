namespace PerfAnalyzers.Tests.Verifiers
{
    /// <summary>
    /// The shared EF model every rule test compiles against (added as its own document, so markup stays in the test
    /// source). Global usings keep test sources short.
    /// </summary>
    public static class EfModel
    {
        public const string FileName = "/0/Model.cs";

        public const string Prelude = """
            global using System;
            global using System.Collections.Generic;
            global using System.Linq;
            global using System.Threading;
            global using System.Threading.Tasks;
            global using Microsoft.EntityFrameworkCore;

            public class Blog
            {
                public int Id { get; set; }
                public string Name { get; set; } = "";
                public string Url { get; set; } = "";
                public int Rating { get; set; }
                public bool IsArchived { get; set; }
                public DateTime CreatedAt { get; set; }
                public int? AuthorId { get; set; }
                public Author Author { get; set; }
                public List<Post> Posts { get; set; } = new();
                public List<Tag> Tags { get; set; } = new();
            }

            public class Post
            {
                public int Id { get; set; }
                public string Title { get; set; } = "";
                public string Content { get; set; } = "";
                public int Views { get; set; }
                public bool IsPublished { get; set; }
                public DateTime PublishedAt { get; set; }
                public int BlogId { get; set; }
                public Blog Blog { get; set; }
                public int? AuthorId { get; set; }
                public Author Author { get; set; }
                public List<Comment> Comments { get; set; } = new();
            }

            public class Author
            {
                public int Id { get; set; }
                public string Name { get; set; } = "";
                public string Email { get; set; } = "";
                public List<Post> Posts { get; set; } = new();
            }

            public class Comment
            {
                public int Id { get; set; }
                public string Text { get; set; } = "";
                public int PostId { get; set; }
                public Post Post { get; set; }
            }

            public class Tag
            {
                public int Id { get; set; }
                public string Label { get; set; } = "";
                public List<Blog> Blogs { get; set; } = new();
            }

            public class BlogContext : DbContext
            {
                public BlogContext() { }
                public BlogContext(DbContextOptions<BlogContext> options) : base(options) { }

                public DbSet<Blog> Blogs => Set<Blog>();
                public DbSet<Post> Posts { get; set; }
                public DbSet<Author> Authors { get; set; }
                public DbSet<Comment> Comments { get; set; }
                public DbSet<Tag> Tags { get; set; }
            }
            """;
    }
}
