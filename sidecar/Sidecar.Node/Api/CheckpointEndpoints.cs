using Microsoft.Extensions.Options;
using Sidecar.Node.Configuration;
using Sidecar.Node.Storage;
using Sidecar.Store;
using Sidecar.Store.Rollout;
using Sidecar.Store.Snapshots;

namespace Sidecar.Node.Api;

/// <summary>
/// Snapshots of this node's live version (<c>sidecarctl snapshot checkpoint</c>):
/// <list type="bullet">
/// <item><c>POST /admin/checkpoints?version=ID</c> writes SST files and a manifest, read from one
/// RocksDB snapshot of the live version, under <c>&lt;DataRoot&gt;/checkpoints/ID</c>; 201 with the manifest;</item>
/// <item><c>GET /admin/checkpoints/ID/FILE</c> serves them: the layout of an HTTP registry, so
/// the CLI downloads a checkpoint with the registry's own code;</item>
/// <item><c>DELETE /admin/checkpoints/ID</c> removes it once copied.</item>
/// </list>
/// </summary>
internal static class CheckpointEndpoints
{
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    public static void MapCheckpointEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/admin/checkpoints", CreateAsync);
        app.MapGet("/admin/checkpoints/{version}/{file}", Get);
        app.MapDelete("/admin/checkpoints/{version}", Delete);
    }

    private static async Task<IResult> CreateAsync(string? version, VersionedStore store, IOptions<StoreOptions> options, TimeProvider time, ILogger<VersionedStore> logger, CancellationToken cancellationToken)
    {
        if (version is null)
        {
            return Problems.BadRequest("?version= is required");
        }

        if (VersionNames.Check(version) is { } bad)
        {
            return Problems.BadRequest(bad);
        }

        var path = Path.Combine(store.Root, "checkpoints", version);
        await OneAtATime.WaitAsync(cancellationToken);
        try
        {
            if (Directory.Exists(path))
            {
                return Results.Problem($"checkpoint {version} already exists on this node", statusCode: StatusCodes.Status409Conflict, title: "Conflict");
            }

            // A lease keeps the live version open while it is read, even if a rollout swaps it meanwhile.
            using var lease = store.Acquire();
            var built = await Task.Run(() => SnapshotCheckpoint.Write(lease.Version.Db, version, path, options.Value.BloomBitsPerKey, time: time), cancellationToken);
            logger.LogInformation("Checkpoint {Checkpoint} of version {Version}: {Users} users, {Files} file(s) in {Seconds:F2} s",
                version, lease.Version.Id, built.Manifest.KeyCount, built.Manifest.Files.Count, built.Elapsed.TotalSeconds);
            return Results.Json(built.Manifest, RolloutJson.Default.SnapshotManifest, statusCode: StatusCodes.Status201Created);
        }
        finally
        {
            OneAtATime.Release();
        }
    }

    private static IResult Get(string version, string file, VersionedStore store)
    {
        if (SnapshotFiles.Refusal(version, file) is not null)
        {
            return Problems.BadRequest("not a checkpoint file");
        }

        return SnapshotFiles.Serve(Path.Combine(store.Root, "checkpoints"), version, file,
            () => Results.Problem($"no file {file} in checkpoint {version}", statusCode: StatusCodes.Status404NotFound, title: "Not found"));
    }

    private static IResult Delete(string version, VersionedStore store)
    {
        if (VersionNames.Check(version) is { } bad)
        {
            return Problems.BadRequest(bad);
        }

        var path = Path.Combine(store.Root, "checkpoints", version);
        if (!Directory.Exists(path))
        {
            return Results.Problem($"no checkpoint {version}", statusCode: StatusCodes.Status404NotFound, title: "Not found");
        }

        Directory.Delete(path, recursive: true);
        return Results.NoContent();
    }
}
