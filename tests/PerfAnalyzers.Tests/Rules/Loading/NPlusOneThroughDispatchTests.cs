using System.Threading.Tasks;
using Xunit;
using Verify = PerfAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<PerfAnalyzers.Rules.Loading.NPlusOneThroughCallAnalyzer>;

namespace PerfAnalyzers.Tests.Rules.Loading
{
    /// <summary>EFP104 through in-process request dispatch (mediator Send/Publish to a handler of the compilation), issue 10.</summary>
    public class NPlusOneThroughDispatchTests
    {
        /// <summary>The shape of MediatR's API, declared here: the analyzer knows it by shape and name only.</summary>
        private const string Mediator = """
            namespace MediatR
            {
                public interface IRequest<out TResponse> { }
                public interface INotification { }
                public interface IRequestHandler<in TRequest, TResponse> where TRequest : IRequest<TResponse>
                {
                    Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken);
                }
                public interface INotificationHandler<in TNotification> where TNotification : INotification
                {
                    Task Handle(TNotification notification, CancellationToken cancellationToken);
                }
                public interface ISender { Task<TResponse> Send<TResponse>(IRequest<TResponse> request, CancellationToken cancellationToken = default); }
                public interface IPublisher { Task Publish<TNotification>(TNotification notification, CancellationToken cancellationToken = default) where TNotification : INotification; }
                public interface IMediator : ISender, IPublisher { }
            }

            namespace App
            {
                using MediatR;

                public record GetAuthorQuery(int Id) : IRequest<Author>;
                public class GetAuthorHandler : IRequestHandler<GetAuthorQuery, Author>
                {
                    private readonly BlogContext _db;
                    public GetAuthorHandler(BlogContext db) => _db = db;
                    public Task<Author> Handle(GetAuthorQuery request, CancellationToken cancellationToken)
                        => _db.Authors.FirstOrDefaultAsync(a => a.Id == request.Id, cancellationToken);
                }

                public record FormatName(string Name) : IRequest<string>;
                public class FormatNameHandler : IRequestHandler<FormatName, string>
                {
                    public Task<string> Handle(FormatName request, CancellationToken cancellationToken) => Task.FromResult(request.Name.Trim());
                }

                public record PostViewed(int PostId) : INotification;
                public class LogPostViewed : INotificationHandler<PostViewed>
                {
                    public Task Handle(PostViewed notification, CancellationToken cancellationToken) { Console.WriteLine(notification.PostId); return Task.CompletedTask; }
                }
                public class CountPostViewed : INotificationHandler<PostViewed>
                {
                    private readonly BlogContext _db;
                    public CountPostViewed(BlogContext db) => _db = db;
                    public async Task Handle(PostViewed notification, CancellationToken cancellationToken)
                    {
                        var post = await _db.Posts.FindAsync(new object[] { notification.PostId }, cancellationToken);
                        post.Views++;
                        await _db.SaveChangesAsync(cancellationToken);
                    }
                }

                public record Ping(int Id) : INotification;
                public class PingHandler : INotificationHandler<Ping>
                {
                    public Task Handle(Ping notification, CancellationToken cancellationToken) => Task.CompletedTask;
                }
            }
            """;

