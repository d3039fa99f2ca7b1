using Microsoft.Extensions.Options;
using Sidecar.Common.Envelope;
using Sidecar.Common.Contracts;
using Sidecar.Node.Configuration;
using Sidecar.Node.Datasets;
using Sidecar.Node.Kafka;
using Sidecar.Node.Merge;
using Sidecar.Node.Metrics;
using Sidecar.Node.Model;
using Sidecar.Node.Storage;

namespace Sidecar.Node.Api;

/// <summary>
/// Writes are produced to the local updates topic, never written to the store directly: the
/// node applies them like every other update, so all nodes apply the same log.
/// </summary>
internal static class WriteEndpoints
{
    public static void MapWriteEndpoints(this IEndpointRouteBuilder app)
    {
        foreach (var user in UserPaths.Patterns)
        {
            app.MapPost(user + "/updates", PostUpdates);
            app.MapDelete(user, DeleteUser);
        }
    }

    private static async Task<IResult> PostUpdates(
        string userId,
        HttpRequest request,
        NodeDatasets datasets,
        WriteService writes,
        IOptions<ApiOptions> api,
        CancellationToken cancellationToken)
    {
        if (Target(request, userId, datasets, out var dataset, out var wait, out var key) is { } refused)
        {
            return refused;
        }

        var body = await LimitedBody.ReadAsync(request, api.Value.MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return Problems.TooLarge(api.Value.MaxBodyBytes);
        }

        var (ops, error) = dataset.Parser.Parse(body, (uint)Math.Min(20, dataset.ListCap));
        if (error is not null)
        {
            return Problems.BadRequest(error);
        }

        if (ops!.Count == 0 || ops.Count > api.Value.MaxOpsPerRequest)
        {
            return Problems.BadRequest($"a request carries 1 to {api.Value.MaxOpsPerRequest} ops");
        }

        return await writes.WriteAsync(dataset, request.HttpContext, userId, key, ops, wait, cancellationToken);
    }

    private static async Task<IResult> DeleteUser(
        string userId,
        HttpRequest request,
        NodeDatasets datasets,
        WriteService writes,
        CancellationToken cancellationToken)
    {
        if (Target(request, userId, datasets, out var dataset, out var wait, out var key) is { } refused)
        {
            return refused;
        }

        switch (request.Query["datasets"].ToString())
        {
            case "":
                return await writes.WriteAsync(dataset, request.HttpContext, userId, key, [DeleteOp(dataset, userId)], wait, cancellationToken);
            case "all" when !request.RouteValues.ContainsKey(UserPaths.DatasetRouteValue):
                return await ForgetAsync(datasets, writes, request.HttpContext, userId, key, wait, cancellationToken);
            default:
                return Problems.BadRequest($"datasets must be 'all' or absent, and goes with {UserPaths.User} only");
        }
    }

    /// <summary>
    /// Deletes the user in every dataset the node serves (what a privacy request needs): one delete
    /// per dataset, under the request's one idempotency key, so a retry after a partial failure
    /// produces only the deletes not yet applied. 200 (or 202) with each dataset's receipt once all
    /// are accepted (and, with <c>wait=applied</c>, applied here); the first problem otherwise.
    /// </summary>
    private static async Task<IResult> ForgetAsync(NodeDatasets datasets, WriteService writes, HttpContext http, string userId, string? key, bool wait, CancellationToken cancellationToken)
    {
        http.Response.Headers[RequestIds.KeyHeader] = key ??= RequestIds.NewKey();
        var outcomes = await Task.WhenAll(datasets.All.Select(async d =>
            (d.Name, Outcome: await writes.SendAsync(d, userId, key, [DeleteOp(d, userId)], wait, cancellationToken))));
        if (outcomes.FirstOrDefault(o => o.Outcome.Problem is not null) is { Outcome.Problem: { } problem })
        {
            return problem;
        }

        if (outcomes.All(o => o.Outcome.Replayed))
        {
            http.Response.Headers[RequestIds.ReplayedHeader] = "true";
        }

        var receipts = outcomes.ToDictionary(o => o.Name, o => o.Outcome.Receipt!, StringComparer.Ordinal);
        return Results.Json(new ForgetReceipt(userId, receipts), NodeJsonContext.Default.ForgetReceipt, statusCode: WriteService.StatusOf(wait));
    }

    /// <summary>Observed-remove: the delete carries the counter shards this node has applied in the
    /// dataset, and removes exactly those increments everywhere; concurrent ones survive.</summary>
    private static Op DeleteOp(Dataset dataset, string userId)
    {
        using var lease = dataset.Store.Acquire();
        return new Op { DeleteUser = ObservedRemove.DeleteUser(UserStore.Read(lease.Version, userId)) };
    }

    /// <summary>What every write checks first, in this order: the dataset, the wait mode, the user
    /// id, the idempotency key. Returns the 404 or 400 for the first that is wrong, or null.</summary>
    private static IResult? Target(HttpRequest request, string userId, NodeDatasets datasets, out Dataset dataset, out bool wait, out string? key)
    {
        key = null;
        wait = false;
        dataset = datasets.Default;
        if (datasets.Of(request.HttpContext) is not { } named)
        {
            return Problems.UnknownDataset(request.HttpContext);
        }

        dataset = named;
        if (WaitMode(request) is not { } mode)
        {
            return Problems.BadRequest("wait must be 'applied' or absent");
        }

        wait = mode;
        if (dataset.Rules.CheckUserId(userId) is { } userError)
        {
            return Problems.BadRequest(userError);
        }

        return KeyOf(request, out key) is { } keyError ? Problems.BadRequest(keyError) : null;
    }

    /// <summary>The request's idempotency key (null when it has none); returns why it is not one, or null.</summary>
    private static string? KeyOf(HttpRequest request, out string? key)
    {
        key = null;
        if (!request.Headers.TryGetValue(RequestIds.KeyHeader, out var values))
        {
            return null;
        }

        if (values.Count != 1)
        {
            return $"one {RequestIds.KeyHeader} header, not {values.Count}";
        }

        key = values[0]!;
        return RequestIds.Check(key);
    }

    /// <summary>True to wait until applied, false not to, null for a bad value.</summary>
    private static bool? WaitMode(HttpRequest request) =>
        request.Query["wait"].ToString() switch
        {
            "" => false,
            "applied" => true,
            _ => null,
        };
}
