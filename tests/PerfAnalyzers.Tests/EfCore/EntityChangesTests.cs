using System.Threading;
using Microsoft.CodeAnalysis.Operations;
using PerfAnalyzers.EfCore;
using Xunit;

namespace PerfAnalyzers.Tests.EfCore
{
    /// <summary>
    /// "Is this entity, or this sequence of entities, modified or deleted?" asked of the one EntityFlow walk
    /// (EntityChanges, issue 13), with the change tracker's calls known by TrackerCall and a collection's adders by
    /// CollectionMethods.AddsElements.
    /// </summary>
    public class EntityChangesTests
    {
        private static EntityChange Changes(EfCoreTestHost host, string marker)
        {
            var load = host.Invocation(marker);
            return EntityChanges.Of(host.Ef!.Symbols, load, FlowShape.Sequence, load.GetRootOperation(), CancellationToken.None);
        }

        [Fact]
        public void Modified_and_deleted_through_the_walk()
        {
            var host = EfCoreTestHost.Create("""
                public interface IAppDbContext { DbSet<Post> Posts { get; } void Remove(object entity); int SaveChanges(); }

                class C
                {
                    void M(BlogContext db, IAppDbContext app)
                    {
                        var posts = db.Posts.ToList/*removedPerRow*/();
                        foreach (var p in posts.Where(x => x.Views > 0)) db.Remove(p);

                        var authors = db.Authors.ToList/*removedRange*/();
                        db.Authors.RemoveRange(authors);

                        var viaInterface = app.Posts.ToList/*removedThroughInterface*/();
                        var first = viaInterface.First();
                        app.Remove(first);

                        var blogs = db.Blogs.ToList/*written*/();
                        blogs[0].Name = "x";

                        var tags = db.Tags.ToList/*added*/();
                        tags.Add(new Tag());

                        var updated = db.Blogs.ToList/*updated*/();
                        foreach (var b in updated) db.Update(b);

                        var comments = db.Comments.ToList/*read*/();
                        Console.WriteLine(comments.Count(c => c.Text != null) + comments[0].Text);
                        db.Add(new Comment { Text = comments[0].Text });
                    }
                }
                """);
            Assert.Equal(EntityChange.Deleted, Changes(host, "removedPerRow"));
            Assert.Equal(EntityChange.Deleted, Changes(host, "removedRange"));
            Assert.Equal(EntityChange.Deleted, Changes(host, "removedThroughInterface"));
            Assert.Equal(EntityChange.Modified, Changes(host, "written"));
            Assert.Equal(EntityChange.Modified, Changes(host, "added"));
            Assert.Equal(EntityChange.Modified, Changes(host, "updated"));
            Assert.Equal(EntityChange.None, Changes(host, "read"));
        }

        [Fact]
        public void Tracker_calls_are_EF_Core_s_or_a_context_interface_s()
        {
            var host = EfCoreTestHost.Create("""
                public interface IAppDbContext { DbSet<Tag> Tags { get; } void AddRange(IEnumerable<object> entities); int SaveChanges(); }

                public class SoftContext : DbContext
                {
                    public DbSet<Comment> Comments { get; set; }
                    public void Remove(Comment comment) => comment.Text = "";
                }

                class C
                {
                    void M(BlogContext db, IAppDbContext app, SoftContext soft, List<Tag> tags, Comment comment)
                    {
                        db.Posts.Remove/*setRemove*/(new Post());
                        db.AddRange/*contextRange*/(tags);
                        app.AddRange/*interfaceRange*/(tags);
                        soft.Remove/*own*/(comment);
                    }
                }
                """);
            var symbols = host.Ef!.Symbols;
            Assert.True(TrackerCall.Of(symbols, host.Invocation("setRemove")) is { Kind: TrackerKind.Remove, IsRange: false, Entity.Name: "Post" });
            Assert.True(TrackerCall.Of(symbols, host.Invocation("contextRange")) is { Kind: TrackerKind.Add, IsRange: true, Entity.Name: "Tag" });
            Assert.True(TrackerCall.Of(symbols, host.Invocation("interfaceRange")) is { Kind: TrackerKind.Add, IsRange: true, Entity.Name: "Tag" });
            Assert.Null(TrackerCall.Of(symbols, host.Invocation("own")));
        }
    }
}
