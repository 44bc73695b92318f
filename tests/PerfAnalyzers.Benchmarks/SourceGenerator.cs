using System.Text;

namespace PerfAnalyzers.Benchmarks
{
    /// <summary>
    /// Generates a large EF Core-heavy C# file: a model, a context, and N service methods that mix loops, queries
    /// (direct, through IQueryable locals with conditional reassignment, through helper methods), Include, Find, saves,
    /// retry loops, batch saves and per-element lambdas — the shapes the EF Core semantic layer has to follow — plus a
    /// read-only report per method (tracking reads, LINQ to Objects after a materialization).
    /// </summary>
    internal static class SourceGenerator
    {
        private const string Usings = """
            using System;
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;

            """;

        private const string Model = """
            using Microsoft.EntityFrameworkCore;

            namespace Bench
            {
                public class Blog
                {
                    public int Id { get; set; }
                    public string Name { get; set; } = "";
                    public int Rating { get; set; }
                    public bool IsArchived { get; set; }
                    public int? AuthorId { get; set; }
                    public virtual Author? Author { get; set; }
                    public virtual List<Post> Posts { get; set; } = new();
                }

                public class Post
                {
                    public int Id { get; set; }
                    public string Title { get; set; } = "";
                    public int Views { get; set; }
                    public bool IsPublished { get; set; }
                    public int BlogId { get; set; }
                    public virtual Blog Blog { get; set; } = null!;
                    public virtual List<Comment> Comments { get; set; } = new();
                }

                public class Comment
                {
                    public int Id { get; set; }
                    public string Text { get; set; } = "";
                    public int PostId { get; set; }
                    public virtual Post Post { get; set; } = null!;
                }

                public class Author
                {
                    public int Id { get; set; }
                    public string Name { get; set; } = "";
                    public virtual List<Blog> Blogs { get; set; } = new();
                }

                public class BlogContext : DbContext
                {
                    public DbSet<Blog> Blogs => Set<Blog>();
                    public DbSet<Post> Posts => Set<Post>();
                    public DbSet<Comment> Comments => Set<Comment>();
                    public DbSet<Author> Authors => Set<Author>();
                }
            }

            """;

        public static string Generate(int methods)
        {
            var sb = new StringBuilder(Usings).Append(Model);
            sb.AppendLine("namespace Bench.Services");
            sb.AppendLine("{");
            sb.AppendLine("    public class BlogService");
            sb.AppendLine("    {");
            for (var k = 0; k < 10; k++)
            {
                sb.AppendLine($$"""
                            private IQueryable<Blog> Active{{k}}(BlogContext db) => db.Blogs.Where(b => !b.IsArchived && b.Rating > {{k}});
                            private IQueryable<Post> Published{{k}}(BlogContext db, int blogId) => db.Posts.Where(p => p.BlogId == blogId && p.IsPublished && p.Views > {{k}});
                    """);
            }

            for (var i = 0; i < methods; i++)
            {
                sb.AppendLine($$"""
                            public async Task<int> Process{{i}}(BlogContext db, List<int> ids, bool onlyPublished, CancellationToken ct)
                            {
                                var total = 0;
                                foreach (var id in ids)
                                {
                                    var blog = await db.Blogs.Include(b => b.Posts).Where(b => b.Id == id && b.Rating > {{i % 5}}).FirstOrDefaultAsync(ct);
                                    if (blog is null) continue;
                                    total += blog.Posts.Count(p => p.Views > {{i}});
                                    blog.Rating++;
                                    await db.SaveChangesAsync(ct);
                                }

                                IQueryable<Post> query = db.Posts;
                                if (onlyPublished) query = query.Where(p => p.IsPublished);
                                if (ids.Count > {{i % 7}}) query = query.Where(p => p.BlogId == ids[0]);
                                var posts = query.OrderBy(p => p.Id).Take(50).ToList();
                                for (var i = 0; i < posts.Count; i++)
                                {
                                    total += db.Comments.Count(c => c.PostId == posts[i].Id);
                                    total += Published{{i % 10}}(db, posts[i].BlogId).Count();
                                }

                                var names = Active{{i % 10}}(db).Select(b => new { b.Id, b.Name, PostCount = b.Posts.Count() }).ToList();
                                var authors = names.Select(x => db.Authors.Find(x.Id)).Where(a => a != null).ToList();
                                while (true)
                                {
                                    try { await db.SaveChangesAsync(ct); break; }
                                    catch (DbUpdateConcurrencyException) { }
                                }

                                var n = 0;
                                foreach (var post in posts)
                                {
                                    post.Views += {{i}};
                                    if (++n % 100 == 0) db.SaveChanges();
                                }

                                return total + authors.Count + await db.Blogs.CountAsync(b => b.AuthorId == {{i}}, ct);
                            }

                            public async Task<int> Report{{i}}(BlogContext db, int blogId, CancellationToken ct)
                            {
                                var posts = await db.Posts.Where(p => p.BlogId == blogId).ToListAsync(ct);
                                var published = (await db.Posts.ToListAsync(ct)).Count(p => p.IsPublished && p.Views > {{i}});
                                var top = posts.Where(p => p.Views > {{i}}).OrderBy(p => p.Id).Take(5).Select(p => p.Title).ToList();
                                return published + top.Count + posts.Count;
                            }
                    """);
            }

            sb.AppendLine("    }");
            sb.AppendLine("}");
            return sb.ToString();
        }

