using System.Threading.Tasks;
using PerfAnalyzers.Tests.Verifiers;
using Xunit;
using VerifyCS = PerfAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<PerfAnalyzers.Rules.Query.NonSargableStringComparisonAnalyzer>;

namespace PerfAnalyzers.Tests.Rules.Query
{
    public class NonSargableStringComparisonTests
    {
        private static Microsoft.CodeAnalysis.Testing.DiagnosticResult NonSargable(int location, string call, string column, string op)
            => VerifyCS.Diagnostic(PerfAnalyzers.Descriptors.EFP308_NonSargableStringComparison).WithLocation(location).WithArguments(call, column, op);

        private static Microsoft.CodeAnalysis.Testing.DiagnosticResult Untranslated(int location, string call, string op)
            => VerifyCS.Diagnostic(PerfAnalyzers.Descriptors.EFP308_UntranslatedStringComparison).WithLocation(location).WithArguments(call, op);

        [Fact]
        public async Task Reports_a_lowered_column_compared_for_equality()
        {
            await VerifyCS.VerifyAnalyzerAsync("""
                class C
                {
                    Author M(BlogContext db, string email) => db.Authors.Where(a => a.Email.{|#0:ToLower|}() == email).FirstOrDefault();

                    Task<Author> Async(BlogContext db, string email, CancellationToken ct)
                        => db.Authors.FirstOrDefaultAsync(a => a.Email.{|#1:ToUpper|}() == email.ToUpper(), ct);

                    bool Trimmed(BlogContext db, string name) => db.Authors.Any(a => name == a.Name.{|#2:Trim|}().ToLower());

                    int Count(BlogContext db, string label) => db.Tags.Count(t => t.Label.{|#3:TrimEnd|}() == label);
                }
                """,
                NonSargable(0, "ToLower()", "a.Email", "Where"),
                NonSargable(1, "ToUpper()", "a.Email", "FirstOrDefault"),
                NonSargable(2, "Trim()", "a.Name", "Any"),
                NonSargable(3, "TrimEnd()", "t.Label", "Count"));
        }

        [Fact]
        public async Task Reports_every_comparison_an_index_could_serve()
        {
            await VerifyCS.VerifyAnalyzerAsync("""
                class C
                {
                    void M(BlogContext db, string v, List<string> names, string[] emails)
                    {
                        _ = db.Authors.Where(a => a.Email.{|#0:ToLower|}().Equals(v)).ToList();
                        _ = db.Authors.Where(a => string.Equals(a.Email.{|#1:ToLower|}(), v)).ToList();
                        _ = db.Authors.Where(a => v.Equals(a.Email.{|#2:ToLower|}())).ToList();
                        _ = db.Authors.Where(a => a.Name.{|#3:ToLower|}().StartsWith(v)).ToList();
                        _ = db.Authors.Where(a => a.Name.{|#4:ToLower|}().CompareTo(v) > 0).ToList();
                        _ = db.Authors.Where(a => string.Compare(a.Name.{|#5:ToUpper|}(), v) <= 0).ToList();
                        _ = db.Authors.Where(a => names.Contains(a.Name.{|#6:ToLower|}())).ToList();
                        _ = db.Authors.Where(a => emails.Contains(a.Email.{|#7:Trim|}())).ToList();
                        _ = db.Posts.Where(p => p.Blog.Name.{|#8:ToLower|}() == v).ToList();
                        _ = db.Blogs.Where(b => b.Posts.Any(p => p.Title.{|#9:ToLower|}() == v)).ToList();
                        _ = db.Posts.Where(p => p.Id == p.BlogId && p.Title.{|#10:ToLower|}() == v).ToList();
                    }
                }
                """,
                NonSargable(0, "ToLower()", "a.Email", "Where"),
                NonSargable(1, "ToLower()", "a.Email", "Where"),
                NonSargable(2, "ToLower()", "a.Email", "Where"),
                NonSargable(3, "ToLower()", "a.Name", "Where"),
                NonSargable(4, "ToLower()", "a.Name", "Where"),
                NonSargable(5, "ToUpper()", "a.Name", "Where"),
                NonSargable(6, "ToLower()", "a.Name", "Where"),
                NonSargable(7, "Trim()", "a.Email", "Where"),
                NonSargable(8, "ToLower()", "p.Blog.Name", "Where"),
                NonSargable(9, "ToLower()", "p.Title", "Where"),
                NonSargable(10, "ToLower()", "p.Title", "Where"));
        }

