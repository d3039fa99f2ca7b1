using Microsoft.Extensions.Options;
using Sidecar.Common.Contracts;
using Sidecar.Node.Apply;
using Sidecar.Node.Configuration;
using Sidecar.Node.Datasets;
using Sidecar.Node.Ingest;
using Sidecar.Node.Rules;
using Sidecar.Node.Storage;

namespace Sidecar.Node.Api;

/// <summary>Operator and test endpoints: what this node holds and how far it has applied.</summary>
internal static class AdminEndpoints
{
    public static void MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/admin/digest", Digest);
        app.MapGet("/admin/status", Status);
    }

    /// <summary>The live version's digest; <c>?at=</c> (Unix milliseconds or an ISO 8601 time) is
    /// the moment whose visible state a dataset with expiry is digested at; <c>?partition=</c> digests
    /// one Kafka partition's users alone (a version with a partitioned key layout). Limited to a few
    /// at a time (<see cref="DigestLimiter"/>): 429 beyond.</summary>
    private static async Task<IResult> Digest(string? dataset, string? at, int? partition, NodeDatasets datasets, DigestLimiter limiter, CancellationToken cancellationToken)
    {
        if (datasets.Find(dataset) is not { } named)
        {
            return Problems.UnknownDataset(dataset!);
        }

        long? atMs = null;
        if (named.Expiry.Enabled)
        {
            atMs = named.Time.GetUtcNow().ToUnixTimeMilliseconds();
        }

        if (!string.IsNullOrEmpty(at))
        {
            if (DigestTime.Parse(at) is not { } parsed)
            {
                return Problems.BadRequest("at must be Unix milliseconds or an ISO 8601 time with an offset, e.g. 2026-12-04T10:00:00Z.");
            }

            atMs = named.Expiry.Enabled ? parsed : null;
        }

        using var permit = await limiter.AcquireAsync(cancellationToken);
        if (!permit.IsAcquired)
        {
            return Problems.TooMany("Too many digests are running or waiting on this node (Api:DigestConcurrency, Api:DigestQueue); try again shortly.", retryAfterSeconds: 1);
        }

        using var lease = named.Store.Acquire();
        var layout = lease.Version.Layout;
        if (partition is { } p && (!layout.IsPartitioned || p < 0 || p >= layout.Partitions))
        {
            return Problems.BadRequest(layout.IsPartitioned
                ? $"partition must be 0 to {layout.Partitions - 1}: version {lease.Version.Id} has the key layout {layout.Name}."
                : $"version {lease.Version.Id} has the flat key layout: its users are not grouped by partition.");
        }

        var (digest, users) = StateDigest.Compute(lease.Version, named.Expiry, atMs ?? 0, partition);
        return Results.Json(new NodeDigest(lease.Version.Id, digest, users, atMs, partition, layout.Name), AdminJson.Default.NodeDigest);
    }

    /// <summary>One dataset's status (<c>?dataset=</c>, default the default one), with the names of all.</summary>
    private static IResult Status(string? dataset, NodeDatasets datasets, IOptions<NodeOptions> node, IServiceProvider services) =>
        datasets.Find(dataset) is not { } named
            ? Problems.UnknownDataset(dataset!)
            : Results.Json(
                new NodeStatus(
                    node.Value.Id,
                    node.Value.Datacenter,
                    named.Store.LiveVersionId,
                    named.Status.CaughtUp,
                    named.Status.Lag,
                    named.Status.AssignedPartitions,
                    named.Status.LastError,
                    named.Progress.Snapshot().ToDictionary(p => $"{p.Key.Topic}:{p.Key.Partition.Value}", p => p.Value),
                    services.GetService<RuleIngestStatus>()?.Snapshot(),
                    named.Name,
                    [.. datasets.All.Select(d => d.Name)]),
                AdminJson.Default.NodeStatus);
}
