using Microsoft.Extensions.Options;
using Sidecar.Common.Contracts;
using Sidecar.Node.Configuration;
using Sidecar.Node.Datasets;
using Sidecar.Node.Merge;
using Sidecar.Node.Storage;
using Sidecar.Store;
using Sidecar.Store.Rollout;
using Sidecar.Store.Snapshots;

namespace Sidecar.Node.Api;

/// <summary>
/// Snapshots of this node's live version (<c>sidecarctl snapshot checkpoint</c>):
/// <list type="bullet">
/// <item><c>POST /admin/checkpoints?version=ID</c> writes SST files and a manifest, read from one
/// RocksDB snapshot of the live version, under <c>&lt;DataRoot&gt;/checkpoints/ID</c>; 201 with the manifest.
/// <c>&amp;partitions=N</c> writes it in another key layout than the live version's (0: flat), to move the dataset to it;</item>
/// <item><c>GET /admin/checkpoints/ID/FILE</c> serves them: the layout of an HTTP registry, so
/// the CLI downloads a checkpoint with the registry's own code;</item>
/// <item><c>DELETE /admin/checkpoints/ID</c> removes it once copied.</item>
/// </list>
/// A named dataset's are under <c>/admin/datasets/NAME/checkpoints</c> (<see cref="UserPaths.Checkpoints"/>).
/// A dataset with expiry leaves its expired entries and hidden users out of the checkpoint
/// (<see cref="ExpiryRule"/>): rolled out, it removes them from every node at once (docs/datasets.md).
/// </summary>
internal static class CheckpointEndpoints
{
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    public static void MapCheckpointEndpoints(this IEndpointRouteBuilder app)
    {
        foreach (var checkpoints in UserPaths.Checkpoints)
        {
            app.MapPost(checkpoints, CreateAsync);
            app.MapGet(checkpoints + "/{version}/{file}", Get);
            app.MapDelete(checkpoints + "/{version}", Delete);
        }
    }

    private static async Task<IResult> CreateAsync(string? version, int? partitions, HttpContext context, NodeDatasets datasets, IOptions<StoreOptions> options, ILogger<VersionedStore> logger, CancellationToken cancellationToken)
    {
        if (datasets.Of(context) is not { } dataset)
        {
            return Problems.UnknownDataset(context);
        }

        var store = dataset.Store;
        if (version is null)
        {
            return Problems.BadRequest("?version= is required");
        }

        if (VersionNames.Check(version) is { } bad)
        {
            return Problems.BadRequest(bad);
        }

        if (partitions is < 0 or > KeyLayout.MaxPartitions)
        {
            return Problems.BadRequest($"partitions must be 0 (the flat key layout) to {KeyLayout.MaxPartitions}");
        }

        var layout = partitions is { } n ? KeyLayout.Of(n) : null;
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
            var at = dataset.Time.GetUtcNow().ToUnixTimeMilliseconds();
            var built = await Task.Run(() => SnapshotCheckpoint.Write(lease.Version.Db, version, path, options.Value.BloomBitsPerKey, time: dataset.Time, users: Kept(dataset.Expiry, at), layout: layout), cancellationToken);
            logger.LogInformation("Checkpoint {Checkpoint} of version {Version}: {Users} users, {Files} file(s), key layout {Layout} in {Seconds:F2} s",
                version, lease.Version.Id, built.Manifest.KeyCount, built.Manifest.Files.Count, built.Manifest.Layout ?? KeyLayout.Flat.Name, built.Elapsed.TotalSeconds);
            return Results.Json(built.Manifest, RolloutJson.Default.SnapshotManifest, statusCode: StatusCodes.Status201Created);
        }
        finally
        {
            OneAtATime.Release();
        }
    }

    /// <summary>What a checkpoint keeps of each user's state bytes at <paramref name="atMs"/>; null without expiry (everything, as stored).</summary>
    private static Func<byte[], byte[]?>? Kept(Expiry expiry, long atMs) =>
        !expiry.Enabled ? null : bytes =>
        {
            var state = Sidecar.Store.State.UserState.Parser.ParseFrom(bytes);
            if (ExpiryRule.Hidden(state, expiry, atMs))
            {
                return null;
            }

            return ExpiryRule.Sweep(state, expiry, atMs) ? Google.Protobuf.MessageExtensions.ToByteArray(state) : bytes;
        };

    private static IResult Get(string version, string file, HttpContext context, NodeDatasets datasets)
    {
        if (datasets.Of(context) is not { Store: var store })
        {
            return Problems.UnknownDataset(context);
        }

        if (SnapshotFiles.Refusal(version, file) is not null)
        {
            return Problems.BadRequest("not a checkpoint file");
        }

        return SnapshotFiles.Serve(Path.Combine(store.Root, "checkpoints"), version, file,
            () => Results.Problem($"no file {file} in checkpoint {version}", statusCode: StatusCodes.Status404NotFound, title: "Not found"));
    }

    private static IResult Delete(string version, HttpContext context, NodeDatasets datasets)
    {
        if (datasets.Of(context) is not { Store: var store })
        {
            return Problems.UnknownDataset(context);
        }

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
