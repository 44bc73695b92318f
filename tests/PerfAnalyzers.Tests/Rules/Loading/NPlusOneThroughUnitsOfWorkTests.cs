using System.Threading.Tasks;
using Xunit;
using Verify = PerfAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<PerfAnalyzers.Rules.Loading.NPlusOneThroughCallAnalyzer>;

namespace PerfAnalyzers.Tests.Rules.Loading
{
    /// <summary>
    /// EFP104 on loops whose iterations are whole units of work (issue 9, shape 11), as seen in Ombi and fullstackhero:
    /// silent for configured sets, work queues, own-scope calls and nested jobs; still reporting a repository call per
    /// entity loaded from the database.
    /// </summary>
    public class NPlusOneThroughUnitsOfWorkTests
    {
        private const string Shared = """
            using Microsoft.Extensions.DependencyInjection;
            using Microsoft.Extensions.Options;

            public class MediaSettings { public List<MediaServer> Servers { get; set; } = new(); }
            public class MediaServer { public string Name { get; set; } = ""; public List<string> Libraries { get; set; } = new(); }
            public interface ISettingsService<T> { Task<T> GetSettingsAsync(); }
            public interface INotificationAgent { Task NotifyAsync(string message); }
            public interface IBus { Task PublishAsync(string payload); }

            public class PostRepository
            {
                private readonly BlogContext _db;
                public PostRepository(BlogContext db) => _db = db;
                public Task<Post> ByTitle(string title) => _db.Posts.FirstOrDefaultAsync(p => p.Title == title);
                public Task<int> CountFor(int blogId) => _db.Posts.CountAsync(p => p.BlogId == blogId);
                public async Task MarkProcessed(Post post) { post.IsPublished = true; await _db.SaveChangesAsync(); }
                public async Task MarkFailed(Post post, string error) { post.Content = error; await _db.SaveChangesAsync(); }
            }

            public class TenantSync
            {
                private readonly BlogContext _db;
                public async Task SyncAsync() => await _db.Blogs.CountAsync();
            }
            """;

