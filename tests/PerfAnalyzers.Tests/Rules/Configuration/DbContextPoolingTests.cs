using System.Threading.Tasks;
using PerfAnalyzers.Tests.Verifiers;
using Xunit;
using VerifyCS = PerfAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    PerfAnalyzers.Rules.Configuration.DbContextPoolingAnalyzer,
    PerfAnalyzers.CodeFixes.Rules.Configuration.DbContextPoolingFixer>;

namespace PerfAnalyzers.Tests.Rules.Configuration
{
    public class DbContextPoolingTests
    {
        private const string Contexts = """
            using Microsoft.Extensions.DependencyInjection;

            public class ShopContext : DbContext
            {
                public ShopContext(DbContextOptions<ShopContext> options) : base(options) { }
                public DbSet<Blog> Blogs { get; set; }
                public DbSet<Post> Posts => Set<Post>();
                protected override void OnModelCreating(ModelBuilder b) => b.Entity<Blog>().HasKey(x => x.Id);
            }

            public class PlainOptionsContext : DbContext
            {
                public PlainOptionsContext(DbContextOptions options) : base(options) { }
                private readonly int _pageSize = 20;
                public int PageSize => _pageSize;
            }

            public interface ITenant { string Id { get; } }

            public class TenantContext : DbContext
            {
                private readonly ITenant _tenant;
                public TenantContext(DbContextOptions<TenantContext> options, ITenant tenant) : base(options) => _tenant = tenant;
            }

            public class StatefulContext : DbContext
            {
                public StatefulContext(DbContextOptions<StatefulContext> options) : base(options) { }
                public string CurrentUser { get; set; }
            }

            public class TwoCtorContext : DbContext
            {
                public TwoCtorContext() { }
                public TwoCtorContext(DbContextOptions<TwoCtorContext> options) : base(options) { }
            }

            public class ConfiguringContext : DbContext
            {
                private readonly string _connection = "Data Source=x";
                public ConfiguringContext(DbContextOptions<ConfiguringContext> options) : base(options) { }
                protected override void OnConfiguring(DbContextOptionsBuilder b) => b.UseSqlite(_connection);
            }

            public class StaticConfiguringContext : DbContext
            {
                public StaticConfiguringContext(DbContextOptions<StaticConfiguringContext> options) : base(options) { }
                protected override void OnConfiguring(DbContextOptionsBuilder b) => b.EnableSensitiveDataLogging();
            }

            public interface IShopContext { }

            public class InterfaceContext : DbContext, IShopContext
            {
                public InterfaceContext(DbContextOptions<InterfaceContext> options) : base(options) { }
            }

            """;