        [Fact]
        public async Task Reports_ordering_and_join_keys_and_queries_of_unknown_origin()
        {
            await VerifyCS.VerifyAnalyzerAsync("""
                class C
                {
                    List<Author> Ordered(BlogContext db) => db.Authors.OrderBy(a => a.Name.{|#0:ToLower|}()).ThenByDescending(a => a.Email.{|#1:ToUpper|}()).Take(20).ToList();

                    List<Author> Paged(IQueryable<Author> authors, string v) => authors.Where(a => a.Name.{|#2:ToLower|}() == v).ToList();

                    object Joined(BlogContext db)
                        => (from a in db.Authors
                            join b in db.Blogs on a.Name.{|#3:ToLower|}() equals b.Name
                            select new { a.Id, b.Url }).ToList();

                    Task<List<Author>> Async(BlogContext db, string v) => db.Authors.Where(a => a.Name.{|#4:ToLower|}() == v).OrderBy(a => a.Id).ToListAsync();
                }
                """,
                NonSargable(0, "ToLower()", "a.Name", "OrderBy"),
                NonSargable(1, "ToUpper()", "a.Email", "ThenByDescending"),
                NonSargable(2, "ToLower()", "a.Name", "Where"),
                NonSargable(3, "ToLower()", "a.Name", "Join"),
                NonSargable(4, "ToLower()", "a.Name", "Where"));
        }

        [Fact]
        public async Task Ordering_keys_only_in_an_unfiltered_top_N()
        {
            await VerifyCS.VerifyAnalyzerAsync("""
                class C
                {
                    async Task M(BlogContext db, int blogId, List<int> ids, CancellationToken ct)
                    {
                        _ = await db.Blogs.OrderBy(b => b.Name.{|#0:ToLower|}()).FirstOrDefaultAsync(ct);
                        _ = await db.Blogs.OrderByDescending(b => b.Url.{|#1:Trim|}()).Skip(40).Take(20).ToListAsync(ct);
                        _ = await db.Blogs.OrderBy(b => b.Name.{|#2:ToUpperInvariant|}()).Take(5).ToListAsync(ct);

                        // Filtered before the ordering: sorted after the filter whatever the key.
                        _ = await db.Posts.Where(p => p.BlogId == blogId).OrderBy(p => p.Title.ToLower()).Take(20).ToListAsync(ct);
                        _ = await db.Posts.Where(p => ids.Contains(p.Id)).OrderBy(p => p.Title.ToLower()).ToListAsync(ct);
                        // No row limit: the whole table is read and sorted either way.
                        _ = await db.Blogs.OrderBy(b => b.Name.ToLower()).ToListAsync(ct);
                        _ = await db.Blogs.OrderBy(b => b.Name.ToLower()).Select(b => b.Id).ToListAsync(ct);
                        // Filtered after the ordering, or limited elsewhere.
                        _ = await db.Blogs.OrderBy(b => b.Name.ToLower()).Where(b => b.Rating > 3).Take(20).ToListAsync(ct);
                        var ordered = db.Blogs.OrderBy(b => b.Name.ToLower());
                        _ = await ordered.Take(20).ToListAsync(ct);
                    }
                }
                """,
                NonSargable(0, "ToLower()", "b.Name", "OrderBy"),
                NonSargable(1, "Trim()", "b.Url", "OrderByDescending"),
                Untranslated(2, "ToUpperInvariant()", "OrderBy"));
        }

