using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using PerfAnalyzers.EfCore;
using PerfAnalyzers.Rules.Async;
using PerfAnalyzers.Rules.Loading;
using PerfAnalyzers.Rules.Writes;
using PerfAnalyzers.Tests.Verifiers;
using Xunit;

namespace PerfAnalyzers.Tests.EfCore
{
    /// <summary>
    /// One layer fact, "this is setup code" (EfCore/SetupCode.cs), for every rule that stays silent there: EFP101, EFP104,
    /// EFP201, EFP202, EFP401. Each silent source has a twin (a request-path caller, the option on) that reports, so the
    /// silence comes from the fact and nothing else.
    /// </summary>
    public class SetupCodeTests
    {
        private static readonly string[] SetupRules = { "EFP101", "EFP104", "EFP201", "EFP202", "EFP401" };

        // Per-item Any, SaveChanges and a call that updates, then a loop that only adds, in async code: every rule above fires
        // once on this body outside setup code.
        private const string Body = """
                    foreach (var name in names)
                    {
                        if (!db.Blogs.Any(b => b.Name == name)) { db.Tags.Add(new Tag { Label = name }); }
                        await db.SaveChangesAsync();
                        await TagStore.Touch(db, name);
                    }

                    foreach (var name in names) { db.Tags.Add(new Tag { Label = name + "!" }); }
            """;

        private const string Helpers = """
            public static class TagStore
            {
                public static Task Touch(BlogContext db, string name) => db.Tags.Where(t => t.Label == name).ExecuteUpdateAsync(s => s.SetProperty(t => t.Label, name));
            }

            """;

        private const string Cqs = """
            namespace Cqs
            {
                public interface ICommand { }
                public interface ICommandHandler<TCommand> where TCommand : ICommand { Task ExecuteAsync(TCommand command); }
                public interface ICommandExecutor { Task ExecuteAsync(ICommand command); }
            }

            """;

        private const string AspNetBuilder = """
            namespace Microsoft.AspNetCore.Builder { public interface IApplicationBuilder { void Run(Func<Task> handler); } }

            """;

