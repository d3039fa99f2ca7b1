using System.CommandLine;
using System.Globalization;
using Sidecar.Cli.Progress;
using Sidecar.Common.Contracts;
using Sidecar.Store;
using Sidecar.Store.Model;
using Sidecar.Store.Rollout;
using Sidecar.Store.Snapshots;

namespace Sidecar.Cli;

/// <summary><c>snapshot build | publish | list</c>.</summary>
internal static class SnapshotCommands
{
    public static Command Create(CliOptions shared)
    {
        var snapshot = new Command("snapshot", "Build, publish and list dataset snapshots");
        snapshot.Subcommands.Add(Build(shared.Time));
        snapshot.Subcommands.Add(Publish(shared));
        snapshot.Subcommands.Add(List(shared));
        snapshot.Subcommands.Add(Checkpoint(shared.Time));
        return snapshot;
    }

    private static Command Build(TimeProvider time)
    {
        var input = new Option<FileInfo>("--input") { Description = "JSON lines of user documents {\"userId\",\"fields\",\"lists\",\"counters\"}", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "New (or empty) directory for the SST files and manifest.json", Required = true };
        var version = new Option<string>("--version")
        {
            Description = "Version id (default v<UTC timestamp>)",
            DefaultValueFactory = _ => DefaultVersion(time),
        };
        var offsets = new Option<string[]>("--offset")
        {
            Description = "<origin dc>:<partition>=<offset>: the highest origin offset the input already includes (repeatable)",
            AllowMultipleArgumentsPerToken = false,
        };
        var listCap = new Option<int>("--list-cap") { Description = "Most items per list (the nodes' Store:ListCap)", DefaultValueFactory = _ => 100 };
        var maxUserIdBytes = new Option<int>("--max-user-id-bytes") { Description = "Longest user id in UTF-8 bytes (the nodes' Api:MaxUserIdBytes)", DefaultValueFactory = _ => ModelLimits.DefaultUserIdBytes };
        var maxNameLength = new Option<int>("--max-name-length") { Description = "Longest field, list or counter name (the nodes' Api:MaxNameLength)", DefaultValueFactory = _ => ModelLimits.DefaultNameLength };
        var partitions = new Option<int>("--partitions")
        {
            Description = "Group the keys by this many Kafka partitions (the nodes' Partitions of the dataset, the update topic's partition count); 0, the default, is the flat layout",
            DefaultValueFactory = _ => 0,
        };
        var command = new Command("build", "Build SST files and a manifest from JSON lines") { input, output, version, offsets, listCap, maxUserIdBytes, maxNameLength, partitions };
        command.SetAction(result =>
        {
            var file = result.GetValue(input)!;
            if (!file.Exists)
            {
                throw new ArgumentException($"--input {file.FullName} does not exist");
            }

            var offsetsParsed = ParseOffsets(result.GetValue(offsets) ?? []);
            if (result.GetValue(partitions) is var n and (< 0 or > KeyLayout.MaxPartitions))
            {
                throw new ArgumentException($"--partitions {n} must be 0 (flat) to {KeyLayout.MaxPartitions}");
            }

            var built = ProgressBars.Snapshot(progress => new SnapshotBuilder
            {
                Version = result.GetValue(version)!,
                Offsets = offsetsParsed,
                ListCap = result.GetValue(listCap),
                Layout = KeyLayout.Of(result.GetValue(partitions)),
                // The nodes' own limits: a line the nodes' API would refuse is refused here, listed.
                Limits = new ModelLimits { MaxUserIdBytes = result.GetValue(maxUserIdBytes), MaxNameLength = result.GetValue(maxNameLength) },
                Progress = progress,
                Time = time,
            }.Build(file.FullName, result.GetValue(output)!.FullName));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"built {built.Manifest.Version}: {built.Manifest.KeyCount} users in {built.Manifest.Files.Count} file(s), key layout {built.Manifest.Layout ?? KeyLayout.Flat.Name}, {built.Elapsed.TotalSeconds:F2} s"));
            return 0;
        });
        return command;
    }

    private static Command Publish(CliOptions shared)
    {
        var source = new Argument<DirectoryInfo>("dir") { Description = "A built snapshot" };
        var registry = new Option<string>("--registry") { Description = "The registry every node can read: a directory (a shared mount) or an http(s) URL (sidecarctl registry serve)", Required = true };
        var command = new Command("publish", "Copy a snapshot into the registry and index it in Consul") { source, registry };
        shared.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var target = result.GetValue(registry)!;
            var (location, manifest, sha) = HttpSnapshotRegistry.IsHttp(target)
                ? await HttpSnapshotRegistry.PublishAsync(Http, result.GetValue(source)!.FullName, new Uri(target), cancellationToken)
                : ProgressBars.Snapshot(progress => SnapshotRegistry.Publish(result.GetValue(source)!.FullName, Path.GetFullPath(target), progress));
            using var consul = shared.Client(result);
            var keys = shared.Keys(result);
            var entry = new VersionEntry(manifest.Version, location, manifest.KeyCount, sha, shared.Time.GetUtcNow());
            if (!await consul.Kv.CasAsync(keys.Version(manifest.Version), RolloutJson.Bytes(entry), 0, cancellationToken: cancellationToken))
            {
                // Already indexed: fine if it is this very snapshot (a retried publish), refused otherwise.
                var existing = (await consul.Kv.GetAsync(keys.Version(manifest.Version), cancellationToken: cancellationToken)).Value;
                var indexed = RolloutJson.Parse<VersionEntry>(existing?.Value, keys.Version(manifest.Version));
                if (indexed.ManifestSha256 != sha)
                {
                    throw new IOException($"version '{manifest.Version}' is already published with another manifest (at {indexed.Location})");
                }
            }

            Console.WriteLine($"published {manifest.Version} at {location}");
            return 0;
        });
        return command;
    }

    private static Command Checkpoint(TimeProvider time)
    {
        var node = new Option<string>("--node") { Description = "A running node's HTTP address", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "New (or empty) directory for the SST files and manifest.json", Required = true };
        var version = new Option<string>("--version")
        {
            Description = "Version id (default v<UTC timestamp>)",
            DefaultValueFactory = _ => DefaultVersion(time),
        };
        var dataset = new Option<string>("--dataset")
        {
            Description = "Dataset to snapshot (a node's Datasets:<name>); default the dataset 'default'. One with expiry leaves its expired entries and hidden users out",
            DefaultValueFactory = _ => DatasetName.Default,
        };
        var partitions = new Option<int?>("--partitions")
        {
            Description = "Write it in this key layout (the count of Kafka partitions to group the keys by; 0 is flat) instead of the live version's: how a dataset moves to a new layout, by rolling the checkpoint out",
        };
        var command = new Command("checkpoint", "Snapshot a running node's live version (consistent: one RocksDB snapshot, with the origin offsets it includes)") { node, output, version, dataset, partitions };
        command.SetAction(async (result, cancellationToken) =>
        {
            var id = result.GetValue(version)!;
            var target = result.GetValue(output)!.FullName;
            if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
            {
                throw new ArgumentException($"--out {target} is not empty");
            }

            if (!Uri.TryCreate(result.GetValue(node), UriKind.Absolute, out var nodeUri) || !HttpSnapshotRegistry.IsHttp(nodeUri.AbsoluteUri))
            {
                throw new ArgumentException($"--node '{result.GetValue(node)}' is not an http(s) URL");
            }

            var name = result.GetValue(dataset)!;
            if (!DatasetName.IsValid(name))
            {
                throw new ArgumentException(DatasetName.Problem($"--dataset '{name}'"));
            }

            var layout = result.GetValue(partitions);
            if (layout is < 0 or > KeyLayout.MaxPartitions)
            {
                throw new ArgumentException($"--partitions {layout} must be 0 (flat) to {KeyLayout.MaxPartitions}");
            }

            var admin = new Uri(nodeUri, UserPaths.CheckpointsOf(name));
            var query = "?version=" + Uri.EscapeDataString(id) + (layout is { } n ? string.Create(CultureInfo.InvariantCulture, $"&partitions={n}") : "");
            using (var created = await Http.PostAsync(new Uri(admin, query), null, cancellationToken))
            {
                if (!created.IsSuccessStatusCode)
                {
                    throw new IOException($"the node refused the checkpoint: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync(cancellationToken)}");
                }
            }

            try
            {
                // The node serves its checkpoint in a registry's layout; the copy is verified like any other.
                await HttpSnapshotRegistry.DownloadAsync(Http, HttpSnapshotRegistry.VersionLocation(admin, id), target, cancellationToken);
                var manifest = SnapshotVerifier.Verify(target, id);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"checkpoint {id}: {manifest.KeyCount} users in {manifest.Files.Count} file(s), key layout {manifest.Layout ?? KeyLayout.Flat.Name}, offsets {string.Join(", ", manifest.Offsets.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}={o.Value}"))}"));
            }
            finally
            {
                using var deleted = await Http.DeleteAsync(HttpSnapshotRegistry.VersionLocation(admin, id), CancellationToken.None);
            }

            return 0;
        });
        return command;
    }

    /// <summary>v&lt;UTC timestamp&gt;: ids that sort by build time.</summary>
    private static string DefaultVersion(TimeProvider time) =>
        "v" + time.GetUtcNow().ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);

    /// <summary>For the HTTP registry and nodes' admin endpoints; no overall timeout (snapshots can be large).</summary>
    private static HttpClient Http { get; } = new() { Timeout = Timeout.InfiniteTimeSpan };

    private static Command List(CliOptions shared)
    {
        var command = new Command("list", "List published versions");
        shared.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var consul = shared.Client(result);
            var keys = shared.Keys(result);
            var status = await RolloutReader.ReadAsync(consul, keys, cancellationToken);
            var pairs = (await consul.Kv.ListAsync(keys.VersionsPrefix, cancellationToken: cancellationToken)).Value;
            Console.WriteLine($"{"VERSION",-24} {"KEYS",12} {"PUBLISHED",-25} LOCATION");
            foreach (var pair in pairs.OrderBy(p => p.CreateIndex))
            {
                var entry = RolloutJson.Parse<VersionEntry>(pair.Value, pair.Key);
                var mark = entry.Version == status.CommittedVersion ? " (committed)" : "";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{entry.Version,-24} {entry.KeyCount,12} {entry.PublishedAt:u} {entry.Location}{mark}"));
            }

            return 0;
        });
        return command;
    }

    private static Dictionary<string, long> ParseOffsets(string[] values)
    {
        var offsets = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            var equals = value.LastIndexOf('=');
            if (equals <= 0 || !long.TryParse(value.AsSpan(equals + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
            {
                throw new ArgumentException($"--offset '{value}' must be <origin dc>:<partition>=<offset>");
            }

            offsets[value[..equals]] = offset;
        }

        return offsets;
    }
}
