using System.Threading.Tasks;
using PerfAnalyzers.Tests.Verifiers;
using Xunit;
using VerifyCS = PerfAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<PerfAnalyzers.Rules.Query.UntranslatableCallAnalyzer>;

namespace PerfAnalyzers.Tests.Rules.Query
{
    public class UntranslatableCallTests
    {
        /// <summary>An entity with the shapes real models have: computed, [NotMapped], ignored, get-only and configured members.</summary>
        private const string People = """
            public class Person
            {
                private string _code = "";
                public int Id { get; set; }
                public string First { get; set; } = "";
                public string Last { get; set; } = "";
                public DateTime Born { get; set; }
                public string FullName => First + " " + Last;
                public int Age { get { return DateTime.Now.Year - Born.Year; } }
                public int GetOnly { get; } = 1;
                [System.ComponentModel.DataAnnotations.Schema.NotMapped] public string Nick { get; set; } = "";
                public string Scratch { get; set; } = "";
                public string Code => _code;
                public int Rank { get; private set; }
                public int Level { get; init; }
                public bool IsAdult() => Age >= 18;
                public override string ToString() => FullName;
            }

            public static class Text
            {
                public static string Slug(this string value) => value.ToLowerInvariant().Replace(' ', '-');
                public static bool IsRecent(DateTime when) => when > DateTime.UtcNow.AddDays(-7);
                public static string Normalize(string value) => value.Trim().ToUpperInvariant();
            }

            public static class Clock { public static DateTime Now() => DateTime.UtcNow; }

            public class PeopleContext : DbContext
            {
                public DbSet<Person> People => Set<Person>();

                [DbFunction("soundex")]
                public static string Soundex(string value) => throw new NotSupportedException();

                public static int Distance(string a, string b) => throw new NotSupportedException();

                protected override void OnModelCreating(ModelBuilder modelBuilder)
                {
                    modelBuilder.HasDbFunction(typeof(PeopleContext).GetMethod(nameof(Distance)));
                    modelBuilder.Entity<Person>(b =>
                    {
                        b.Property(p => p.Code).HasField("_code");
                        b.Ignore(p => p.Scratch);
                    });
                }
            }
            """;

