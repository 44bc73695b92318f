using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using PerfAnalyzers.Tests.Verifiers;
using Xunit;

namespace PerfAnalyzers.Tests.Meta
{
    /// <summary>
    /// Fix All must fix the fixable diagnostics whatever their order. <c>dotnet format analyzers</c> takes the Fix All
    /// equivalence key from the first action offered for the FIRST diagnostic of the rule; when that diagnostic has no fix
    /// the key is null, and a Fix All that needs a key silently fixes nothing ("didn't return a Fix All action"). For every
    /// rule a fixer fixes, this runs Fix All over a document whose first diagnostic has no fix, as dotnet format does (null
    /// key, solution scope) and as an editor does (the key of the action clicked, document scope), and checks that the
    /// later, fixable diagnostics are fixed, the unfixable ones stay, and the result compiles.
    /// </summary>
    public class FixAllOrderTests
    {
        /// <summary>
        /// Per rule: a document whose first diagnostic has no fix and a later one has. Null: no known shape the analyzer
        /// reports without a fix comes first in a document, so "ID synthetic" is used with, first, a copy of the rule's
        /// descriptor on the class name (no fix can apply there), which is what the Fix All sees when the first real
        /// diagnostic has no fix.
        /// </summary>
        private static readonly Dictionary<string, string?> Cases = new(StringComparer.Ordinal)
        {
            ["EFP101"] = """
                class C
                {
                    void NoFix(BlogContext db, List<Blog> blogs)
                    {
                        foreach (var blog in blogs.Where(b => b.Rating > 1))
                        {
                            var posts = db.Posts.Where(p => p.BlogId == blog.Id).ToList();
                        }
                    }

                    void Batch(BlogContext db, List<Blog> blogs)
                    {
                        foreach (var blog in blogs)
                        {
                            var posts = db.Posts.Where(p => p.BlogId == blog.Id && p.IsPublished).OrderBy(p => p.Title).ToList();
                            Console.WriteLine(posts.Count);
                        }
                    }

                    void Include(BlogContext db)
                    {
                        foreach (var blog in db.Blogs.Where(b => b.Rating > 3).ToList())
                        {
                            var posts = db.Posts.Where(p => p.BlogId == blog.Id).ToList();
                            Console.WriteLine(posts.Count);
                        }
                    }
                }
                """,
            ["EFP102"] = null,
            ["EFP102 synthetic"] = """
                class C
                {
                    void Fix(ShopContext db)
                    {
                        var shop = db.Shops.First();
                        foreach (var order in shop.Orders)
                        {
                            Console.WriteLine(order.Customer.Name);
                        }
                    }
                }

                public class Shop { public int Id { get; set; } public virtual List<Order> Orders { get; set; } = new(); }
                public class Order { public int Id { get; set; } public int ShopId { get; set; } public virtual Owner Customer { get; set; } }
                public class Owner { public int Id { get; set; } public string Name { get; set; } = ""; }
                public class ShopContext : DbContext
                {
                    public DbSet<Shop> Shops { get; set; }
                    protected override void OnConfiguring(DbContextOptionsBuilder options) => options.UseLazyLoadingProxies();
                }
                """,
            ["EFP103"] = """
                class C
                {
                    async Task NoFix(BlogContext db)
                    {
                        var blog = await db.Blogs.FindAsync(1);
                        Console.WriteLine(blog.Tags.Count);
                    }

                    async Task Fix(BlogContext db)
                    {
                        var blogs = await db.Blogs.Where(b => b.Rating > 3).ToListAsync();
                        foreach (var blog in blogs)
                        {
                            Console.WriteLine(blog.Author.Name);
                        }
                    }
                }
                """,
            ["EFP105"] = null,
            ["EFP105 synthetic"] = """
                class C
                {
                    List<Blog> M(BlogContext db) => db.Blogs.Include(b => b.Posts).Include(b => b.Tags).ToList();
                }
                """,
            ["EFP106"] = null,
            ["EFP106 synthetic"] = """
                class C
                {
                    void M(BlogContext db)
                    {
                        var n = db.Posts.Include(p => p.Author).Count(p => p.Views > 10);
                    }
                }
                """,
            ["EFP201"] = """
                class C
                {
                    void M(BlogContext db, List<string> names, List<int> ids)
                    {
                        foreach (var name in names)
                        {
                            var author = new Author { Name = name };
                            db.Authors.Add(author);
                            db.SaveChanges();
                            ids.Add(author.Id);
                        }

                        foreach (var name in names)
                        {
                            db.Authors.Add(new Author { Name = name });
                            db.SaveChanges();
                        }
                    }
                }
                """,
            ["EFP202"] = """
                class C
                {
                    void Returns(BlogContext db, string[] names)
                    {
                        foreach (var name in names)
                        {
                            if (name == null) return;
                            db.Blogs.Add(new Blog { Name = name });
                        }
                    }

                    void Fix(BlogContext db, string[] names)
                    {
                        foreach (var name in names)
                        {
                            db.Blogs.Add(new Blog { Name = name });
                        }

                        db.SaveChanges();
                    }
                }
                """,
            ["EFP203"] = """
                class C
                {
                    void Ordered(BlogContext db)
                    {
                        foreach (var post in db.Posts.OrderBy(p => p.Id).Take(10).ToList())
                            post.Views = 0;
                        db.SaveChanges();
                    }

                    void Fix(BlogContext db)
                    {
                        foreach (var post in db.Posts.Where(p => p.Views > 10).ToList())
                            post.Views = 0;
                        db.SaveChanges();
                    }
                }
                """,
            ["EFP206"] = """
                class C
                {
                    void NullChecked(BlogContext db, int id)
                    {
                        var post = db.Posts.FirstOrDefault(p => p.Id == id);
                        if (post is null) return;
                        post.Views++;
                        db.SaveChanges();
                    }

                    void Fix(BlogContext db, int id)
                    {
                        var post = db.Posts.First(p => p.Id == id);
                        post.Views += 2;
                        db.SaveChanges();
                    }
                }
                """,
            ["EFP204"] = """
                class C
                {
                    void NoFix(BlogContext db)
                    {
                        db.Posts.RemoveRange(db.Posts.Where(p => p.Views == 0));
                        db.SaveChanges();
                    }

                    void Fix(int postId)
                    {
                        using var db = new BlogContext();
                        var comments = db.Comments.Where(c => c.PostId == postId).ToList();
                        foreach (var comment in comments)
                        {
                            db.Comments.Remove(comment);
                        }

                        db.SaveChanges();
                    }
                }
                """,
            ["EFP302"] = """
                class C
                {
                    int NoFix(BlogContext db, bool published)
                    {
                        var query = db.Posts.Where(p => p.Views > 0);
                        if (published)
                        {
                            query = query.Where(p => p.IsPublished);
                        }

                        var posts = query.ToList();
                        return posts.Sum(p => p.Views + p.Id + p.BlogId + p.Title.Length);
                    }

                    int Fix(BlogContext db)
                    {
                        var posts = db.Posts.Where(p => p.Views > 0).ToList();
                        return posts.Sum(p => p.Views + p.Id + p.BlogId + p.Title.Length);
                    }
                }
                """,
            ["EFP303"] = """
                class C
                {
                    int NoFix(BlogContext db)
                    {
                        var posts = db.Posts.ToList();
                        Console.WriteLine("loaded");
                        foreach (var p in posts.Where(p => p.IsPublished))
                        {
                            Console.WriteLine(p.Title);
                        }

                        return 0;
                    }

                    int Fix(BlogContext db) => db.Posts.ToList().Count(p => p.IsPublished);
                }
                """,
            ["EFP304"] = null,
            ["EFP304 synthetic"] = """
                class C
                {
                    bool M(BlogContext db) => db.Posts.Count() > 0;
                }
                """,
            ["EFP305"] = """
                class C
                {
                    int NoFix(BlogContext db)
                    {
                        List<Post> posts = db.Posts.Where(p => p.Views > 100).ToList();
                        var sum = 0;
                        foreach (var p in posts)
                        {
                            sum += p.Views;
                        }

                        return sum;
                    }

                    async Task<int> Fix(BlogContext db, CancellationToken ct)
                    {
                        var posts = await db.Posts.Where(p => p.IsPublished).OrderBy(p => p.Id).Take(50).ToListAsync(ct);
                        var total = 0;
                        foreach (var post in posts)
                        {
                            Console.WriteLine($"{post.Title}: {post.Views}");
                            total += post.Views;
                        }

                        return total + posts.Count;
                    }
                }
                """,
            ["EFP306"] = """
                class C
                {
                    void M(BlogContext db, int page)
                    {
                        var titles = db.Posts.Select(p => p.Title).Skip(5).ToList();
                        var posts = db.Posts.Where(p => p.IsPublished).Skip(page * 20).Take(20).ToList();
                    }
                }
                """,
            ["EFP107"] = null,
            ["EFP107 synthetic"] = """
                class C
                {
                    async Task<int> M(BlogContext db, int id)
                    {
                        var post = await db.Posts.Include(p => p.Blog).FirstAsync(p => p.Id == id);
                        return post.Blog.Id;
                    }
                }
                """,
            ["EFP311"] = """
                class C
                {
                    async Task<int> NoFix(BlogContext db)
                    {
                        List<int> ids = await db.Posts.Select(p => p.BlogId).ToListAsync(), other = new List<int>();
                        return await db.Blogs.CountAsync(b => ids.Contains(b.Id)) + other.Count;
                    }

                    async Task<int> Fix(BlogContext db)
                    {
                        var ids = await db.Posts.Where(p => p.IsPublished).Select(p => p.Id).ToListAsync();
                        return await db.Comments.CountAsync(c => ids.Contains(c.PostId));
                    }
                }
                """,
            ["EFP312"] = """
                class C
                {
                    void M(BlogContext db, int skip)
                    {
                        var noFix = db.Posts.Select(p => new { p.Title, p.Views }).OrderBy(r => r.Views).Skip(skip).Take(20).ToList();
                        var posts = db.Posts.OrderBy(p => p.Views).Skip(skip).Take(20).ToList();
                        var blogs = db.Blogs
                            .OrderByDescending(b => b.Rating)
                            .Skip(skip)
                            .Take(20)
                            .ToList();
                    }
                }
                """,
            ["EFP313"] = """
                class C
                {
                    void NoFix(BlogContext db)
                    {
                        foreach (var post in Enumerable.ToList(db.Posts.AsNoTracking()))
                        {
                            Console.WriteLine(post.Title);
                        }
                    }

                    async Task Fix(BlogContext db)
                    {
                        foreach (var post in await db.Posts.AsNoTracking().ToListAsync())
                        {
                            Console.WriteLine(post.Views);
                        }
                    }
                }
                """,
            ["EFP307"] = """
                class C
                {
                    List<Post> M(BlogContext db, Func<Post, bool> filter, int min)
                    {
                        var a = db.Posts.Where(filter).ToList();
                        Func<Post, bool> popular = p => p.Views > min;
                        return db.Posts.Where(popular).ToList();
                    }
                }
                """,
            ["EFP401"] = """
                class C
                {
                    private readonly object _gate = new();

                    async Task<int> M(BlogContext db, CancellationToken ct)
                    {
                        await Task.Yield();
                        lock (_gate)
                        {
                            var n = db.Posts.Count();
                        }

                        return db.Posts.Count();
                    }
                }
                """,
            ["EFP402"] = """
                class C
                {
                    async Task NoFix(BlogContext db, List<int> ids)
                    {
                        await Task.WhenAll(ids.Select(id => db.Posts.CountAsync(p => p.BlogId == id)));
                    }

                    async Task Fix(BlogContext db)
                    {
                        await Task.WhenAll(db.Blogs.CountAsync(), db.Posts.CountAsync());
                    }
                }
                """,
            ["EFP501"] = null,
            ["EFP501 synthetic"] = """
                using Microsoft.Extensions.DependencyInjection;

                public class ShopContext : DbContext
                {
                    public ShopContext(DbContextOptions<ShopContext> options) : base(options) { }
                    public DbSet<Blog> Blogs { get; set; }
                }

                class C
                {
                    void Configure(IServiceCollection services, string cs)
                    {
                        services.AddDbContext<ShopContext>(o => o.UseSqlite(cs));
                    }
                }
                """,
        };

