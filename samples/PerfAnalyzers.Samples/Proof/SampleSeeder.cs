using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using PerfAnalyzers.Samples.Model;

namespace PerfAnalyzers.Samples.Proof
{
    /// <summary>How much the seeder wrote.</summary>
    public sealed record SeedSummary(int Authors, int Tags, int Blogs, int Posts, int Comments, int BlogTags)
    {
        /// <summary>Newsletter subscribers (the large table of EFP308's proof).</summary>
        public int Subscribers { get; init; }

        /// <summary>Page views (the large table of EFP314's proof).</summary>
        public int PageViews { get; init; }

        public override string ToString() =>
            $"{Blogs:N0} blogs, {Posts:N0} posts, {Comments:N0} comments, {Authors:N0} authors, {Tags:N0} tags ({BlogTags:N0} blog tags), {Subscribers:N0} subscribers, {PageViews:N0} page views";
    }

    /// <summary>
    /// Deterministic seed data: 1,000 blogs x 10 posts, 50 authors, 0-3 comments per post, 20 tags (0-3 per blog), 100,000
    /// newsletter subscribers, 100,000 page views by 25,000 visitors. A fixed
    /// random seed and explicit keys make every database identical, whichever provider runs it.
    /// </summary>
    public static class SampleSeeder
    {
        public const int BlogCount = 1_000;
        public const int PostsPerBlog = 10;
        public const int AuthorCount = 50;
        public const int SubscriberCount = 100_000;
        public const int PageViewCount = 100_000;
        public const int VisitorCount = 25_000;
        public const int RandomSeed = 20_251_125;

