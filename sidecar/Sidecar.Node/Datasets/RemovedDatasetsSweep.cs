using System.Globalization;
using Microsoft.Extensions.Options;
using Sidecar.Node.Configuration;

namespace Sidecar.Node.Datasets;

/// <summary>
/// At start, before any named dataset opens: marks, keeps or deletes the directories of datasets
/// no longer configured, as <see cref="RemovedDatasets"/> decides, and says so in the log.
/// </summary>
internal static class RemovedDatasetsSweep
{
    public static void Run(NodeOptions node, DatasetsOptions datasets, TimeProvider time, ILogger logger)
    {
        var root = Path.Combine(Path.GetFullPath(node.DataRoot), DatasetContainer.Folder);
        if (!Directory.Exists(root))
        {
            return;
        }

        var onDisk = Directory.GetDirectories(root).Select(dir => (Path.GetFileName(dir), ReadMarker(dir))).ToList();
        var now = time.GetUtcNow();
        foreach (var (name, action) in RemovedDatasets.Decide(datasets.Named.Keys, onDisk, now, node.RemovedDatasetGrace))
        {
            var dir = Path.Combine(root, name);
            var marker = Path.Combine(dir, RemovedDatasets.Marker);
            switch (action)
            {
                case RemovedDatasetAction.Mark:
                    File.WriteAllText(marker, now.ToString("O", CultureInfo.InvariantCulture));
                    logger.LogWarning("Dataset {Dataset} is no longer configured: not served; its data at {Path} is deleted after {Grace} (Node:RemovedDatasetGrace) unless it is configured again", name, dir, node.RemovedDatasetGrace);
                    break;
                case RemovedDatasetAction.Delete:
                    Directory.Delete(dir, recursive: true);
                    logger.LogWarning("Deleted the data of dataset {Dataset} at {Path}: removed from the configuration longer than {Grace} ago", name, dir, node.RemovedDatasetGrace);
                    break;
                case RemovedDatasetAction.Restore:
                    File.Delete(marker);
                    logger.LogInformation("Dataset {Dataset} is configured again: serving its data as it was", name);
                    break;
                case RemovedDatasetAction.Keep:
                    break;
            }
        }
    }

    private static DateTimeOffset? ReadMarker(string dir)
    {
        var marker = Path.Combine(dir, RemovedDatasets.Marker);
        return File.Exists(marker) && DateTimeOffset.TryParse(File.ReadAllText(marker), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at)
            ? at
            : null;
    }
}