        [Fact]
        public async Task Silent_for_servers_from_settings_options_and_injected_agents()
        {
            var source = Shared + """

                public class SyncJob
                {
                    private readonly ISettingsService<MediaSettings> _settings;
                    private readonly IOptions<MediaSettings> _options;
                    private readonly IEnumerable<INotificationAgent> _agents;
                    private readonly PostRepository _posts;

                    public async Task Execute()
                    {
                        var settings = await _settings.GetSettingsAsync();
                        foreach (var server in settings.Servers)
                        {
                            await SyncServer(server);
                            foreach (var library in server.Libraries.Where(l => l.Length > 0))
                            {
                                await _posts.ByTitle(library);
                            }
                        }

                        foreach (var server in _options.Value.Servers)
                        {
                            await SyncServer(server);
                        }

                        foreach (var agent in _agents)
                        {
                            await Notify(agent);
                        }
                    }

                    private async Task SyncServer(MediaServer server) => await _posts.ByTitle(server.Name);
                    private async Task Notify(INotificationAgent agent) => await _posts.CountFor(1);
                }
                """;
            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_for_an_outbox_that_marks_each_message_and_a_per_tenant_scope()
        {
            var source = Shared + """

                public class OutboxDispatcher
                {
                    private readonly BlogContext _db;
                    private readonly PostRepository _outbox;
                    private readonly IBus _bus;
                    private readonly IServiceProvider _provider;

                    public async Task DispatchAsync()
                    {
                        var messages = await _db.Posts.Where(p => !p.IsPublished).Take(100).ToListAsync();
                        foreach (var message in messages)
                        {
                            try
                            {
                                await _bus.PublishAsync(message.Content);
                                await _outbox.MarkProcessed(message);
                            }
                            catch (Exception ex)
                            {
                                await _outbox.MarkFailed(message, ex.Message);
                            }
                        }
                    }

                    public async Task SyncTenants(List<string> tenants)
                    {
                        foreach (var tenant in tenants)
                        {
                            await SyncTenantAsync(tenant);
                        }
                    }

                    private async Task SyncTenantAsync(string tenant)
                    {
                        using var scope = _provider.CreateScope();
                        var syncer = scope.ServiceProvider.GetRequiredService<TenantSync>();
                        await syncer.SyncAsync();
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_for_a_job_per_user_whose_lookups_are_reported_in_its_own_loop_but_not_over_child_rows()
        {
            var source = Shared + """

                public class PlayedItem { public string Title { get; set; } = ""; }
                public interface IMediaApi { Task<List<PlayedItem>> GetPlayed(int userId); }

                public class PlayedSync
                {
                    private readonly BlogContext _db;
                    private readonly PostRepository _posts;
                    private readonly IMediaApi _api;

                    public async Task Execute()
                    {
                        var users = await _db.Authors.ToListAsync();
                        foreach (var user in users)
                        {
                            await SyncUser(user);
                        }
                    }

                    private async Task SyncUser(Author user)
                    {
                        foreach (var item in await _api.GetPlayed(user.Id))
                        {
                            await _posts.{|#0:ByTitle|}(item.Title);
                        }
                    }

                    public async Task Listing(List<Author> authors)
                    {
                        foreach (var author in authors)
                        {
                            await {|#1:FillPosts|}(author);
                        }
                    }

                    private async Task FillPosts(Author author)
                    {
                        foreach (var post in author.Posts)
                        {
                            post.Views = await _posts.{|#2:CountFor|}(post.BlogId);
                        }
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(
                source,
                Verify.Diagnostic("EFP104").WithLocation(0).WithArguments("ByTitle", "iteration of this 'foreach' loop", "PostRepository.ByTitle -> FirstOrDefaultAsync"),
                Verify.Diagnostic("EFP104").WithLocation(1).WithArguments("FillPosts", "iteration of this 'foreach' loop", "FillPosts -> PostRepository.CountFor -> CountAsync"),
                Verify.Diagnostic("EFP104").WithLocation(2).WithArguments("CountFor", "iteration of this 'foreach' loop", "PostRepository.CountFor -> CountAsync"));
        }

        [Fact]
        public async Task Reports_a_repository_call_per_entity_loaded_from_the_database_and_a_plain_update_per_row()
        {
            // The near misses: the loop source is data (entities from a query), the marks have no outcome behind them,
            // and the scope's service is the DbContext itself.
            var source = Shared + """

                public class Report
                {
                    private readonly BlogContext _db;
                    private readonly PostRepository _posts;
                    private readonly IServiceProvider _provider;

                    public async Task Run()
                    {
                        var blogs = await _db.Blogs.Where(b => b.Rating > 3).ToListAsync();
                        foreach (var blog in blogs)
                        {
                            var n = await _posts.{|#0:CountFor|}(blog.Id);
                            await {|#1:CountInScope|}(blog.Id);
                        }

                        var pending = await _db.Posts.Where(p => !p.IsPublished).ToListAsync();
                        foreach (var post in pending)
                        {
                            await _outboxLike.{|#2:MarkProcessed|}(post);
                        }
                    }

                    private PostRepository _outboxLike => _posts;

                    private async Task<int> CountInScope(int blogId)
                    {
                        using var scope = _provider.CreateScope();
                        var db = scope.ServiceProvider.GetRequiredService<BlogContext>();
                        return await db.Posts.CountAsync(p => p.BlogId == blogId);
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(
                source,
                Verify.Diagnostic("EFP104").WithLocation(0).WithArguments("CountFor", "iteration of this 'foreach' loop", "PostRepository.CountFor -> CountAsync"),
                Verify.Diagnostic("EFP104").WithLocation(1).WithArguments("CountInScope", "iteration of this 'foreach' loop", "CountInScope -> CountAsync"),
                Verify.Diagnostic("EFP104").WithLocation(2).WithArguments("MarkProcessed", "iteration of this 'foreach' loop", "PostRepository.MarkProcessed -> SaveChangesAsync"));
        }
    }
}