        public static IEnumerable<object[]> FixedRules() => RuleCatalog.FixerTypes
            .SelectMany(t => ((CodeFixProvider)Activator.CreateInstance(t)!).FixableDiagnosticIds.Select(id => new object[] { t.Name, id }));

        [Fact]
        public void Every_fixed_rule_has_a_case()
        {
            var missing = FixedRules().Select(r => (string)r[1])
                .Where(id => !Cases.TryGetValue(id, out var source) || (source is null && !Cases.ContainsKey(id + " synthetic")))
                .ToList();
            Assert.True(missing.Count == 0, "Add a Fix All order case for " + string.Join(", ", missing));
        }

        [Theory]
        [MemberData(nameof(FixedRules))]
        public async Task Fix_All_fixes_the_later_diagnostics_when_the_first_has_no_fix(string fixerName, string id)
        {
            var fixer = (CodeFixProvider)Activator.CreateInstance(RuleCatalog.FixerTypes.Single(t => t.Name == fixerName))!;
            Assert.True(Cases.TryGetValue(id, out var source), $"No Fix All order case for {id}.");
            var synthetic = source is null;
            source ??= Cases[id + " synthetic"]!;

            var document = CreateDocument(source);
            var diagnostics = await AnalyzeAsync(document, id);
            if (synthetic)
            {
                var descriptor = RuleCatalog.Descriptors.First(d => d.Descriptor.Id == id).Descriptor;
                var root = await document.GetSyntaxRootAsync();
                var className = root!.DescendantTokens().First(t => t.IsKind(SyntaxKind.IdentifierToken) && t.ValueText == "C");
                diagnostics = diagnostics.Insert(0, Diagnostic.Create(descriptor, Location.Create(root.SyntaxTree, className.Span), "x", "x", "x", "x"));
            }

            var actions = new List<ImmutableArray<CodeAction>>();
            foreach (var diagnostic in diagnostics)
            {
                actions.Add(await FixesAsync(fixer, document, diagnostic));
            }

            Assert.True(diagnostics.Length >= 2, $"The {id} case must report at least twice; it reports {diagnostics.Length} time(s).");
            Assert.True(actions[0].IsEmpty, $"The {id} case's first diagnostic must have no fix (it has '{actions[0].FirstOrDefault()?.Title}').");
            var fixable = actions.Count(a => !a.IsEmpty);
            Assert.True(fixable > 0, $"The {id} case must have a fixable diagnostic after the first.");
            var unfixable = diagnostics.Length - fixable - (synthetic ? 1 : 0);

            // dotnet format: the key of the first diagnostic's first action (none here), solution scope.
            await AssertFixAllAsync(fixer, document, id, diagnostics, equivalenceKey: null, FixAllScope.Solution, unfixable);

            // An editor: the key of the fix clicked on a fixable diagnostic, document scope.
            foreach (var key in actions.SelectMany(a => a).Select(a => a.EquivalenceKey).Distinct())
            {
                await AssertFixAllAsync(fixer, document, id, diagnostics, key, FixAllScope.Document, unfixable: null);
            }
        }

