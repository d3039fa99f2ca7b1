namespace Sidecar.Node.Datasets;

/// <summary>
/// What becomes of a dataset's directory once its <c>Datasets:&lt;name&gt;</c> section is gone: it
/// is no longer served at once, and its data stays on disk for <c>Node:RemovedDatasetGrace</c>,
/// counted from the first start without the section (a marker file in the directory records that
/// start), so that a section removed by mistake can be put back with nothing lost. A pure decision;
/// <see cref="RemovedDatasetsSweep"/> does the I/O.
/// </summary>
internal static class RemovedDatasets
{
    /// <summary>The marker file, in a removed dataset's directory: the time it was first seen removed (ISO 8601).</summary>
    public const string Marker = "SIDECAR_REMOVED_AT";

    /// <summary>For each dataset directory on disk, what to do with it.</summary>
    /// <param name="onDisk">Each directory under <c>datasets/</c>, with its marker's time when it has one.</param>
    public static IEnumerable<(string Name, RemovedDatasetAction Action)> Decide(
        IReadOnlyCollection<string> configured, IEnumerable<(string Name, DateTimeOffset? RemovedAt)> onDisk, DateTimeOffset now, TimeSpan grace)
    {
        foreach (var (name, removedAt) in onDisk.OrderBy(d => d.Name, StringComparer.Ordinal))
        {
            var action = configured.Contains(name)
                ? removedAt is null ? RemovedDatasetAction.Keep : RemovedDatasetAction.Restore
                : removedAt is null ? RemovedDatasetAction.Mark
                : now - removedAt.Value >= grace ? RemovedDatasetAction.Delete : RemovedDatasetAction.Keep;
            yield return (name, action);
        }
    }
}

internal enum RemovedDatasetAction
{
    /// <summary>Served, or removed and still within its grace: leave it as it is.</summary>
    Keep,

    /// <summary>Removed, seen so for the first time: write the marker.</summary>
    Mark,

    /// <summary>Removed longer than the grace: delete the directory.</summary>
    Delete,

    /// <summary>Configured again within its grace: remove the marker and serve the data as it was.</summary>
    Restore,
}