        /// <summary>
        /// One async method with <paramref name="groups"/> sequential groups of EF Core work (about ten round trips each:
        /// Include chains, sync calls, a query in a loop, navigation access, Add, saves, paging): the size of the method
        /// grows, the size of each statement does not.
        /// </summary>
        public static string GenerateHugeMethod(int groups)
        {
            var sb = new StringBuilder(Usings).Append(Model);
            sb.AppendLine("namespace Bench.Services");
            sb.AppendLine("{");
            sb.AppendLine("    public class HugeService");
            sb.AppendLine("    {");
            sb.AppendLine("        public async Task<int> Huge(BlogContext db, List<int> ids, CancellationToken ct)");
            sb.AppendLine("        {");
            sb.AppendLine("            var total = 0;");
            for (var k = 0; k < groups; k++)
            {
                sb.AppendLine($$"""
                                var blog{{k}} = await db.Blogs.Include(b => b.Posts).ThenInclude(p => p.Comments).Include(b => b.Author).FirstOrDefaultAsync(b => b.Id == {{k}}, ct);
                                var posts{{k}} = db.Posts.Where(p => p.BlogId == {{k}}).ToList();
                                total += posts{{k}}.Count + (blog{{k}}?.Rating ?? 0);
                                if (db.Comments.Count(c => c.PostId == {{k}}) > 0) total++;
                                foreach (var id in ids) total += await db.Posts.CountAsync(p => p.Id == id + {{k}}, ct);
                                foreach (var post in posts{{k}}) total += post.Comments.Count;
                                if (blog{{k}} is not null) { blog{{k}}.Rating++; db.Add(new Post { BlogId = blog{{k}}.Id }); }
                                await db.SaveChangesAsync(ct);
                                db.SaveChanges();
                                var top{{k}} = await db.Posts.OrderBy(p => p.Id).Skip({{k}}).Take(10).AsNoTracking().Select(p => p.Title).ToListAsync(ct);
                                total += top{{k}}.Count + db.Authors.Find({{k}})!.Blogs.Count;
                    """);
            }

            sb.AppendLine("            return total;");
            sb.AppendLine("        }");
            sb.AppendLine("    }");
            sb.AppendLine("}");
            return sb.ToString();
        }

        /// <summary>
        /// One LINQ chain of <paramref name="operators"/> operators over a DbSet (Where, Include, Any in a lambda, in turn),
        /// ending in a projection; once materialized synchronously and once with ToListAsync in an async method.
        /// </summary>
        public static string GenerateLongChain(int operators)
        {
            var sb = new StringBuilder(Usings).Append(Model);
            sb.AppendLine("namespace Bench.Services");
            sb.AppendLine("{");
            sb.AppendLine("    public class ChainService");
            sb.AppendLine("    {");
            foreach (var isAsync in new[] { false, true })
            {
                sb.AppendLine(isAsync
                    ? "        public async Task<List<string>> ChainAsync(BlogContext db, int min, CancellationToken ct)"
                    : "        public List<string> Chain(BlogContext db, int min)");
                sb.AppendLine("        {");
                sb.AppendLine(isAsync ? "            return await db.Blogs" : "            return db.Blogs");
                sb.AppendLine("                .Include(b => b.Posts)");
                for (var k = 0; k < operators; k++)
                {
                    sb.AppendLine((k % 4) switch
                    {
                        0 => $"                .Where(b => b.Rating > min + {k})",
                        1 => $"                .Where(b => b.Name != \"{k}\")",
                        2 => "                .Include(b => b.Author)",
                        _ => $"                .Where(b => b.Posts.Any(p => p.Views > {k}))",
                    });
                }

                sb.AppendLine("                .OrderBy(b => b.Id)");
                sb.AppendLine("                .Select(b => b.Name)");
                sb.AppendLine(isAsync ? "                .ToListAsync(ct);" : "                .ToList();");
                sb.AppendLine("        }");
            }

            sb.AppendLine("    }");
            sb.AppendLine("}");
            return sb.ToString();
        }

        /// <summary>The same volume of loops and LINQ, over in-memory lists only: nothing for an EF rule to do.</summary>
        public static string GenerateWithoutEf(int methods)
        {
            var sb = new StringBuilder(Usings);
            sb.AppendLine("namespace Bench.NoEf");
            sb.AppendLine("{");
            sb.AppendLine("    public record Item(int Id, string Name, int Rating);");
            sb.AppendLine("    public class Store { public List<Item> Items { get; } = new(); public int Save() => Items.Count; }");
            sb.AppendLine("    public class ItemService");
            sb.AppendLine("    {");
            for (var i = 0; i < methods; i++)
            {
                sb.AppendLine($$"""
                            public int Process{{i}}(Store store, List<int> ids)
                            {
                                var total = 0;
                                foreach (var id in ids)
                                {
                                    var item = store.Items.Where(x => x.Id == id && x.Rating > {{i % 5}}).FirstOrDefault();
                                    if (item is null) continue;
                                    total += store.Items.Count(x => x.Rating > {{i}});
                                    store.Save();
                                }

                                IEnumerable<Item> query = store.Items;
                                if (ids.Count > {{i % 7}}) query = query.Where(x => x.Id == ids[0]);
                                var items = query.OrderBy(x => x.Id).Take(50).ToList();
                                for (var i = 0; i < items.Count; i++) total += store.Items.Count(x => x.Id == items[i].Id);
                                return total;
                            }

                            public int Report{{i}}(Store store, int id)
                            {
                                var items = store.Items.Where(x => x.Id == id).ToList();
                                var rated = store.Items.ToList().Count(x => x.Rating > {{i}});
                                var top = items.Where(x => x.Rating > {{i}}).OrderBy(x => x.Id).Take(5).Select(x => x.Name).ToList();
                                return rated + top.Count + items.Count;
                            }
                    """);
            }

            sb.AppendLine("    }");
            sb.AppendLine("}");
            return sb.ToString();
        }
    }
}