        /// <summary>
        /// Fixes that change behaviour beyond performance say so in the title a user clicks (and in Fix All's): the bulk
        /// statements run at once, outside the SaveChanges that follows; moving SaveChanges out of a loop commits all rows
        /// together; AsNoTracking stops tracking. (Fix All titles are set too, but editors show their own "Fix all
        /// occurrences in ..." under the clicked action and Roslyn 4.x hosts may use their default, so only the action
        /// titles are checked.)
        /// </summary>
        [Theory]
        [InlineData("EFP201", "Call SaveChanges once after the loop (one commit for all rows)")]
        [InlineData("EFP203", "Use ExecuteUpdate (runs immediately, outside SaveChanges; tracked entities not updated)")]
        [InlineData("EFP204", "Use ExecuteDelete (runs immediately, outside SaveChanges; tracked entities not updated)")]
        [InlineData("EFP206", "Use ExecuteUpdate (changes behaviour: runs immediately, bypasses the change tracker and SaveChanges)")]
        [InlineData("EFP302", "Add AsNoTracking() (entities not tracked: changes to them are not saved)")]
        public async Task Fixes_that_change_behaviour_say_so_in_their_titles(string id, string title)
        {
            var fixer = (CodeFixProvider)Activator.CreateInstance(RuleCatalog.FixerTypes.Single(t => ((CodeFixProvider)Activator.CreateInstance(t)!).FixableDiagnosticIds.Contains(id)))!;
            var document = CreateDocument(Cases[id]!);
            var diagnostics = await AnalyzeAsync(document, id);
            var actions = new List<CodeAction>();
            foreach (var diagnostic in diagnostics)
            {
                actions.AddRange(await FixesAsync(fixer, document, diagnostic));
            }

            Assert.NotEmpty(actions);
            Assert.All(actions, a => Assert.Equal(title, a.Title));
        }