        [Fact]
        public async Task Reports_send_and_publish_whose_handler_runs_a_query()
        {
            var source = Mediator + """

                namespace App
                {
                    using MediatR;

                    public class Report
                    {
                        private readonly IMediator _mediator;
                        public Report(IMediator mediator) => _mediator = mediator;

                        public async Task Build(List<Post> posts, CancellationToken ct)
                        {
                            foreach (var post in posts)
                            {
                                var author = await _mediator.{|#0:Send|}(new GetAuthorQuery(post.AuthorId ?? 0), ct);
                                await _mediator.{|#1:Publish|}(new PostViewed(post.Id), ct);
                            }
                        }

                        public Task<Author[]> All(ISender sender, List<int> ids)
                            => Task.WhenAll(ids.Select(id => sender.{|#2:Send|}(new GetAuthorQuery(id))));
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(
                source,
                Verify.Diagnostic("EFP104").WithLocation(0).WithArguments("Send", "iteration of this 'foreach' loop", "GetAuthorHandler.Handle -> FirstOrDefaultAsync"),
                Verify.Diagnostic("EFP104").WithLocation(1).WithArguments("Publish", "iteration of this 'foreach' loop", "CountPostViewed.Handle -> FindAsync"),
                Verify.Diagnostic("EFP104").WithLocation(2).WithArguments("Send", "element in this 'Select' lambda", "GetAuthorHandler.Handle -> FirstOrDefaultAsync"));
        }

        [Fact]
        public async Task Does_not_report_handlers_without_database_work_or_unrelated_send_methods()
        {
            var source = Mediator + """

                namespace App
                {
                    using MediatR;

                    public record Email(string To);
                    public interface IEmailSender { Task Send(Email email); }
                    public class SmtpSender : IEmailSender { public Task Send(Email email) => Task.CompletedTask; }

                    public class Report
                    {
                        public async Task Build(IMediator mediator, IEmailSender mail, List<Author> authors, CancellationToken ct)
                        {
                            foreach (var author in authors)
                            {
                                var name = await mediator.Send(new FormatName(author.Name), ct);
                                await mediator.Publish(new Ping(author.Id), ct);
                                await mail.Send(new Email(author.Email));
                            }

                            // Not in a loop: one round trip.
                            await mediator.Send(new GetAuthorQuery(1), ct);
                        }
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_a_send_through_a_dispatcher_implemented_in_the_compilation()
        {
            var source = Mediator + """

                namespace App
                {
                    using MediatR;

                    public sealed class Sender : ISender
                    {
                        private readonly Dictionary<Type, Func<object, CancellationToken, Task<object>>> _handlers = new();
                        public async Task<TResponse> Send<TResponse>(IRequest<TResponse> request, CancellationToken cancellationToken = default)
                            => (TResponse)await _handlers[request.GetType()](request, cancellationToken);
                    }

                    public class Report
                    {
                        public async Task Build(ISender sender, List<Author> authors, CancellationToken ct)
                        {
                            foreach (var author in authors)
                            {
                                var found = await sender.{|#0:Send|}(new GetAuthorQuery(author.Id), ct);
                                var name = await sender.Send(new FormatName(author.Name), ct);
                            }
                        }
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(
                source,
                Verify.Diagnostic("EFP104").WithLocation(0).WithArguments("Send", "iteration of this 'foreach' loop", "GetAuthorHandler.Handle -> FirstOrDefaultAsync"));
        }

        [Fact]
        public async Task Does_not_follow_a_send_with_two_handlers()
        {
            var source = Mediator + """

                namespace App
                {
                    using MediatR;

                    public class OtherGetAuthorHandler : IRequestHandler<GetAuthorQuery, Author>
                    {
                        public Task<Author> Handle(GetAuthorQuery request, CancellationToken cancellationToken) => Task.FromResult(new Author());
                    }

                    public class Report
                    {
                        public async Task Build(IMediator mediator, List<int> ids)
                        {
                            foreach (var id in ids)
                            {
                                await mediator.Send(new GetAuthorQuery(id));
                            }
                        }
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source);
        }
    
        /// <summary>
        /// A home-grown CQRS dispatcher (Cofoundry's shape): handlers implement <c>ExecuteAsync(TCommand, ..)</c>, callers go
        /// through <c>ICommandExecutor.ExecuteAsync(ICommand)</c> / <c>IQueryExecutor.ExecuteAsync(IQuery&lt;T&gt;)</c>.
        /// </summary>
        [Fact]
        public async Task Reports_an_execute_dispatch_to_a_handler_that_runs_a_query()
        {
            var source = """
                namespace Cqs
                {
                    public interface ICommand { }
                    public interface IQuery<TResult> { }
                    public interface ICommandHandler<TCommand> where TCommand : ICommand { Task ExecuteAsync(TCommand command, string user); }
                    public interface IQueryHandler<TQuery, TResult> where TQuery : IQuery<TResult> { Task<TResult> ExecuteAsync(TQuery query, string user); }
                    public interface ICommandExecutor { Task ExecuteAsync(ICommand command); }
                    public interface IQueryExecutor { Task<TResult> ExecuteAsync<TResult>(IQuery<TResult> query); }
                    public interface IRetryPolicy { Task ExecuteAsync(Func<Task> action); }

                    public record ArchivePost(int Id) : ICommand;
                    public class ArchivePostHandler : ICommandHandler<ArchivePost>
                    {
                        private readonly BlogContext _db;
                        public ArchivePostHandler(BlogContext db) => _db = db;
                        public async Task ExecuteAsync(ArchivePost command, string user)
                        {
                            var post = await _db.Posts.SingleAsync(p => p.Id == command.Id);
                            post.IsPublished = false;
                            await _db.SaveChangesAsync();
                        }
                    }

                    public record GetTitle(string Text) : IQuery<string>;
                    public class GetTitleHandler : IQueryHandler<GetTitle, string>
                    {
                        public Task<string> ExecuteAsync(GetTitle query, string user) => Task.FromResult(query.Text.Trim());
                    }

                    public class Archiver
                    {
                        public async Task ArchiveAll(ICommandExecutor commands, IQueryExecutor queries, IRetryPolicy retry, List<int> ids)
                        {
                            foreach (var id in ids)
                            {
                                await commands.{|#0:ExecuteAsync|}(new ArchivePost(id));
                                var title = await queries.ExecuteAsync(new GetTitle("x"));
                                await retry.ExecuteAsync(() => Task.CompletedTask);
                            }
                        }
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(
                source,
                Verify.Diagnostic("EFP104").WithLocation(0).WithArguments("ExecuteAsync", "iteration of this 'foreach' loop", "ArchivePostHandler.ExecuteAsync -> SingleAsync"));
        }
}
}
