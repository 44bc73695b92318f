using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using PerfAnalyzers.Samples.Model;
using PerfAnalyzers.Samples.Proof;

namespace PerfAnalyzers.Samples.Scenarios
{
    /// <summary>The request shape of an in-process mediator (MediatR and its look-alikes), without the package.</summary>
    public interface IRequest<TResponse>
    {
    }

    public interface IRequestHandler<in TRequest, TResponse>
        where TRequest : IRequest<TResponse>
    {
        Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken);
    }

    public interface ISender
    {
        Task<TResponse> Send<TResponse>(IRequest<TResponse> request, CancellationToken cancellationToken);
    }

    /// <summary>A home-grown dispatcher: one handler per request type, looked up at run time.</summary>
    public sealed class Sender : ISender
    {
        private readonly Dictionary<Type, Func<object, CancellationToken, Task<object?>>> _handlers = new();

        public Sender Register<TRequest, TResponse>(IRequestHandler<TRequest, TResponse> handler)
            where TRequest : IRequest<TResponse>
        {
            _handlers[typeof(TRequest)] = async (request, ct) => await handler.Handle((TRequest)request, ct);
            return this;
        }

        public async Task<TResponse> Send<TResponse>(IRequest<TResponse> request, CancellationToken cancellationToken)
            => (TResponse)(await _handlers[request.GetType()](request, cancellationToken))!;
    }

    public sealed record GetBlogNameQuery(int BlogId) : IRequest<string?>;

    public sealed class GetBlogNameHandler : IRequestHandler<GetBlogNameQuery, string?>
    {
        private readonly SampleDbContext _context;

        public GetBlogNameHandler(SampleDbContext context) => _context = context;

        public Task<string?> Handle(GetBlogNameQuery request, CancellationToken cancellationToken)
            => _context.Blogs.Where(b => b.Id == request.BlogId).Select(b => b.Name).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>The batch form of the same request: every name whose blog id is in the list, in one query.</summary>
    public sealed record GetBlogNamesQuery(IReadOnlyCollection<int> BlogIds) : IRequest<Dictionary<int, string>>;

    public sealed class GetBlogNamesHandler : IRequestHandler<GetBlogNamesQuery, Dictionary<int, string>>
    {
        private readonly SampleDbContext _context;

        public GetBlogNamesHandler(SampleDbContext context) => _context = context;

        public Task<Dictionary<int, string>> Handle(GetBlogNamesQuery request, CancellationToken cancellationToken)
            => _context.Blogs.Where(b => request.BlogIds.Contains(b.Id))
                .Select(b => new { b.Id, b.Name })
                .ToDictionaryAsync(b => b.Id, b => b.Name, cancellationToken);
    }

    /// <summary>EFP104 through request dispatch: a request sent per element runs its handler's query per element.</summary>
    public sealed class EFP104_NPlusOneThroughRequestHandler : ProofScenario
    {
        public override string RuleId => "EFP104";

        public override string Title => "1,000 blog names via a request handler";

        public override async Task<object?> RunBadAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            ISender sender = new Sender().Register(new GetBlogNameHandler(context));
            var ids = await context.Blogs.AsNoTracking().OrderBy(b => b.Id).Take(1_000).Select(b => b.Id).ToListAsync(ct);
            var names = new List<string>();
            foreach (var id in ids)
            {
                var name = await sender.Send(new GetBlogNameQuery(id), ct); // EFP104: Send -> GetBlogNameHandler.Handle -> FirstOrDefaultAsync
                names.Add(name ?? "");
            }

            return names;
        }

        public override async Task<object?> RunFixedAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            ISender sender = new Sender().Register(new GetBlogNamesHandler(context));
            var ids = await context.Blogs.AsNoTracking().OrderBy(b => b.Id).Take(1_000).Select(b => b.Id).ToListAsync(ct);
            var byId = await sender.Send(new GetBlogNamesQuery(ids), ct);
            var names = new List<string>();
            foreach (var id in ids)
            {
                names.Add(byId.TryGetValue(id, out var name) ? name : "");
            }

            return names;
        }
    }
}
