using Microsoft.Extensions.Options;
using Sidecar.Common.Contracts;
using Sidecar.Node.Apply;
using Sidecar.Node.Configuration;
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

    private static IResult Digest(VersionedStore store)
    {
        using var lease = store.Acquire();
        var (digest, users) = StateDigest.Compute(lease.Version);
        return Results.Json(new NodeDigest(lease.Version.Id, digest, users), AdminJson.Default.NodeDigest);
    }

    private static IResult Status(VersionedStore store, IngestStatus status, ApplyProgress progress, IOptions<NodeOptions> node, IServiceProvider services) =>
        Results.Json(
            new NodeStatus(
                node.Value.Id,
                node.Value.Datacenter,
                store.LiveVersionId,
                status.CaughtUp,
                status.Lag,
                status.AssignedPartitions,
                status.LastError,
                progress.Snapshot().ToDictionary(p => $"{p.Key.Topic}:{p.Key.Partition.Value}", p => p.Value),
                services.GetService<RuleIngestStatus>()?.Snapshot()),
            AdminJson.Default.NodeStatus);
}
