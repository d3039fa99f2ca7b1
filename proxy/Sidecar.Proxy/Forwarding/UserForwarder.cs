using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Sidecar.Proxy.Configuration;
using Sidecar.Proxy.Metrics;
using Sidecar.Proxy.Routing;
using Yarp.ReverseProxy.Forwarder;

namespace Sidecar.Proxy.Forwarding;

/// <summary>
/// Forwards a user's request to the user's node with YARP's <see cref="IHttpForwarder"/>
/// (direct forwarding: the route is decided here, not by YARP's config, so a membership swap is
/// one reference write and no route table is rebuilt). A failed attempt of an idempotent
/// request goes to the user's next node through a Polly retry pipeline, within a time budget;
/// a node that fails a connection is taken out at once (passive health).
/// </summary>
internal sealed class UserForwarder
{
    public const string NodeHeader = "X-Sidecar-Node";
    public const string DatacenterHeader = "X-Sidecar-Datacenter";

    private readonly IHttpForwarder _forwarder;
    private readonly NodeClient _client;
    private readonly Router _router;
    private readonly ProxyMetrics _metrics;
    private readonly ILogger<UserForwarder> _logger;
    private readonly string _userHeader;
    private readonly RetryOptions _retry;
    private readonly ResiliencePipeline<AttemptOutcome> _pipeline;

    public UserForwarder(IHttpForwarder forwarder, NodeClient client, Router router, ProxyMetrics metrics, IOptions<ProxyOptions> options, ILogger<UserForwarder> logger)
    {
        _forwarder = forwarder;
        _client = client;
        _router = router;
        _metrics = metrics;
        _logger = logger;
        _userHeader = options.Value.UserHeader;
        _retry = options.Value.Retry;
        _pipeline = BuildPipeline(_retry, metrics);
    }

    public async Task HandleAsync(HttpContext context)
    {
        var userId = UserIdReader.Read(context.Request, _userHeader);
        if (userId.IsEmpty)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsJsonAsync(new BadRequestProblem($"no user id: expected /v1/users/{{id}}/..., /v1/datasets/{{dataset}}/users/{{id}}/... or a {_userHeader} header"),
                ProxyJsonContext.Default.BadRequestProblem, "application/problem+json", context.RequestAborted);
            return;
        }

        var attempts = new RequestAttempts(context, UserHash.OfUser(userId), Stopwatch.GetTimestamp(), CanRetry(context.Request));

        // The first attempt runs inline: most requests need no other, and skip the pipeline's cost.
        var first = await AttemptAsync(attempts);
        if (first.Result.Retriable && _retry.MaxRetries > 0)
        {
            _metrics.Retry();
            var resilience = ResilienceContextPool.Shared.Get(context.RequestAborted);
            try
            {
                await _pipeline.ExecuteOutcomeAsync(static (_, state) => state.Self.AttemptAsync(state.Attempts), resilience, (Self: this, Attempts: attempts));
            }
            finally
            {
                ResilienceContextPool.Shared.Return(resilience);
            }
        }
    }

    private bool CanRetry(HttpRequest request)
    {
        if (!Idempotency.IsRetriable(request))
        {
            return false;
        }

        if (request.ContentLength is null or 0 && !request.Headers.ContainsKey("Transfer-Encoding"))
        {
            return true;
        }

        if (request.ContentLength > _retry.MaxBufferedBody)
        {
            return false; // too large to keep for a second attempt: one attempt only
        }

        // Kept (in memory up to 64 KiB, then a temp file) so a second attempt can send it again.
        request.EnableBuffering(64 * 1024, _retry.MaxBufferedBody);
        return true;
    }

    private async ValueTask<Outcome<AttemptOutcome>> AttemptAsync(RequestAttempts attempts)
    {
        var context = attempts.Context;
        var response = context.Response;
        if (attempts.Tried.Length > 0)
        {
            // A previous attempt failed before anything reached the client: start clean.
            response.Clear();
            context.Features.Set<IForwarderErrorFeature>(null);
            if (context.Request.Body.CanSeek)
            {
                context.Request.Body.Position = 0;
            }
        }

        var choice = _router.Choose(attempts.User, attempts.Tried);
        if (choice.Node is not { } node)
        {
            response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Outcome.FromResult(new AttemptOutcome(null, choice.Kind, false));
        }

        attempts.Add(node);
        response.Headers[NodeHeader] = node.Id;
        response.Headers[DatacenterHeader] = node.Datacenter;
        var start = Stopwatch.GetTimestamp();
        var error = await _forwarder.SendAsync(context, node.Prefix, _client.Invoker, _client.ConfigFor(node), NodeTransformer.Instance);
        var status = response.StatusCode;
        _metrics.Attempt(node, status, start);

        if (error is ForwarderError.Request or ForwarderError.RequestTimedOut or ForwarderError.ResponseHeaders)
        {
            // The node did not answer: take it out now, not after the next active check.
            if (node.Health.MarkDown($"passive: {error}"))
            {
                _metrics.PassiveFailure(node);
                _logger.LogWarning("Node {Node} taken out after a failed request ({Error}: {Reason})", node, error,
                    context.Features.Get<IForwarderErrorFeature>()?.Exception?.GetBaseException().Message);
            }
        }

        var failed = error != ForwarderError.None || (NodeTransformer.IsRetriableStatus(status) && !response.HasStarted);
        var retriable = failed && attempts.Retriable && !response.HasStarted && !context.RequestAborted.IsCancellationRequested
            && error is not (ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.RequestBodyClient)
            && Stopwatch.GetElapsedTime(attempts.StartTimestamp) < _retry.Budget;
        if (!failed)
        {
            _metrics.Served(choice.Kind);
        }

        return Outcome.FromResult(new AttemptOutcome(node, choice.Kind, retriable));
    }

    /// <summary>The attempts after the first: <see cref="RetryOptions.MaxRetries"/> in all, the first of them at once.</summary>
    private static ResiliencePipeline<AttemptOutcome> BuildPipeline(RetryOptions retry, ProxyMetrics metrics)
    {
        var builder = new ResiliencePipelineBuilder<AttemptOutcome>();
        if (retry.MaxRetries > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<AttemptOutcome>
            {
                MaxRetryAttempts = retry.MaxRetries - 1,
                ShouldHandle = static args => new ValueTask<bool>(args.Outcome.Result.Retriable),

                // Later retries back off a little, in case the whole view is stale (every node restarting, say).
                DelayGenerator = args => new ValueTask<TimeSpan?>(retry.BackoffBase * Math.Pow(2, args.AttemptNumber)),
                OnRetry = _ =>
                {
                    metrics.Retry();
                    return default;
                },
            });
        }

        return builder.Build();
    }
}