        [Fact]
        public async Task Reports_untranslated_comparison_overloads_on_columns()
        {
            await VerifyCS.VerifyAnalyzerAsync("""
                using System.Globalization;

                class C
                {
                    void M(BlogContext db, string v)
                    {
                        _ = db.Authors.Where(a => string.{|#0:Equals|}(a.Email, v, StringComparison.OrdinalIgnoreCase)).ToList();
                        _ = db.Authors.FirstOrDefault(a => a.Email.{|#1:Equals|}(v, StringComparison.Ordinal));
                        _ = db.Authors.Any(a => v.{|#2:Equals|}(a.Name, StringComparison.CurrentCultureIgnoreCase));
                        _ = db.Authors.Where(a => string.{|#3:Compare|}(a.Name, v, true) > 0).ToList();
                        _ = db.Authors.Where(a => string.{|#4:Compare|}(a.Name, v, StringComparison.Ordinal) > 0).ToList();
                        _ = db.Authors.Where(a => string.{|#5:CompareOrdinal|}(a.Name, v) > 0).ToList();
                        _ = db.Authors.Where(a => a.Name.{|#6:Contains|}(v, StringComparison.OrdinalIgnoreCase)).ToList();
                        _ = db.Authors.Where(a => a.Name.{|#7:StartsWith|}(v, StringComparison.OrdinalIgnoreCase)).ToList();
                        _ = db.Authors.Where(a => a.Name.{|#8:EndsWith|}(v, true, CultureInfo.InvariantCulture)).ToList();
                        _ = db.Authors.Where(a => a.Name.{|#9:ToLowerInvariant|}() == v).ToList();
                        _ = db.Authors.OrderBy(a => a.Name.{|#10:ToUpperInvariant|}()).ToList();
                        _ = db.Authors.Where(a => a.Name.{|#11:ToLowerInvariant|}().Contains(v)).ToList();
                        _ = db.Authors.Where(a => a.Name.{|#12:IndexOf|}(v, StringComparison.OrdinalIgnoreCase) >= 0).ToList();
                        _ = db.Authors.GroupBy(a => a.Name.{|#13:ToLower|}(CultureInfo.InvariantCulture)).Select(g => g.Count()).ToList();
                        _ = db.Authors.Where(a => string.{|#14:Equals|}(a.Name, a.Email, StringComparison.OrdinalIgnoreCase)).ToList();
                    }

                    Task<bool> Async(BlogContext db, string v) => db.Authors.AnyAsync(a => a.Email.{|#15:Equals|}(v, StringComparison.OrdinalIgnoreCase));
                }
                """,
                Untranslated(0, "string.Equals(string, string, StringComparison)", "Where"),
                Untranslated(1, "Equals(string, StringComparison)", "FirstOrDefault"),
                Untranslated(2, "Equals(string, StringComparison)", "Any"),
                Untranslated(3, "string.Compare(string, string, bool)", "Where"),
                Untranslated(4, "string.Compare(string, string, StringComparison)", "Where"),
                Untranslated(5, "string.CompareOrdinal(string, string)", "Where"),
                Untranslated(6, "Contains(string, StringComparison)", "Where"),
                Untranslated(7, "StartsWith(string, StringComparison)", "Where"),
                Untranslated(8, "EndsWith(string, bool, CultureInfo)", "Where"),
                Untranslated(9, "ToLowerInvariant()", "Where"),
                Untranslated(10, "ToUpperInvariant()", "OrderBy"),
                Untranslated(11, "ToLowerInvariant()", "Where"),
                Untranslated(12, "IndexOf(string, StringComparison)", "Where"),
                Untranslated(13, "ToLower(CultureInfo)", "GroupBy"),
                Untranslated(14, "string.Equals(string, string, StringComparison)", "Where"),
                Untranslated(15, "Equals(string, StringComparison)", "AnyAsync"));
        }

        [Fact]
        public async Task Silent_on_values_parameters_and_locals()
        {
            await VerifyCS.VerifyAnalyzerAsync("""
                class C
                {
                    string _term = "";

                    void M(BlogContext db, string term)
                    {
                        var lowered = term.ToLower();
                        _ = db.Authors.Where(a => a.Email == term.ToLower()).ToList();
                        _ = db.Authors.Where(a => a.Email == lowered.Trim()).ToList();
                        _ = db.Authors.Where(a => a.Email == _term.ToUpperInvariant()).ToList();
                        _ = db.Authors.Where(a => string.Equals(term, "x", StringComparison.OrdinalIgnoreCase) || a.Id > 0).ToList();
                        _ = db.Authors.Where(a => a.Name == (term.Equals("y", StringComparison.Ordinal) ? "a" : "b")).ToList();
                        var names = new List<string> { "a" };
                        _ = db.Authors.Where(a => names.Any(n => n.ToLower() == "a") && a.Id > 0).ToList();
                        _ = db.Authors.Where(a => names.Any(n => string.Equals(n, "a", StringComparison.OrdinalIgnoreCase))).ToList();
                    }
                }
                """);
        }

