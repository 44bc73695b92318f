using System.Threading.Tasks;
using Xunit;
using Verify = PerfAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<PerfAnalyzers.Rules.Loading.NPlusOneThroughCallAnalyzer>;

namespace PerfAnalyzers.Tests.Rules.Loading
{
    /// <summary>EFP104 through delegates held in locals (lambdas and method groups) invoked per element (issue 10).</summary>
    public class NPlusOneThroughDelegateTests
    {
        [Fact]
        public async Task Reports_lambdas_and_method_groups_held_in_locals()
        {
            var source = """
                public class S
                {
                    private readonly BlogContext _db;
                    public S(BlogContext db) => _db = db;

                    public async Task Run(List<Blog> blogs)
                    {
                        Func<Task> save = () => _db.SaveChangesAsync();
                        foreach (var b in blogs) { b.Rating++; await {|#0:save|}(); }

                        Func<int, Blog> find = id => _db.Blogs.Find(id);
                        foreach (var b in blogs) { var x = {|#1:find|}(b.Id); }

                        Func<int, Blog> byGroup = Load;
                        blogs.ForEach(b => {|#2:byGroup|}(b.Id));

                        foreach (var b in blogs) { {|#3:Helper|}(b.Id); }
                    }

                    void Helper(int id) { Func<Blog> f = () => _db.Blogs.Find(id); f(); }
                    Blog Load(int id) => _db.Blogs.Find(id);
                }
                """;
            await Verify.VerifyAnalyzerAsync(
                source,
                Verify.Diagnostic("EFP104").WithLocation(0).WithArguments("save", "iteration of this 'foreach' loop", "save -> SaveChangesAsync"),
                Verify.Diagnostic("EFP104").WithLocation(1).WithArguments("find", "iteration of this 'foreach' loop", "find -> Find"),
                Verify.Diagnostic("EFP104").WithLocation(2).WithArguments("byGroup", "element in this 'List.ForEach' lambda", "byGroup -> S.Load -> Find"),
                Verify.Diagnostic("EFP104").WithLocation(3).WithArguments("Helper", "iteration of this 'foreach' loop", "Helper -> f -> Find"));
        }

        [Fact]
        public async Task Does_not_report_pure_delegates_parameters_or_delegates_of_unknown_origin()
        {
            var source = """
                public class S
                {
                    private readonly BlogContext _db;
                    private readonly Func<int, Blog> _field;
                    public S(BlogContext db) { _db = db; _field = id => _db.Blogs.Find(id); }

                    public async Task Run(List<Blog> blogs, Func<Task> given)
                    {
                        Func<int, int> pure = id => id + 1;
                        Func<int, Blog> later = id => null;
                        later = Factory();
                        foreach (var b in blogs)
                        {
                            var x = pure(b.Id);
                            await given();
                            var y = later(b.Id);
                            var z = _field(b.Id);
                        }

                        // Invoked once, not per element.
                        Func<Task> save = () => _db.SaveChangesAsync();
                        await save();
                    }

                    Func<int, Blog> Factory() => id => _db.Blogs.Find(id);
                }
                """;
            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task No_crash_on_a_delegate_that_does_not_bind()
        {
            var source = """
                public class S
                {
                    private readonly BlogContext _db;
                    public void Run(List<Blog> blogs)
                    {
                        Func<Blog> f = () => _db.Blogs.{|#0:Missing|}();
                        foreach (var b in blogs) { f(); {|#1:g|}(); }
                    }
                }
                """;
            var test = Verify.Create(source);
            test.ExpectedDiagnostics.Add(Microsoft.CodeAnalysis.Testing.DiagnosticResult.CompilerError("CS1061").WithLocation(0).WithArguments("Microsoft.EntityFrameworkCore.DbSet<Blog>", "Missing"));
            test.ExpectedDiagnostics.Add(Microsoft.CodeAnalysis.Testing.DiagnosticResult.CompilerError("CS0103").WithLocation(1).WithArguments("g"));
            await test.RunAsync();
        }
    }
}