        private static readonly Dictionary<string, string> SilentSources = new()
        {
            // The names the issue lists (an async seeder with sync Any: EFP401 was the rule that did not know).
            ["async-seeder"] = Helpers + "public class DataSeeder { public async Task RunAsync(BlogContext db, string[] names) {\n" + Body + "\n} }",
            ["install-method"] = Helpers + "public class Setup { public async Task InstallAsync(BlogContext db, string[] names) {\n" + Body + "\n} }",
            // A module's removal runs once, as its installation does (Smartstore's and nopCommerce's plug-in UninstallAsync).
            ["uninstall-override"] = Helpers + "public abstract class ModuleBase { public virtual Task UninstallAsync(BlogContext db, string[] names) => Task.CompletedTask; }\n"
                + "public class TagModule : ModuleBase { public override async Task UninstallAsync(BlogContext db, string[] names) {\n" + Body + "\n} }",
            ["site-provisioner-type"] = Helpers + "public class SiteProvisioner { public async Task ApplyTemplateAsync(BlogContext db, string[] names) {\n" + Body + "\n} }",
            ["migrate-method"] = Helpers + "public class Data { public async Task MigrateLegacyTagsAsync(BlogContext db, string[] names) {\n" + Body + "\n} }",
            // An application's upgrade steps, run once per version upgrade (Oqtane's UpgradeManager.Upgrade_3_3_0).
            ["upgrade-step-method"] = Helpers + "public class Maintenance { public async Task Upgrade_3_3_0(BlogContext db, string[] names) {\n" + Body + "\n} }",
            ["upgrade-manager-type"] = Helpers + "public class UpgradeManager { public async Task RenameTagsAsync(BlogContext db, string[] names) {\n" + Body + "\n} }",
            ["seed-contributor-interface"] = Helpers + "public interface IDataSeedContributor { Task RunAsync(BlogContext db, string[] names); }\n"
                + "public class TagData : IDataSeedContributor { public async Task RunAsync(BlogContext db, string[] names) {\n" + Body + "\n} }",

            // A method that creates or migrates the database, whatever its name.
            ["ensure-created-caller"] = Helpers + "public class Startup2 { public async Task PrepareAsync(BlogContext db, string[] names) {\n"
                + "await db.Database.EnsureCreatedAsync();\n" + Body + "\n} }",

            // A callback that migrates the database, wherever it is registered (smtp4dev repairs its data in an AddDbContext
            // options callback right after Database.Migrate()).
            ["migrating-callback"] = Helpers + "public class Startup3 { public void ConfigureServices(List<Func<BlogContext, string[], Task>> hooks) { hooks.Add(async (db, names) => {\n"
                + "db.Database.Migrate();\n" + Body + "\n}); } }",

            // IHostedService.StartAsync (declared here: the test references no hosting assembly).
            ["hosted-service-start"] = Helpers + """
                namespace Microsoft.Extensions.Hosting { public interface IHostedService { Task StartAsync(CancellationToken ct); Task StopAsync(CancellationToken ct); } }
                public class Warmup : Microsoft.Extensions.Hosting.IHostedService
                {
                    private readonly BlogContext db = new();
                    private readonly string[] names = { "a" };
                    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
                    public async Task StartAsync(CancellationToken ct) {
                """ + Body + "\n} }",

            // A method that builds the application (VirtoCommerce's app.UpdateServerCertificateIfNeed(cert), called from a
            // lambda in Startup.Configure), declared here: the test references no ASP.NET Core assembly.
            ["application-builder-extension"] = Helpers + AspNetBuilder + """
                public static class CertificateSetup
                {
                    public static async Task UpdateTagsIfNeeded(this Microsoft.AspNetCore.Builder.IApplicationBuilder app, BlogContext db, string[] names)
                    {
                """ + Body + "\n} }",

            // Cofoundry: an installation step (a type in an Installation namespace) runs a command through the command
            // executor; the command's handler and its private helpers are start-up registration.
            ["handler-of-a-command-created-in-installation"] = Helpers + Cqs + """
                namespace App.Installation
                {
                    public class RegisterEverything
                    {
                        public Task RunAsync(Cqs.ICommandExecutor commands, string[] names) => commands.ExecuteAsync(new App.RegisterTags(names));
                    }
                }

                namespace App
                {
                    public record RegisterTags(string[] Names) : Cqs.ICommand;
                    public class RegisterTagsHandler : Cqs.ICommandHandler<RegisterTags>
                    {
                        private readonly BlogContext db = new();
                        public async Task ExecuteAsync(RegisterTags command) => await UpdateTagsAsync(db, command.Names);

                        private async Task UpdateTagsAsync(BlogContext db, string[] names)
                        {
                """ + Body + "\n} } }",

            // Site-template provisioning in methods with ordinary names, reachable only from Program.Main.
            ["reachable-only-from-main"] = Helpers + """
                public static class Program
                {
                    public static async Task Main(string[] args)
                    {
                        using var db = new BlogContext();
                        await Sites.CreateDefaultSiteAsync(db, args);
                    }
                }

                public static class Sites
                {
                    public static async Task CreateDefaultSiteAsync(BlogContext db, string[] names) => await CreatePagesAsync(db, names);

                    private static async Task CreatePagesAsync(BlogContext db, string[] names)
                    {
                """ + Body + "\n} }",

            // A start-up conversion called through its interface (GetRequiredService<IX>().M()), which one class implements:
            // the implementation runs only from Main. Its log line names it (nameof runs nothing).
            ["interface-call-from-main-with-one-implementation"] = "using Microsoft.Extensions.DependencyInjection;\n" + Helpers + """
                public static class Program
                {
                    public static async Task Main(string[] args)
                    {
                        IServiceProvider services = new ServiceCollection().BuildServiceProvider();
                        using var scope = services.CreateScope();
                        await scope.ServiceProvider.GetRequiredService<ITagImport>().ImportAsync(args);
                    }
                }

                public interface ITagImport { Task ImportAsync(string[] names); }

                public class TagImport : ITagImport
                {
                    private readonly BlogContext db = new();
                    public async Task ImportAsync(string[] names)
                    {
                        Console.WriteLine(nameof(ImportAsync));
                """ + Body + "\n} }",

            // TeslaSolarCharger: top-level statements start a local function that migrates the database and then runs the
            // start-up conversions through their interfaces.
            ["interface-call-from-a-migrating-local-function"] = """
                using Microsoft.Extensions.DependencyInjection;
                IServiceProvider services = new ServiceCollection().BuildServiceProvider();
                _ = DoStartupStuff(services, args);

                async Task DoStartupStuff(IServiceProvider provider, string[] names)
                {
                    using var scope = provider.CreateScope();
                    await scope.ServiceProvider.GetRequiredService<BlogContext>().Database.MigrateAsync();
                    var converter = scope.ServiceProvider.GetRequiredService<ITagConverter>();
                    await converter.ConvertOldTags(names);
                }

                public interface ITagConverter { Task ConvertOldTags(string[] names); }

                public class TagConverter : ITagConverter
                {
                    private readonly BlogContext db = new();
                    public async Task ConvertOldTags(string[] names)
                    {
                """ + Body + "\n} }\n" + Helpers,
        };

