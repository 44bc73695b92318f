using PerfAnalyzers.EfCore;
using Xunit;

namespace PerfAnalyzers.Tests.EfCore
{
    public class LoopAnalysisTests
    {
        private static LoopPlacement? Placement(EfCoreTestHost host, string marker)
            => host.Ef!.Loops.FindEnclosingLoop(host.Invocation(marker));

        [Fact]
        public void Finds_statement_loops_and_per_element_lambdas()
        {
            var host = EfCoreTestHost.Create("""
                class C
                {
                    async Task M(BlogContext db, List<Blog> blogs, int[] ids)
                    {
                        foreach (var b in blogs) db.Posts.Count/*foreach*/();
                        for (var i = 0; i < ids.Length; i++) db.Posts.Count/*for*/();
                        while (blogs.Count > 10) db.Posts.Count/*while*/();
                        do { db.Posts.Count/*do*/(); } while (blogs.Count > 10);
                        await foreach (var p in db.Posts.AsAsyncEnumerable()) db.Posts.Count/*awaitForeach*/();
                        blogs.ForEach(b => db.Posts.Count/*listForEach*/());
                        Parallel.ForEach(blogs, b => db.Posts.Count/*parallel*/());
                        var counts = blogs.Select(b => db.Posts.Count/*select*/(p => p.BlogId == b.Id)).ToList();
                        await Task.WhenAll(ids.Select(async id => await db.Posts.FindAsync/*whenAll*/(id)));
                        while (db.Posts.Any/*condition*/(p => p.Views > 0)) { }
                    }
                }
                """);
            Assert.Equal(LoopKind.ForEach, Placement(host, "foreach")!.Loop.Kind);
            Assert.Equal(LoopKind.For, Placement(host, "for")!.Loop.Kind);
            Assert.Equal(LoopKind.While, Placement(host, "while")!.Loop.Kind);
            Assert.Equal(LoopKind.DoWhile, Placement(host, "do")!.Loop.Kind);
            Assert.Equal(LoopKind.AwaitForEach, Placement(host, "awaitForeach")!.Loop.Kind);
            Assert.Equal("List.ForEach", Placement(host, "listForEach")!.Loop.DisplayName);
            Assert.Equal("Parallel.ForEach", Placement(host, "parallel")!.Loop.DisplayName);
            Assert.Equal("Select", Placement(host, "select")!.Loop.DisplayName);
            Assert.Equal("Select", Placement(host, "whenAll")!.Loop.DisplayName);
            Assert.Equal(LoopKind.While, Placement(host, "condition")!.Loop.Kind);
        }

        [Fact]
        public void Not_in_a_loop()
        {
            var host = EfCoreTestHost.Create("""
                class C
                {
                    void M(BlogContext db, List<Blog> blogs)
                    {
                        foreach (var p in db.Posts.Where(p => p.Views > 0).ToList/*collection*/()) { }
                        Task.Run(() => db.Posts.Count/*taskRun*/());
                        db.Blogs.Select(b => b.Posts.Where(p => p.Views > 0).Count()).ToList/*outer*/();
                        foreach (var b in blogs) { void Local() => db.Posts.Count/*localFunction*/(); }
                    }
                }
                """);
            Assert.Null(Placement(host, "collection"));
            Assert.Null(Placement(host, "taskRun"));
            Assert.Null(Placement(host, "outer"));
            Assert.Null(Placement(host, "localFunction"));
        }

        [Fact]
        public void Exits_catch_and_batch_guards()
        {
            var host = EfCoreTestHost.Create("""
                class C
                {
                    Post M(BlogContext db, List<Blog> blogs)
                    {
                        var n = 0;
                        foreach (var b in blogs)
                        {
                            try { db.SaveChanges/*break*/(); break; } catch (DbUpdateException) { db.SaveChanges/*catch*/(); }
                        }
                        foreach (var b in blogs)
                        {
                            var found = db.Posts.FirstOrDefault/*return*/(p => p.BlogId == b.Id);
                            if (found != null) { }
                            return found;
                        }
                        foreach (var b in blogs)
                        {
                            if (++n % 100 == 0) db.SaveChanges/*modulo*/();
                            if (blogs.Count >= 50) { db.SaveChanges/*count*/(); }
                            db.SaveChanges/*plain*/();
                            switch (n) { case 1: db.SaveChanges/*switchBreak*/(); break; }
                        }
                        return null;
                    }
                }
                """);
            Assert.True(Placement(host, "break")!.ExitsLoopAfter);
            Assert.True(Placement(host, "catch")!.InCatchOrFinally);
            Assert.True(Placement(host, "return")!.ExitsLoopAfter);
            Assert.True(Placement(host, "modulo")!.IsBatchGuarded);
            Assert.True(Placement(host, "count")!.IsBatchGuarded);
            Assert.True(Placement(host, "plain")!.RunsPerIteration);
            Assert.True(Placement(host, "switchBreak")!.RunsPerIteration);
        }

        [Fact]
        public void Batch_loops()
        {
            var host = EfCoreTestHost.Create("""
                class C
                {
                    void M(BlogContext db, int[] ids, List<int> frontier)
                    {
                        foreach (var chunk in ids.Chunk(100)) db.SaveChanges/*chunk*/();
                        while (true)
                        {
                            var page = db.Posts.OrderBy(p => p.Id).Take(100).ToList();
                            if (page.Count == 0) break;
                            db.SaveChanges/*page*/();
                        }
                        while (frontier.Count > 0)
                        {
                            var next = db.Posts.Where(p => frontier.Contains(p.BlogId)).ToList();
                            frontier = next.Select(p => p.Id).ToList();
                            db.SaveChanges/*frontier*/();
                        }
                        foreach (var id in ids) db.SaveChanges/*single*/();
                    }
                }
                """);
            Assert.True(LoopExemptions.IsBatchLoop(host.Ef!, Placement(host, "chunk")!.Loop));
            Assert.True(LoopExemptions.IsBatchLoop(host.Ef!, Placement(host, "page")!.Loop));
            Assert.True(LoopExemptions.IsBatchLoop(host.Ef!, Placement(host, "frontier")!.Loop));
            Assert.False(LoopExemptions.IsBatchLoop(host.Ef!, Placement(host, "single")!.Loop));
        }
    }
}