        [Fact]
        public async Task Silent_in_memory_after_materialization_and_in_the_final_select()
        {
            await VerifyCS.VerifyAnalyzerAsync("""
                class C
                {
                    void M(BlogContext db, List<Author> list, string v)
                    {
                        _ = list.Where(a => a.Name.ToLower() == v).ToList();
                        _ = list.AsQueryable().Where(a => a.Name.ToLower() == v).ToList();
                        _ = list.Where(a => string.Equals(a.Name, v, StringComparison.OrdinalIgnoreCase)).ToList();
                        _ = db.Authors.AsEnumerable().Where(a => a.Name.ToLower() == v).ToList();
                        _ = db.Authors.ToList().Where(a => a.Email.Equals(v, StringComparison.OrdinalIgnoreCase)).ToList();
                        _ = db.Authors.Select(a => a.Name.ToLower()).ToList();
                        _ = db.Authors.Select(a => new { a.Id, Match = string.Equals(a.Name, v, StringComparison.OrdinalIgnoreCase), Key = a.Email.ToLowerInvariant() }).ToList();
                        _ = db.Authors.Max(a => a.Name.ToUpper());
                        System.Func<Author, bool> f = a => a.Name.ToLower() == v;
                        _ = db.Authors.Where(f).ToList();
                    }
                }
                """);
        }

        [Fact]
        public async Task Silent_for_searches_that_scan_anyway_and_comparisons_no_index_serves()
        {
            await VerifyCS.VerifyAnalyzerAsync("""
                class C
                {
                    void M(BlogContext db, string term)
                    {
                        _ = db.Authors.Where(a => a.Name.ToLower().Contains(term)).ToList();
                        _ = db.Authors.Where(a => a.Name.ToLower().Contains(term.ToLower()) || a.Email.ToLower().Contains(term.ToLower())).ToList();
                        _ = db.Authors.Where(a => a.Email.ToLower().EndsWith(term)).ToList();
                        _ = db.Authors.Where(a => a.Email.ToLower().IndexOf(term) >= 0).ToList();
                        _ = db.Authors.Where(a => EF.Functions.Like(a.Name.ToLower(), "%" + term + "%")).ToList();
                        _ = db.Authors.Where(a => a.Name.ToLower() != term).ToList();
                        _ = db.Authors.Where(a => a.Name.ToLower() == a.Email.ToLower()).ToList();
                        _ = db.Authors.Where(a => a.Name.Trim() == null).ToList();
                        _ = db.Authors.Where(a => a.Name.Trim().Length > 3).ToList();
                        _ = db.Authors.Where(a => a.Name == term).OrderBy(a => a.Name).ToList();
                        _ = db.Authors.Where(a => EF.Functions.Collate(a.Email, "NOCASE") == term).ToList();
                        _ = db.Authors.GroupBy(a => a.Name.ToLower()).Select(g => g.Key).ToList();
                        _ = db.Authors.Where(a => a.Name.Contains(term) && a.Email.StartsWith(term)).ToList();
                        _ = db.Authors.Where(a => string.Compare(a.Name, term) > 0 && a.Name.Equals(term)).ToList();
                        _ = db.Authors.FirstOrDefault(a => a.Id == 42 && a.Email.ToLower() == term);
                        _ = db.Posts.Any(p => p.Title.Trim() == term && p.Id == p.BlogId + 0 && p.Id == 7);
                    }
                }
                """);
        }

        [Fact]
        public async Task Works_on_EF_Core_8_and_silent_on_code_that_does_not_bind()
        {
            await VerifyCS.VerifyAnalyzerAsync("""
                class C
                {
                    List<Author> M(BlogContext db, string v) => db.Authors.Where(a => a.Email.{|#0:ToLower|}() == v).ToList();
                }
                """, EfVersion.Ef8, NonSargable(0, "ToLower()", "a.Email", "Where"));

            var test = VerifyCS.Create("""
                class C
                {
                    void M(BlogContext db, string v)
                    {
                        _ = db.Authors.Where(a => a.Emial.ToLower() == v).ToList();
                        _ = db.Missing.Where(a => a.Email.ToLower() == v).ToList();
                        _ = db.Authors.Where(a => a.Email.ToLower() == undefined).ToList();
                        _ = db.Authors.Where(a => string.Equals(a.Email, v, StringComparison.Nope)).ToList();
                        _ = db.Authors.Wher(a => a.Email.ToLower() == v).ToList();
                        _ = db.Authors.Where(a => a.Email.ToLower(
                    }
                }
                """);
            test.CompilerDiagnostics = Microsoft.CodeAnalysis.Testing.CompilerDiagnostics.None;
            await test.RunAsync();
        }

        [Fact]
        public async Task Silent_without_EF_Core()
        {
            var test = VerifyCS.Create("""
                using System.Linq;
                class C
                {
                    object M(IQueryable<string> names, string v) => names.Where(n => n.ToLower() == v).ToList();
                }
                """, EfVersion.None);
            await test.RunAsync();
        }
    }
}