        private static async Task AssertFixAllAsync(CodeFixProvider fixer, Document document, string id, ImmutableArray<Diagnostic> diagnostics, string? equivalenceKey, FixAllScope scope, int? unfixable)
        {
            var provider = fixer.GetFixAllProvider()!;
            Assert.Contains(scope, provider.GetSupportedFixAllScopes());
            var context = new FixAllContext(document, fixer, scope, equivalenceKey!, new[] { id }, new Provider(diagnostics), CancellationToken.None);
            var action = await provider.GetFixAsync(context);
            Assert.True(action is not null, $"{fixer.GetType().Name} returned no Fix All action for {id} (key '{equivalenceKey ?? "null"}', {scope}).");

            var operations = await action!.GetOperationsAsync(CancellationToken.None);
            var changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution.GetDocument(document.Id)!;
            var text = (await changed!.GetTextAsync()).ToString();
            Assert.NotEqual((await document.GetTextAsync()).ToString(), text);

            var errors = (await changed.Project.GetCompilationAsync())!.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            Assert.True(errors.Count == 0, $"Fix All for {id} does not compile: {string.Join("; ", errors)}\n{text}");

            if (unfixable is { } expected)
            {
                var after = await AnalyzeAsync(changed, id);
                Assert.True(after.Length == expected, $"After Fix All for {id}, {after.Length} diagnostic(s) remain, {expected} expected (the unfixable ones):\n{text}");
            }
        }