        public static IEnumerable<object[]> SilentNames() => SilentSources.Keys.Select(k => new object[] { k });

        [Theory]
        [MemberData(nameof(SilentNames))]
        public async Task Setup_code_is_silent_in_every_rule_that_knows_it(string name)
        {
            var diagnostics = await RunAsync(SilentSources[name], reportSetupCode: false);
            Assert.Empty(diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
            var findings = diagnostics.Where(d => SetupRules.Contains(d.Id)).Select(d => d.ToString()).ToList();
            Assert.True(findings.Count == 0, string.Join("\n", findings));
        }

        [Theory]
        [MemberData(nameof(SilentNames))]
        public async Task The_option_reports_setup_code_anyway(string name)
        {
            var diagnostics = await RunAsync(SilentSources[name], reportSetupCode: true);
            var ids = diagnostics.Select(d => d.Id).ToHashSet();
            foreach (var id in SetupRules)
            {
                Assert.True(ids.Contains(id), $"{id} expected with report_seeding_code = true; got {string.Join(", ", diagnostics.Select(d => d.ToString()))}");
            }
        }

        [Fact]
        public async Task Request_code_with_setup_like_names_or_callers_still_reports()
        {
            var source = "using Microsoft.Extensions.DependencyInjection;\n" + Helpers + """
                public static class Program
                {
                    public static async Task Main(string[] args)
                    {
                        using var db = new BlogContext();
                        await Sites.CreateDefaultSiteAsync(db, args);
                        IServiceProvider services = new ServiceCollection().BuildServiceProvider();
                        await services.GetRequiredService<ITagSync>().SyncAsync(args);
                        await services.GetRequiredService<ITagCleanup>().CleanAsync(args);
                    }
                }

                // Called through its interface at start-up and by a request: not setup code.
                public interface ITagSync { Task SyncAsync(string[] names); }
                public class TagSync : ITagSync
                {
                    private readonly BlogContext db = new();
                    public async Task SyncAsync(string[] names)
                    {
                """ + Body + """

                    }
                }

                public class TagSyncController
                {
                    public Task Post(ITagSync sync, string[] names) => sync.SyncAsync(names);
                }

                // Two implementations: which one start-up runs is not known, and the look does not follow the call.
                public interface ITagCleanup { Task CleanAsync(string[] names); }
                public class SqlTagCleanup : ITagCleanup
                {
                    private readonly BlogContext db = new();
                    public async Task CleanAsync(string[] names)
                    {
                """ + Body + """

                    }
                }

                public class FileTagCleanup : ITagCleanup
                {
                    private readonly BlogContext db = new();
                    public async Task CleanAsync(string[] names)
                    {
                """ + Body + """

                    }
                }

                public static class Sites
                {
                    public static async Task CreateDefaultSiteAsync(BlogContext db, string[] names) => await CreatePagesAsync(db, names);

                    // Also called from a request handler: not setup code.
                    public static async Task CreatePagesAsync(BlogContext db, string[] names)
                    {
                """ + Body + """

                    }
                }

                public class SitesController
                {
                    public Task Post(BlogContext db, string[] names) => Sites.CreatePagesAsync(db, names);
                }

                public class BillingService
                {
                    // An upgrade of a customer's plan is a request, not an application upgrade step.
                    public async Task UpgradePlanAsync(BlogContext db, string[] names)
                    {
                """ + Body + """

                    }
                }

                public class InstallmentService
                {
                    // "Installments" is not the word "Install".
                    public async Task InstallmentsAsync(BlogContext db, string[] names)
                    {
                """ + Body + """

                    }
                }

                public record ImportTags(string[] Names) : Cqs.ICommand;
                public class ImportTagsHandler : Cqs.ICommandHandler<ImportTags>
                {
                    private readonly BlogContext db = new();
                    public async Task ExecuteAsync(ImportTags command) => await UpdateTagsAsync(db, command.Names);

                    // Run at start-up and by a request: not setup code.
                    private async Task UpdateTagsAsync(BlogContext db, string[] names)
                    {
                """ + Body + """

                    }
                }

                public class StartupImport
                {
                    public Task InstallAsync(Cqs.ICommandExecutor commands, string[] names) => commands.ExecuteAsync(new ImportTags(names));
                }

                public class TagsController
                {
                    public Task Post(Cqs.ICommandExecutor commands, string[] names) => commands.ExecuteAsync(new ImportTags(names));
                }

                public static class Pipeline
                {
                    // The handler a pipeline builder registers runs per request.
                    public static void UseTagCounter(this Microsoft.AspNetCore.Builder.IApplicationBuilder app, BlogContext db, string[] names)
                    {
                        app.Run(async () =>
                        {
                """ + Body + "\n}); } }" + AspNetBuilder + Cqs;
            var diagnostics = await RunAsync(source, reportSetupCode: false);
            Assert.Empty(diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
            foreach (var id in SetupRules)
            {
                Assert.True(diagnostics.Count(d => d.Id == id) == 8, $"{id} eight times expected (request code, a plan upgrade, installments, a request handler a pipeline builder registers, a command handler a request also runs, an interface method a request also calls, the two implementations of an interface method); got {string.Join(", ", diagnostics.Select(d => d.ToString()))}");
            }
        }

        [Fact]
        public async Task An_interface_method_a_request_also_calls_is_not_setup_code_where_start_up_calls_it()
        {
            var source = SilentSources["interface-call-from-a-migrating-local-function"]
                + "\npublic class TagsController { public Task Post(ITagConverter converter, string[] names) => converter.ConvertOldTags(names); }";
            var diagnostics = await RunAsync(source, reportSetupCode: false);
            Assert.Empty(diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
            foreach (var id in SetupRules)
            {
                Assert.True(diagnostics.Count(d => d.Id == id) == 1, $"{id} once expected (the conversion a request also runs); got {string.Join(", ", diagnostics.Select(d => d.ToString()))}");
            }
        }

        // The query and write rules that stay quiet in setup code too (EFP302, EFP303, EFP305, EFP306, EFP204): a seeder that
        // reads back a row it wrote with First() and no order, loads whole posts to sum one column, tracks blogs it only reads, counts a list it loaded,
        // and removes the rows it loaded only to remove them. Smartstore's InvariantSeedData is this shape, 33 findings.
        private const string QueryBody = """
                    var first = db.Tags.First();
                    var count = db.Posts.ToList().Count();
                    var old = await db.Authors.Where(a => a.Name == "old").ToListAsync();
                    db.Authors.RemoveRange(old);
                    await db.SaveChangesAsync();
                    Console.WriteLine($"{first.Label} {count}");
                }

                public int Views(BlogContext db)
                {
                    var posts = db.Posts.Where(p => p.IsPublished).ToList();
                    return posts.Sum(p => p.Views);
                }

                public List<int> BlogIds(BlogContext db)
                {
                    var blogs = db.Blogs.ToList();
                    return blogs.Select(b => b.Id).ToList();
            """;

        private static readonly string[] QueryRules = { "EFP302", "EFP303", "EFP305", "EFP306", "EFP204" };

        private static DiagnosticAnalyzer[] QueryAnalyzers() => new DiagnosticAnalyzer[]
        {
            new PerfAnalyzers.Rules.Query.ReadOnlyTrackingQueryAnalyzer(), new PerfAnalyzers.Rules.Query.PrematureMaterializationAnalyzer(),
            new PerfAnalyzers.Rules.Query.WholeEntityProjectionAnalyzer(), new PerfAnalyzers.Rules.Query.PagingWithoutOrderByAnalyzer(),
            new DeleteLoopAnalyzer(),
        };

        [Fact]
        public async Task Query_and_write_rules_are_silent_in_setup_code_and_report_it_with_the_option()
        {
            var seeder = "public class DataSeeder { public async Task SeedAsync(BlogContext db) {\n" + QueryBody + "\n} }";
            var request = "public class TagsController { public async Task Index(BlogContext db) {\n" + QueryBody + "\n} }";

            var inRequest = await RunAsync(request, false, QueryAnalyzers());
            Assert.Empty(inRequest.Where(d => d.Severity == DiagnosticSeverity.Error));
            foreach (var id in QueryRules)
            {
                Assert.True(inRequest.Any(d => d.Id == id), $"{id} expected in request code; got {string.Join(", ", inRequest.Select(d => d.ToString()))}");
            }

            var inSeeder = await RunAsync(seeder, false, QueryAnalyzers());
            var findings = inSeeder.Where(d => d.Id.StartsWith("EFP", System.StringComparison.Ordinal)).Select(d => d.ToString()).ToList();
            Assert.True(findings.Count == 0, string.Join("\n", findings));

            var withOption = await RunAsync(seeder, true, QueryAnalyzers());
            foreach (var id in QueryRules)
            {
                Assert.True(withOption.Any(d => d.Id == id), $"{id} expected with report_seeding_code = true; got {string.Join(", ", withOption.Select(d => d.ToString()))}");
            }
        }

        [Fact]
        public async Task Lambdas_in_top_level_statements_are_request_handlers_not_setup_code()
        {
            var source = """
                using var db = new BlogContext();
                var names = args;
                foreach (var name in names)
                {
                    if (!db.Tags.Any(t => t.Label == name)) db.Tags.Add(new Tag { Label = name });
                    db.SaveChanges();
                }

                Func<string[], Task> handler = async items =>
                {
                    foreach (var item in items)
                    {
                        if (!db.Tags.{|#0:Any|}(t => t.Label == item)) db.Tags.Add(new Tag { Label = item });
                    }

                    await db.SaveChangesAsync();
                };
                """;
            var test = CSharpAnalyzerVerifier<QueryInLoopAnalyzer>.Create(source);
            test.TestState.OutputKind = OutputKind.ConsoleApplication;
            test.ExpectedDiagnostics.Add(CSharpAnalyzerVerifier<QueryInLoopAnalyzer>.Diagnostic("EFP101").WithLocation(0).WithArguments("Any", "query", "iteration of this 'foreach' loop"));
            await test.RunAsync();
        }

        [Fact]
        public void The_layer_answers_from_names_callers_and_entry_points()
        {
            var host = EfCoreTestHost.Create("""
                public class Setup
                {
                    public void SeedTags(BlogContext db) => db.Tags.ToList/*seed*/();
                    public void InstallSchema(BlogContext db) { db.Database.EnsureCreated(); Fill(db); }
                    private void Fill(BlogContext db) => db.Tags.ToList/*fill*/();
                    public void Installments(BlogContext db) => db.Tags.ToList/*installments*/();
                    public void Shared(BlogContext db) => db.Tags.ToList/*shared*/();
                    public void Request(BlogContext db) => Shared(db);
                    public void Prepare(BlogContext db) { db.Database.Migrate(); Shared(db); db.Tags.ToList/*migrate*/(); }
                }
                """);
            bool IsSetup(string marker) => SetupCode.IsSetupCode(host.Ef!, host.Invocation(marker));
            Assert.True(IsSetup("seed"));
            Assert.True(IsSetup("fill"));
            Assert.True(IsSetup("migrate"));
            Assert.False(IsSetup("installments"));
            Assert.False(IsSetup("shared"));
        }

        [Fact]
        public void Methods_reachable_only_from_setup_code_are_found_where_they_run_with_the_setup_method()
        {
            // The calls a setup method makes are read from syntax first (issue 14); these are the shapes where that needs care:
            // a per-element lambda runs with the method, a registered callback and a local function do not, and a query
            // expression's clauses or a collection initializer's Add call methods that no invocation expression names. The
            // answers are those the operation-tree look gave before (checked against it); per-name is a candidate, then
            // ruled out because its one reference is inside a lambda (OnlyCalledFromSetup counts only direct calls).
            var host = EfCoreTestHost.Create("""
                public class Setup
                {
                    private readonly List<Action> _later = new();
                    public void InstallSite(BlogContext db, List<string> names)
                    {
                        Direct(db);
                        names.ForEach(n => PerName(db, n));
                        _later.Add(() => Callback(db));
                        void Local() => InLocal(db);
                        Local();
                        var picked = (from n in names select Queried(db, n)).ToList();
                        var bag = new Bag { Initialized(db) };
                    }

                    private void Direct(BlogContext db) => db.Tags.ToList/*direct*/();
                    private int PerName(BlogContext db, string n) => db.Tags.Count/*per-name*/();
                    private void Callback(BlogContext db) => db.Tags.ToList/*callback*/();
                    private void InLocal(BlogContext db) => db.Tags.ToList/*local*/();
                    private int Queried(BlogContext db, string n) => db.Tags.Count/*queried*/();
                    private int Initialized(BlogContext db) => db.Tags.Count/*initialized*/();
                }

                public class Bag : System.Collections.IEnumerable
                {
                    public void Add(int value) { }
                    public System.Collections.IEnumerator GetEnumerator() => null!;
                }
                """);
            bool IsSetup(string marker) => SetupCode.IsSetupCode(host.Ef!, host.Invocation(marker));
            var answers = string.Join(", ", new[] { "direct", "per-name", "callback", "local", "queried", "initialized" }.Select(m => m + "=" + IsSetup(m)));
            Assert.Equal("direct=True, per-name=False, callback=False, local=False, queried=True, initialized=True", answers);
        }

        [Fact]
        public void An_interface_or_abstract_method_s_one_implementation_is_a_candidate_of_the_look()
        {
            // A call of an interface or abstract method runs its one implementation in source (RoundTripSummaries.ResolveTarget,
            // the answer the round-trip summaries use), so the look follows it as a direct call: accepted when every call of
            // the method's name, and every call of the implementation itself, is in setup code. Not with two implementations,
            // not when the one override is overridden again, not when a request calls the method too, nor another interface
            // method it implements in a derived type (relay). The implementation's own callees are the next level (copy -> CopyRows).
            var host = EfCoreTestHost.Create("""
                public interface ITagImport { void ImportTags(BlogContext db); }
                public interface ITagShare { void ShareTags(BlogContext db); }
                public interface ITagPair { void PairTags(BlogContext db); }
                public interface ITagRelay { void RelayTags(BlogContext db); }
                public interface IRelayAgain { void RelayTags(BlogContext db); }
                public abstract class StepBase { public abstract void Copy(BlogContext db); public abstract void Move(BlogContext db); }

                public class TagImport : ITagImport
                {
                    public void ImportTags(BlogContext db) { Console.WriteLine(nameof(ImportTags)); db.Tags.ToList/*import*/(); }
                }

                public class TagShare : ITagShare { public void ShareTags(BlogContext db) => db.Tags.ToList/*share*/(); }
                public class TagPairA : ITagPair { public void PairTags(BlogContext db) => db.Tags.ToList/*pair-a*/(); }
                public class TagPairB : ITagPair { public void PairTags(BlogContext db) => db.Tags.ToList/*pair-b*/(); }
                public class TagRelay : ITagRelay { public void RelayTags(BlogContext db) => db.Tags.ToList/*relay*/(); }
                public class TagRelayAgain : TagRelay, IRelayAgain { }

                public class CopyStep : StepBase
                {
                    public override void Copy(BlogContext db) => Rows.CopyRows(db);
                    public override void Move(BlogContext db) => db.Tags.ToList/*move*/();
                }

                public class MoveTwiceStep : CopyStep
                {
                    public override void Move(BlogContext db) => db.Tags.ToList/*move-twice*/();
                }

                public static class Rows { public static void CopyRows(BlogContext db) => db.Tags.ToList/*copy-rows*/(); }

                public class Setup
                {
                    public void InstallSite(BlogContext db, ITagImport import, ITagShare share, ITagPair pair, StepBase step, ITagRelay relay)
                    {
                        import.ImportTags(db);
                        share.ShareTags(db);
                        pair.PairTags(db);
                        step.Copy(db);
                        step.Move(db);
                        relay.RelayTags(db);
                    }
                }

                public class TagsController
                {
                    public void Post(BlogContext db, ITagShare share) => share.ShareTags(db);
                    public void Put(BlogContext db, IRelayAgain relay) => relay.RelayTags(db);
                }
                """);
            bool IsSetup(string marker) => SetupCode.IsSetupCode(host.Ef!, host.Invocation(marker));
            var answers = string.Join(", ", new[] { "import", "share", "pair-a", "pair-b", "relay", "copy-rows", "move", "move-twice" }.Select(m => m + "=" + IsSetup(m)));
            Assert.Equal("import=True, share=False, pair-a=False, pair-b=False, relay=False, copy-rows=True, move=False, move-twice=False", answers);
        }

        [Fact]
        public void A_database_creator_s_helpers_are_setup_code_in_an_application_with_more_start_up_calls_than_the_look_reads()
        {
            // mixcore: an install wizard's step migrates the database and then calls InitSiteData, which only it calls. The
            // application's start-up code calls more source methods than the bounded look judges (SetupCode.MaxCandidates);
            // the look used to drop the whole level then, so the wizard's helper counted as request code. Now the database
            // creators are read first and the candidates are judged up to the budget.
            var helpers = string.Join("\n", Enumerable.Range(0, SetupCode.MaxCandidates + 10).Select(i => $"    public static void H{i}() {{ }}"));
            var calls = string.Join(" ", Enumerable.Range(0, SetupCode.MaxCandidates + 10).Select(i => $"Helpers.H{i}();"));
            var host = EfCoreTestHost.Create($$"""
                public static class Helpers
                {
                {{helpers}}
                }

                public class Startup
                {
                    public void Configure() { {{calls}} }
                }

                public static class SiteWizard
                {
                    public static async Task<bool> InitSite(BlogContext db)
                    {
                        await db.Database.MigrateAsync();
                        return await InitSiteData(db);
                    }

                    public static async Task<bool> InitSiteData(BlogContext db)
                    {
                        await Task.Yield();
                        return db.Tags.Count/*wizard*/() == 0;
                    }

                    public static async Task<int> CountTags(BlogContext db) { await Task.Yield(); return db.Tags.Count/*request*/(); }
                }
                """);
            Assert.True(SetupCode.IsSetupCode(host.Ef!, host.Invocation("wizard")));
            Assert.False(SetupCode.IsSetupCode(host.Ef!, host.Invocation("request")));
        }

        /// <summary>Helpers of every arity shape the setup look must bind or may skip: optional and params parameters, an extension method, overloads.</summary>
        private const string ArityHelpers = """
            public static class TagQueries
            {
                public static int Reduced(this BlogContext db, string name) => db.Tags.Count/*reduced*/();
                public static int Static(this BlogContext db, string name) => db.Tags.Count/*static*/();
            }

            public class TagHelpers
            {
                public void Optional(BlogContext db, int page = 0, int size = 10) => db.Tags.ToList/*optional*/();
                public void Many(BlogContext db, params string[] names) => db.Tags.ToList/*many*/();
                public void None(BlogContext db, params string[] names) => db.Tags.ToList/*none*/();
                public void Group(BlogContext db) => db.Tags.ToList/*group*/();
                public void Overloaded(BlogContext db) { }
                public void Overloaded(BlogContext db, int page) => db.Tags.ToList/*overload*/();
            }

            """;

        [Fact]
        public void A_setup_call_is_bound_unless_its_arity_rules_out_every_new_candidate()
        {
            // A call is bound only when a source method of its name, not setup or a candidate already, can take its arguments
            // (issue 14): optional parameters left out, a params array, an extension method called either way, an overload of
            // another arity, and a second call of a method already found must still find every helper. The helpers are public
            // methods of another type, found by the look forward from the setup method only.
            var host = EfCoreTestHost.Create(ArityHelpers + """
                public class Setup
                {
                    public void InstallSite(BlogContext db, TagHelpers helpers)
                    {
                        helpers.Optional(db);
                        helpers.Many(db, "a", "b", "c");
                        helpers.None(db);
                        db.Reduced("x");
                        TagQueries.Static(db, "y");
                        helpers.Overloaded(db, 1);
                        helpers.Optional(db, 2);
                    }
                }
                """);
            bool IsSetup(string marker) => SetupCode.IsSetupCode(host.Ef!, host.Invocation(marker));
            var answers = string.Join(", ", new[] { "optional", "many", "none", "reduced", "static", "overload" }.Select(m => m + "=" + IsSetup(m)));
            Assert.Equal("optional=True, many=True, none=True, reduced=True, static=True, overload=True", answers);
        }

        [Fact]
        public void A_use_outside_setup_code_is_bound_unless_its_arity_rules_out_every_candidate_of_its_name()
        {
            // The other side of the look (issue 14): each use of a candidate's name outside setup code is bound (which binds
            // the whole member it is in) only when a candidate of that name not ruled out yet can take its arguments. Every
            // helper here is called from setup code and once more from a controller; those calls must still rule them out
            // (optional parameters left out, a params array, an extension method called either way, a method group), and
            // only the call to another overload, of an arity no candidate takes, leaves its candidate setup code.
            var host = EfCoreTestHost.Create(ArityHelpers + """
                public class Setup
                {
                    public void InstallSite(BlogContext db, TagHelpers helpers)
                    {
                        helpers.Optional(db, 1, 2);
                        helpers.Many(db);
                        helpers.Group(db);
                        db.Reduced("x");
                        TagQueries.Static(db, "y");
                        helpers.Overloaded(db, 1);
                    }
                }

                public class TagsController
                {
                    public void Index(BlogContext db, TagHelpers helpers)
                    {
                        helpers.Optional(db);
                        helpers.Many(db, "a", "b", "c");
                        Action<BlogContext> later = helpers.Group;
                        TagQueries.Reduced(db, "x");
                        db.Static("y");
                        helpers.Overloaded(db);
                    }
                }
                """);
            bool IsSetup(string marker) => SetupCode.IsSetupCode(host.Ef!, host.Invocation(marker));
            var answers = string.Join(", ", new[] { "optional", "many", "group", "reduced", "static", "overload" }.Select(m => m + "=" + IsSetup(m)));
            Assert.Equal("optional=False, many=False, group=False, reduced=False, static=False, overload=True", answers);
        }

        private static Task<ImmutableArray<Diagnostic>> RunAsync(string source, bool reportSetupCode)
            => RunAsync(source, reportSetupCode, new QueryInLoopAnalyzer(), new NPlusOneThroughCallAnalyzer(), new SaveChangesInLoopAnalyzer(), new AddInLoopAnalyzer(), new SyncCallInAsyncCodeAnalyzer());

        private static async Task<ImmutableArray<Diagnostic>> RunAsync(string source, bool reportSetupCode, params DiagnosticAnalyzer[] analyzers)
        {
            var parse = new CSharpParseOptions(LanguageVersion.Preview);
            var trees = new[]
            {
                CSharpSyntaxTree.ParseText(Verifiers.EfModel.Prelude, parse, Verifiers.EfModel.FileName),
                CSharpSyntaxTree.ParseText(source, parse, "/0/Test0.cs"),
            };
            var outputKind = source.Contains("static async Task Main", System.StringComparison.Ordinal)
                             || trees[1].GetRoot().ChildNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.GlobalStatementSyntax>().Any()
                ? OutputKind.ConsoleApplication
                : OutputKind.DynamicallyLinkedLibrary;
            var compilation = CSharpCompilation.Create("Test", trees, EfReferences.For(EfVersion.Ef10), new CSharpCompilationOptions(outputKind)
                // EFP202 is retired (off by default); switched on here as a user would, to show the shared setup-code fact.
                .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic> { ["EFP202"] = ReportDiagnostic.Info }));
            var values = new Dictionary<string, string>();
            if (reportSetupCode)
            {
                values["dotnet_code_quality." + SetupCode.ReportOptionName] = "true";
            }

            var exceptions = new List<string>();
            var options = new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty, new ConfigProvider(values)),
                onAnalyzerException: (ex, _, _) => exceptions.Add(ex.ToString()),
                concurrentAnalysis: false,
                logAnalyzerExecutionTime: false);
            var diagnostics = await compilation.WithAnalyzers(ImmutableArray.Create(analyzers), options).GetAllDiagnosticsAsync();
            Assert.Empty(exceptions);
            return diagnostics;
        }

        private sealed class ConfigProvider : AnalyzerConfigOptionsProvider
        {
            private readonly Config _config;

            public ConfigProvider(Dictionary<string, string> values) => _config = new Config(values);

            public override AnalyzerConfigOptions GlobalOptions => _config;

            public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => _config;

            public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => _config;
        }

        private sealed class Config : AnalyzerConfigOptions
        {
            private readonly Dictionary<string, string> _values;

            public Config(Dictionary<string, string> values) => _values = values;

#nullable disable
            public override bool TryGetValue(string key, out string value) => _values.TryGetValue(key, out value);
#nullable restore
        }
    }
}