        [Fact]
        public async Task Reports_an_application_method_on_the_rows_data_with_its_reason()
        {
            var source = People + """
                class C
                {
                    List<Post> M(BlogContext db) => db.Posts.Where(p => Text.{|#0:IsRecent|}(p.PublishedAt)).ToList();
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source,
                VerifyCS.Diagnostic("EFP315").WithLocation(0).WithArguments("IsRecent", "Where", "a method of this application: EF Core cannot see into compiled code"));
        }

        [Fact]
        public async Task Reports_unmapped_properties_with_their_reason()
        {
            var source = People + """
                class C
                {
                    void M(PeopleContext db)
                    {
                        var a = db.People.Where(p => p.{|#0:FullName|} == "Ada Lovelace").ToList();
                        var b = db.People.OrderBy(p => p.{|#1:Nick|}).ToList();
                        var c = db.People.Where(p => p.{|#2:Scratch|} != "").ToList();
                        var d = db.People.Count(p => p.{|#3:GetOnly|} > 1);
                        var e = db.People.Any(p => p.{|#4:Age|} > 18);
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source,
                VerifyCS.Diagnostic("EFP315").WithLocation(0).WithArguments("FullName", "Where", "a property EF Core does not map: computed in C#"),
                VerifyCS.Diagnostic("EFP315").WithLocation(1).WithArguments("Nick", "OrderBy", "a property EF Core does not map: [NotMapped]"),
                VerifyCS.Diagnostic("EFP315").WithLocation(2).WithArguments("Scratch", "Where", "a property EF Core does not map: ignored in the model"),
                VerifyCS.Diagnostic("EFP315").WithLocation(3).WithArguments("GetOnly", "Count", "a property EF Core does not map: computed in C#"),
                VerifyCS.Diagnostic("EFP315").WithLocation(4).WithArguments("Age", "Any", "a property EF Core does not map: computed in C#"));
        }

        [Fact]
        public async Task Reports_in_every_translated_lambda_async_terminals_nested_navigations_and_keys()
        {
            var source = People + """
                class C
                {
                    async Task M(BlogContext db, PeopleContext people, CancellationToken ct)
                    {
                        var a = await db.Posts.FirstOrDefaultAsync(p => p.Title.{|EFP315:Slug|}() == "x", ct);
                        var b = await db.Blogs.Where(b => b.Posts.Any(p => Text.{|EFP315:IsRecent|}(p.PublishedAt))).ToListAsync(ct);
                        var c = db.Posts.GroupBy(p => p.Title.{|EFP315:Slug|}()).Select(g => g.Key).ToList();
                        var d = db.Posts.Join(db.Blogs, p => p.Title.{|EFP315:Slug|}(), b => b.Name, (p, b) => p.Id).ToList();
                        var e = await people.People.AnyAsync(p => p.{|EFP315:IsAdult|}(), ct);
                        var f = db.Posts.OrderBy(p => p.Id).ThenBy(p => Text.{|EFP315:Normalize|}(p.Title)).ToList();
                        var g = db.Posts.Sum(p => Text.{|EFP315:Normalize|}(p.Title).Length);
                        var h = db.Posts.Where(p => db.Comments.Any(c => c.PostId == p.Id && c.Text.{|EFP315:Slug|}() == "x")).ToList();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_BCL_calls_SQLite_does_not_translate()
        {
            var source = """
                class C
                {
                    void M(BlogContext db)
                    {
                        var a = db.Blogs.Where(b => Convert.{|#0:ToInt32|}(b.Name) > 3).ToList();
                        var b = db.Blogs.Where(b => string.{|EFP315:Format|}("{0}-{1}", b.Name, b.Rating) == "x-1").ToList();
                        var c = db.Blogs.Where(b => {|EFP315:$"{b.Name} {b.Url}"|} == "x y").ToList();
                        var d = db.Blogs.Where(b => b.CreatedAt.{|EFP315:ToString|}("yyyy") == "2024").ToList();
                        var e = db.Posts.Where(p => (DateTime.UtcNow - p.PublishedAt).{|EFP315:TotalDays|} < 7).ToList();
                        var f = db.Blogs.Where(b => int.{|EFP315:Parse|}(b.Url) > 0).ToList();
                        var g = db.Blogs.Where(b => b.Name.{|EFP315:Split|}(new[] { ',' }).Length > 1).ToList();
                        var h = db.Blogs.OrderBy(b => b.Name.{|EFP315:PadLeft|}(10)).ToList();
                        var i = db.Blogs.Where(b => Math.{|EFP315:Round|}((decimal)b.Rating, 2) > 1).ToList();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source,
                VerifyCS.Diagnostic("EFP315").WithLocation(0).WithArguments("Convert.ToInt32", "Where", "no SQL translation on SQLite"));
        }

        [Fact]
        public async Task Without_a_provider_reports_only_what_no_provider_translates()
        {
            var source = """
                class C
                {
                    void M(BlogContext db)
                    {
                        var a = db.Blogs.Where(b => Convert.ToInt32(b.Name) > 3).ToList();
                        var b = db.Blogs.Where(b => System.Text.RegularExpressions.Regex.IsMatch(b.Name, "^a")).ToList();
                        var c = db.Posts.Where(p => (DateTime.UtcNow - p.PublishedAt).TotalDays < 7).ToList();
                        var d = db.Blogs.Where(b => b.CreatedAt.{|#0:ToString|}("yyyy") == "2024").ToList();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source, EfVersion.Ef8,
                VerifyCS.Diagnostic("EFP315").WithLocation(0).WithArguments("DateTime.ToString", "Where", "no SQL translation on SQLite, SQL Server or PostgreSQL"));
        }

        [Fact]
        public async Task Does_not_report_calls_on_captured_values_constants_or_locals()
        {
            var source = People + """
                class C
                {
                    void M(BlogContext db, string term, DateTime since)
                    {
                        var other = new Person();
                        var a = db.Posts.Where(p => p.PublishedAt > Clock.Now()).ToList();
                        var b = db.Posts.Where(p => p.Title == Text.Normalize(term)).ToList();
                        var c = db.Posts.Where(p => p.Title == other.FullName && p.Views > other.Age).ToList();
                        var d = db.Posts.Where(p => p.Title == string.Format("{0}", term) && p.PublishedAt > since.AddDays(int.Parse(term))).ToList();
                        var e = db.Posts.Where(p => p.Title == $"{term}!").ToList();
                        var names = new List<string> { term };
                        var f = db.Posts.Where(p => names.Select(n => Text.Normalize(n)).Contains(p.Title)).ToList(); // evaluated as a whole
                        var g = db.Posts.Where(p => names.Any(n => Text.{|EFP315:Normalize|}(n) == p.Title)).ToList(); // part of the SQL
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Does_not_report_database_functions_EF_functions_or_what_SQLite_translates()
        {
            var source = People + """
                class C
                {
                    void M(PeopleContext db, BlogContext blogs, string term)
                    {
                        var a = db.People.Where(p => PeopleContext.Soundex(p.Last) == PeopleContext.Soundex(term)).ToList();
                        var b = db.People.OrderBy(p => PeopleContext.Distance(p.Last, term)).ToList();
                        var c = db.People.Where(p => EF.Functions.Like(p.Last, "A%") && EF.Property<string>(p, "First") != "").ToList();
                        var d = blogs.Blogs.Where(b => System.Text.RegularExpressions.Regex.IsMatch(b.Name, "^a")).ToList();
                        var e = blogs.Blogs.Where(b => b.Name.Contains("x") && b.Name.ToLower().StartsWith("a") && Math.Max(b.Rating, 1) > 2).ToList();
                        var f = blogs.Blogs.Where(b => b.CreatedAt.AddDays(7) > DateTime.UtcNow && b.CreatedAt.ToString() != "" && b.Rating.ToString() == "5").ToList();
                        var g = blogs.Blogs.Where(b => b.Name + b.Rating == "x1" && string.Concat(b.Name, b.Url) != "").ToList();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Does_not_report_mapped_get_only_and_configured_properties()
        {
            var source = People + """
                class C
                {
                    void M(PeopleContext db)
                    {
                        var a = db.People.Where(p => p.Code == "x" && p.Rank > 1 && p.Level > 2 && p.First != "").ToList();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Does_not_report_a_final_Select_client_side_code_or_in_memory_queries()
        {
            var source = People + """
                class C
                {
                    void M(PeopleContext db, List<Person> list)
                    {
                        var a = db.People.Select(p => new { p.Id, Name = p.FullName.Slug(), Adult = p.IsAdult() }).ToList();
                        var b = db.People.AsEnumerable().Where(p => p.IsAdult()).ToList();
                        var c = db.People.ToList().Where(p => p.FullName == "x").ToList();
                        var d = list.AsQueryable().Where(p => p.IsAdult()).ToList();
                        var e = db.People.Where(p => p.Last == "x").ToList().OrderBy(p => Text.Normalize(p.FullName)).ToList();
                        var f = db.People.ToList().AsQueryable().Where(p => p.IsAdult()).OrderBy(p => p.FullName).ToList();
                        var g = db.People.AsEnumerable().AsQueryable().Where(p => p.IsAdult()).ToList();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Does_not_report_expanded_members_object_overrides_comparisons_for_EFP308_or_interfaces()
        {
            var source = """
                [AttributeUsage(AttributeTargets.All)] public class ProjectableAttribute : Attribute { }
                public interface IAged { int Age { get; } }
                public class Member : IAged
                {
                    public int Id { get; set; }
                    public string Name { get; set; } = "";
                    public DateTime Born { get; set; }
                    public int Age { get; set; }
                    [Projectable] public bool IsNamed => Name != "";
                    [Projectable] public bool IsOld() => Age > 60;
                    public override bool Equals(object o) => o is Member m && m.Id == Id;
                    public override int GetHashCode() => Id;
                    public static bool Active(Member m) => m.Age > 0;
                    public static System.Linq.Expressions.Expression<Func<Member, bool>> Active() => m => m.Age > 0;
                }
                public class Club : DbContext { public DbSet<Member> Members => Set<Member>(); }
                class C
                {
                    IQueryable<T> Older<T>(IQueryable<T> q) where T : class, IAged => q.Where(x => x.Age > 60);
                    void M(Club db, Member me)
                    {
                        var a = db.Members.Where(m => m.IsNamed && m.IsOld()).ToList();
                        var b = db.Members.Where(m => m.Equals(me) || m.Name.Equals("x", StringComparison.OrdinalIgnoreCase)).ToList();
                        var cased = db.Members.Where(m => m.Name.ToLowerInvariant() == "x").OrderBy(m => m.Name.ToUpperInvariant()).ToList();
                        var c = db.Members.Where(m => Member.Active(m)).ToList();
                        var d = Older(db.Members).ToList();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Does_not_report_in_test_classes()
        {
            var source = People + """
                class FactAttribute : Attribute { }
                class PeopleTests
                {
                    [Fact]
                    void Finds(PeopleContext db) => db.People.Where(p => p.IsAdult()).ToList();
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Does_not_report_from_code_that_does_not_bind()
        {
            var source = People + """
                class C
                {
                    void M(PeopleContext db)
                    {
                        var a = db.People.Where(p => {|CS0103:Missing|}(p.Last)).ToList();
                        var b = db.People.Where(p => p.IsAdult() && p.{|CS1061:Nope|} > 1).ToList();
                        var c = db.{|CS1061:Persons|}.Where(p => p.IsAdult()).ToList();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