        private static async Task<ImmutableArray<CodeAction>> FixesAsync(CodeFixProvider fixer, Document document, Diagnostic diagnostic)
        {
            var actions = ImmutableArray.CreateBuilder<CodeAction>();
            await fixer.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (a, _) => actions.Add(a), CancellationToken.None));
            return actions.ToImmutable();
        }

        private static Document CreateDocument(string source)
        {
            var workspace = new AdhocWorkspace();
            var projectId = ProjectId.CreateNewId();
            var solution = workspace.CurrentSolution
                .AddProject(ProjectInfo.Create(
                    projectId,
                    VersionStamp.Default,
                    "Test",
                    "Test",
                    LanguageNames.CSharp,
                    compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Disable),
                    parseOptions: new CSharpParseOptions(LanguageVersion.Preview),
                    metadataReferences: EfReferences.For(EfVersion.Ef10)))
                .AddDocument(DocumentId.CreateNewId(projectId), "Model.cs", SourceText.From(EfModel.Prelude), filePath: EfModel.FileName);
            var documentId = DocumentId.CreateNewId(projectId);
            solution = solution.AddDocument(documentId, "Test0.cs", SourceText.From(source), filePath: "/0/Test0.cs");
            return solution.GetDocument(documentId)!;
        }

        private static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Document document, string id)
        {
            var analyzers = RuleCatalog.CreateAnalyzers().Where(a => a is not DiagnosticSuppressor && a.SupportedDiagnostics.Any(d => d.Id == id)).ToImmutableArray();
            var compilation = (await document.Project.GetCompilationAsync())!;
            // Rules that are off by default (a retired rule keeps its fixer) are switched on as a user would, to test their Fix All.
            compilation = compilation.WithOptions(compilation.Options.WithSpecificDiagnosticOptions(
                analyzers.SelectMany(a => a.SupportedDiagnostics).Where(d => d.Id == id && !d.IsEnabledByDefault).Select(d => new KeyValuePair<string, ReportDiagnostic>(d.Id, ReportDiagnostic.Warn))));
            var tree = (await document.GetSyntaxTreeAsync())!;
            var diagnostics = await compilation.WithAnalyzers(analyzers).GetAnalyzerDiagnosticsAsync();
            return diagnostics.Where(d => d.Id == id && d.Location.SourceTree == tree).OrderBy(d => d.Location.SourceSpan.Start).ToImmutableArray();
        }

        private sealed class Provider : FixAllContext.DiagnosticProvider
        {
            private readonly ImmutableArray<Diagnostic> _diagnostics;

            public Provider(ImmutableArray<Diagnostic> diagnostics) => _diagnostics = diagnostics;

            public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken)
                => Task.FromResult<IEnumerable<Diagnostic>>(_diagnostics);

            public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken)
                => Task.FromResult<IEnumerable<Diagnostic>>(_diagnostics);

            public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken)
                => Task.FromResult<IEnumerable<Diagnostic>>(_diagnostics);
        }
    }
}