        [Fact]
        public async Task Reports_pool_compatible_registrations()
        {
            var source = Contexts + """
                class Startup
                {
                    void Configure(IServiceCollection services, string cs)
                    {
                        services.{|#0:AddDbContext<ShopContext>|}(o => o.UseSqlite(cs));
                        services.{|#1:AddDbContext<PlainOptionsContext>|}(o => o.UseSqlite(cs), ServiceLifetime.Scoped);
                        services.{|#2:AddDbContext<StaticConfiguringContext>|}((sp, o) => o.UseSqlite(cs));
                        services.{|#3:AddDbContext<IShopContext, InterfaceContext>|}(o => o.UseSqlite(cs));
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("EFP501").WithLocation(0).WithArguments("ShopContext"),
                VerifyCS.Diagnostic("EFP501").WithLocation(1).WithArguments("PlainOptionsContext"),
                VerifyCS.Diagnostic("EFP501").WithLocation(2).WithArguments("StaticConfiguringContext"),
                VerifyCS.Diagnostic("EFP501").WithLocation(3).WithArguments("InterfaceContext"));
        }

        [Fact]
        public async Task Does_not_report_contexts_or_registrations_a_pool_would_change()
        {
            var source = Contexts + """
                class Startup
                {
                    void Configure(IServiceCollection services, string cs, Action<DbContextOptionsBuilder> configure)
                    {
                        services.AddDbContext<TenantContext>(o => o.UseSqlite(cs));             // injected service
                        services.AddDbContext<StatefulContext>(o => o.UseSqlite(cs));           // mutable state
                        services.AddDbContext<TwoCtorContext>(o => o.UseSqlite(cs));            // two constructors
                        services.AddDbContext<ConfiguringContext>(o => o.UseSqlite(cs));        // OnConfiguring reads a field
                        services.AddDbContext<BlogContext>(o => o.UseSqlite(cs));               // parameterless constructor too
                        services.AddDbContext<ShopContext>(o => o.UseSqlite(cs), ServiceLifetime.Transient);
                        services.AddDbContext<ShopContext>(contextLifetime: ServiceLifetime.Singleton, optionsAction: o => o.UseSqlite(cs));
                        services.AddDbContext<ShopContext>((sp, o) => o.UseSqlite(cs).AddInterceptors(sp.GetServices<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor>()));
                        services.AddDbContext<ShopContext>();                                    // no options: configured elsewhere
                        services.AddDbContextPool<ShopContext>(o => o.UseSqlite(cs));            // already pooled
                        services.AddDbContextFactory<ShopContext>(o => o.UseSqlite(cs));
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Fix_switches_to_AddDbContextPool_and_drops_scoped_lifetimes()
        {
            var source = Contexts + """
                class Startup
                {
                    void Configure(IServiceCollection services, string cs, Action<DbContextOptionsBuilder> configure)
                    {
                        services.{|EFP501:AddDbContext<ShopContext>|}(options =>
                        {
                            options.UseSqlite(cs);
                            options.EnableDetailedErrors();
                        });
                        services.{|EFP501:AddDbContext<PlainOptionsContext>|}(configure, ServiceLifetime.Scoped, ServiceLifetime.Scoped);
                    }
                }
                """;
            var fixedSource = Contexts + """
                class Startup
                {
                    void Configure(IServiceCollection services, string cs, Action<DbContextOptionsBuilder> configure)
                    {
                        services.AddDbContextPool<ShopContext>(options =>
                        {
                            options.UseSqlite(cs);
                            options.EnableDetailedErrors();
                        });
                        services.AddDbContextPool<PlainOptionsContext>(configure);
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Works_with_ef8()
        {
            var source = Contexts.Replace("b.UseSqlite(_connection)", "b.EnableSensitiveDataLogging(_connection.Length > 0)") + """
                class Startup
                {
                    void Configure(IServiceCollection services)
                    {
                        services.{|EFP501:AddDbContext<ShopContext>|}(o => o.EnableDetailedErrors());
                        services.AddDbContext<ConfiguringContext>(o => o.EnableDetailedErrors());
                    }
                }
                """;
            var fixedSource = Contexts.Replace("b.UseSqlite(_connection)", "b.EnableSensitiveDataLogging(_connection.Length > 0)") + """
                class Startup
                {
                    void Configure(IServiceCollection services)
                    {
                        services.AddDbContextPool<ShopContext>(o => o.EnableDetailedErrors());
                        services.AddDbContext<ConfiguringContext>(o => o.EnableDetailedErrors());
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef8);
        }

        [Theory]
        [InlineData("void M(Microsoft.Extensions.DependencyInjection.IServiceCollection s) { s.AddDbContext<BlogContext>(o => o. }")]
        [InlineData("void M(Microsoft.Extensions.DependencyInjection.IServiceCollection s) { s.AddDbContext<Missing>(o => o.UseSqlite(\"\")); }")]
        [InlineData("void M(Microsoft.Extensions.DependencyInjection.IServiceCollection s) { s.AddDbContext<X>(; } class X : DbContext { public X(DbContextOptions<X> o, ) : base(o) { } }")]
        public async Task Broken_code_does_not_crash(string member)
        {
            var diagnostics = await AnalyzerRunner.RunAsync(new PerfAnalyzers.Rules.Configuration.DbContextPoolingAnalyzer(), "class C { " + member + " }");
            Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
        }
    }
}