        /// <summary>Every seeded date is this one plus whole minutes (UTC, as PostgreSQL's timestamptz requires).</summary>
        public static readonly DateTime Epoch = new(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        private static readonly string[] TagLabels =
        {
            "dotnet", "efcore", "sql", "postgres", "sqlite", "performance", "linq", "aspnet", "testing", "azure",
            "docker", "architecture", "security", "cloud", "devops", "csharp", "fsharp", "blazor", "maui", "ai",
        };

        private static readonly string[] Words =
        {
            "query", "index", "cache", "latency", "batch", "join", "tracking", "context", "model", "migration",
            "connection", "transaction", "projection", "include", "split", "async", "pool", "plan", "scan", "row",
        };

        /// <summary>
        /// Writes the seed into an empty database created by <c>EnsureCreated</c>. The rows are built as entities and
        /// written with multi-row INSERTs in one transaction (tables, columns and parameter types come from the EF
        /// model), which takes a fraction of a second where 45,000 tracked inserts take many.
        /// </summary>
        public static async Task<SeedSummary> SeedAsync(SampleDbContext context, CancellationToken ct)
        {
            var random = new Random(RandomSeed);
            var authors = Enumerable.Range(1, AuthorCount)
                .Select(i => new Author { Id = i, Name = $"Author {i:000}", Email = $"author{i:000}@example.com" })
                .ToList();
            var tags = TagLabels.Select((label, i) => new Tag { Id = i + 1, Label = label }).ToList();
            var blogs = new List<Blog>(BlogCount);
            var posts = new List<Post>(BlogCount * PostsPerBlog);
            var comments = new List<Comment>();
            var blogTags = new List<(Blog Blog, Tag Tag)>();

            for (var b = 1; b <= BlogCount; b++)
            {
                var blogAuthor = random.Next(10) < 8 ? authors[random.Next(AuthorCount)] : null;
                var blog = new Blog
                {
                    Id = b,
                    Name = $"Blog {b:0000}",
                    Url = $"https://blog{b:0000}.example.com",
                    Rating = random.Next(1, 6),
                    IsArchived = random.Next(10) == 0,
                    CreatedAt = Epoch.AddMinutes(random.Next(0, 365 * 24 * 60)),
                    AuthorId = blogAuthor?.Id,
                };
                blogs.Add(blog);

                foreach (var tag in tags.OrderBy(_ => random.Next()).Take(random.Next(0, 4)).OrderBy(t => t.Id))
                {
                    blogTags.Add((blog, tag));
                }

                for (var p = 1; p <= PostsPerBlog; p++)
                {
                    var postAuthor = random.Next(10) switch
                    {
                        < 6 => blogAuthor,
                        < 9 => authors[random.Next(AuthorCount)],
                        _ => null,
                    };
                    var post = new Post
                    {
                        Id = posts.Count + 1,
                        Title = $"{Capitalize(Word(random))} {Word(random)} in blog {b} #{p}",
                        Content = string.Join(" ", Enumerable.Range(0, 30 + random.Next(40)).Select(_ => Word(random))),
                        Views = random.Next(0, 10_000),
                        IsPublished = random.Next(10) < 8,
                        PublishedAt = blog.CreatedAt.AddMinutes(random.Next(1, 200 * 24 * 60)),
                        BlogId = b,
                        AuthorId = postAuthor?.Id,
                    };
                    posts.Add(post);

                    for (var c = random.Next(0, 4); c > 0; c--)
                    {
                        comments.Add(new Comment { Id = comments.Count + 1, Text = $"{Capitalize(Word(random))} {Word(random)}, {Word(random)}!", PostId = post.Id });
                    }
                }
            }

            // Subscribers: emails stored lowercased, as the sign-up code normalizes them.
            var subscribers = Enumerable.Range(1, SubscriberCount).Select(i => new Subscriber { Id = i, Email = SubscriberEmail(i) }).ToList();

            // Page views: 4 per visitor, spread over the posts and the year.
            var pageViews = Enumerable.Range(1, PageViewCount)
                .Select(i => new PageView { Id = i, PostId = 1 + (i * 7) % posts.Count, VisitorKey = VisitorKey(i % VisitorCount), CreatedAt = Epoch.AddMinutes(i * 5) })
                .ToList();

            var model = context.Model;
            var tagsNavigation = model.FindEntityType(typeof(Blog))!.FindSkipNavigation(nameof(Blog.Tags))!;
            var blogKey = tagsNavigation.ForeignKey.Properties.Single();
            var tagKey = tagsNavigation.Inverse!.ForeignKey.Properties.Single();

            var connection = context.Database.GetDbConnection();
            await context.Database.OpenConnectionAsync(ct);
            try
            {
                await using var transaction = await connection.BeginTransactionAsync(ct);
                var writer = new BulkWriter(context, transaction);
                await writer.InsertAsync(model.FindEntityType(typeof(Author))!, authors, ct);
                await writer.InsertAsync(model.FindEntityType(typeof(Tag))!, tags, ct);
                await writer.InsertAsync(model.FindEntityType(typeof(Blog))!, blogs, ct);
                await writer.InsertAsync(model.FindEntityType(typeof(Post))!, posts, ct);
                await writer.InsertAsync(model.FindEntityType(typeof(Comment))!, comments, ct);
                await writer.InsertAsync(model.FindEntityType(typeof(Subscriber))!, subscribers, ct);
                await writer.InsertAsync(model.FindEntityType(typeof(PageView))!, pageViews, ct);
                await writer.InsertAsync(
                    tagsNavigation.JoinEntityType,
                    new[] { blogKey, tagKey },
                    blogTags.Select(bt => new object?[] { bt.Blog.Id, bt.Tag.Id }),
                    ct);
                await transaction.CommitAsync(ct);
            }
            finally
            {
                await context.Database.CloseConnectionAsync();
            }

            return new SeedSummary(authors.Count, tags.Count, blogs.Count, posts.Count, comments.Count, blogTags.Count) { Subscribers = subscribers.Count, PageViews = pageViews.Count };
        }

        /// <summary>The cookie value of anonymous visitor <paramref name="visitor"/> (0-based).</summary>
        public static string VisitorKey(int visitor) => $"v-{visitor * 7919 % 1_000_003:0000000}";

        /// <summary>The (lowercase) email the seed gives subscriber <paramref name="id"/>.</summary>
        public static string SubscriberEmail(int id) => $"reader{id:000000}@example.com";

        /// <summary>
        /// PostgreSQL identity columns do not see explicitly inserted keys: move each sequence past the seed so rows the
        /// scenarios add get fresh keys (SQLite does this by itself).
        /// </summary>
        public static async Task ResetIdentitySequencesAsync(SampleDbContext context, CancellationToken ct)
        {
            foreach (var entityType in context.Model.GetEntityTypes())
            {
                var key = entityType.FindPrimaryKey();
                var table = entityType.GetTableName();
                if (key is null || key.Properties.Count != 1 || key.Properties[0].ClrType != typeof(int) || table is null)
                {
                    continue;
                }

                var column = key.Properties[0].GetColumnName();
                var quotedTable = "\"" + table.Replace("\"", "\"\"") + "\"";
                var quotedColumn = "\"" + column.Replace("\"", "\"\"") + "\"";
#pragma warning disable EF1002 // Identifiers come from the EF model, not from user input.
                await context.Database.ExecuteSqlRawAsync(
                    $"SELECT setval(pg_get_serial_sequence('{quotedTable}', '{column}'), (SELECT MAX({quotedColumn}) FROM {quotedTable}))",
                    ct);
#pragma warning restore EF1002
            }
        }

        private static string Word(Random random) => Words[random.Next(Words.Length)];

        private static string Capitalize(string word) => char.ToUpperInvariant(word[0]) + word.Substring(1);
    }
}
