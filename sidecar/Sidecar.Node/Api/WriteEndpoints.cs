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
        foreach (var user in (string[])[UserPaths.User, UserPaths.DatasetUser])
        {
            app.MapPost(user + "/updates", PostUpdates);
            app.MapDelete(user, DeleteUser);
        }
    }

    private static async Task<IResult> PostUpdates(
        string userId,
        HttpRequest request,
        NodeDatasets datasets,
        UpdateRequestParser parser,
        EnvelopeRules rules,
        WriteService writes,
        IOptions<ApiOptions> api,
        IOptions<StoreOptions> store,
        CancellationToken cancellationToken)
    {
        if (Target(request, userId, datasets, rules, out var dataset, out var wait, out var key) is { } refused)
        {
            return refused;
        }

        var body = await LimitedBody.ReadAsync(request, api.Value.MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return Problems.TooLarge(api.Value.MaxBodyBytes);
        }

        var (ops, error) = parser.Parse(body, (uint)Math.Min(20, store.Value.ListCap));
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
        EnvelopeRules rules,
        WriteService writes,
        CancellationToken cancellationToken)
    {
        if (Target(request, userId, datasets, rules, out var dataset, out var wait, out var key) is { } refused)
        {
            return refused;
        }

        // Observed-remove: the delete carries the counter shards this node has applied, and
        // removes exactly those increments everywhere; concurrent ones survive.
        DeleteUser delete;
        using (var lease = dataset.Store.Acquire())
        {
            delete = ObservedRemove.DeleteUser(UserStore.Read(lease.Version.Db, userId));
        }

        return await writes.WriteAsync(dataset, request.HttpContext, userId, key, [new Op { DeleteUser = delete }], wait, cancellationToken);
    }

    /// <summary>What every write checks first, in this order: the dataset, the wait mode, the user
    /// id, the idempotency key. Returns the 404 or 400 for the first that is wrong, or null.</summary>
    private static IResult? Target(HttpRequest request, string userId, NodeDatasets datasets, EnvelopeRules rules, out Dataset dataset, out bool wait, out string? key)
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
        if (rules.CheckUserId(userId) is { } userError)
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
