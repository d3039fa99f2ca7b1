using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using RocksDbSharp;
using Sidecar.Store.Model;
using Sidecar.Store.Rollout;

namespace Sidecar.Store.Snapshots;

/// <summary>
/// Builds a snapshot from JSON lines of user documents: SST files in the node's exact key and
/// value layout (written with SstFileWriter, keys in bytewise order as RocksDB requires) and a
/// manifest. Every line is checked against the data model's rules (<see cref="UserDocument"/>)
/// before anything is written: input with bad lines is refused with each one listed
/// (<see cref="SnapshotInputException"/>), and nothing is left in the output.
/// </summary>
public sealed class SnapshotBuilder
{
    public required string Version { get; init; }

    /// <summary>Per origin partition ("dc:partition"), the highest origin offset the input already includes.</summary>
    public IReadOnlyDictionary<string, long> Offsets { get; init; } = new Dictionary<string, long>();

    public int ListCap { get; init; } = 100;

    /// <summary>The key layout of the snapshot's files (the nodes' <c>Partitions</c> of the dataset): flat by default.</summary>
    public KeyLayout Layout { get; init; } = KeyLayout.Flat;

    /// <summary>The nodes' limits on user ids and names (their <c>Api:MaxUserIdBytes</c> and
    /// <c>Api:MaxNameLength</c>): a snapshot must hold nothing their API refuses.</summary>
    public ModelLimits Limits { get; init; } = ModelLimits.Default;

    /// <summary>Problems listed in the refusal at most; the rest are counted. A file with a bad
    /// export can have a bad line per user, millions of them, and the first ones say what is wrong.</summary>
    public const int MaxProblemsListed = 1000;

    public int BloomBitsPerKey { get; init; } = 10;

    /// <summary>A new file is started once one holds about this many bytes of keys and values.</summary>
    public long MaxFileBytes { get; init; } = 256L << 20;

    /// <summary>Told every 10,000 lines read (bytes of the input) and users written (for a progress bar).</summary>
    public IProgress<SnapshotProgress>? Progress { get; init; }

    /// <summary>The clock of the manifest's creation time.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    public sealed record Result(SnapshotManifest Manifest, TimeSpan Elapsed);

    public Result Build(string input, string output)
    {
        var started = Stopwatch.GetTimestamp();
        if (VersionNames.Check(Version) is { } bad)
        {
            throw new ArgumentException(bad);
        }

        if (Limits.Problems() is [var badLimit, ..])
        {
            throw new ArgumentException(badLimit);
        }

        var offsets = ParseOffsets(Offsets);
        if (Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any())
        {
            throw new IOException($"{output} is not empty; a snapshot is built into a new directory");
        }

        var users = Read(input);
        Directory.CreateDirectory(output);
        try
        {
            var files = Write(output, offsets, users);
            var manifest = SnapshotManifest.Create(Version, Time.GetUtcNow(), users.Count, files, Offsets, Layout);
            File.WriteAllBytes(Path.Combine(output, SnapshotManifest.FileName), RolloutJson.Bytes(manifest));
            return new Result(manifest, Stopwatch.GetElapsedTime(started));
        }
        catch
        {
            Directory.Delete(output, recursive: true);
            throw;
        }
    }

    /// <summary>"dc:partition" → origin offset key, checked.</summary>
    public static List<(byte[] Key, long Offset)> ParseOffsets(IReadOnlyDictionary<string, long> offsets)
    {
        var keys = new List<(byte[], long)>();
        foreach (var (name, offset) in offsets)
        {
            var colon = name.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(name.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var partition) || offset < 0)
            {
                throw new ArgumentException($"offset '{name}={offset}' must be <origin dc>:<partition>=<offset>, offset not negative");
            }

            keys.Add((StoreKeys.OriginOffset(name[..colon], partition), offset));
        }

        return keys;
    }

    private List<(byte[] Key, byte[] Value, int Line)> Read(string input)
    {
        var users = new List<(byte[] Key, byte[] Value, int Line)>();
        var problems = new List<(int Line, string Reason)>();
        var lineProblems = new List<string>();
        var lineNumber = 0;
        long read = 0, size = new FileInfo(input).Length;
        foreach (var line in File.ReadLines(input))
        {
            lineNumber++;
            read += System.Text.Encoding.UTF8.GetByteCount(line) + 1;
            if (lineNumber % 10_000 == 0)
            {
                Progress?.Report(new SnapshotProgress("reading", Math.Min(read, size), size));
            }

            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            lineProblems.Clear();
            if (UserDocument.Parse(System.Text.Encoding.UTF8.GetBytes(line), Version, ListCap, Limits, lineProblems) is var (userId, state))
            {
                users.Add((Layout.User(userId), state.ToByteArray(), lineNumber));
            }
            else
            {
                problems.AddRange(lineProblems.Select(reason => (lineNumber, reason)));
            }
        }

        Progress?.Report(new SnapshotProgress("reading", size, size));
        // By key, then by line: a repeated user is named on each later line, with its first one.
        users.Sort((a, b) => a.Key.AsSpan().SequenceCompareTo(b.Key) is var byKey and not 0 ? byKey : a.Line.CompareTo(b.Line));
        var first = 0;
        for (var i = 1; i < users.Count; i++)
        {
            if (users[i].Key.AsSpan().SequenceEqual(users[first].Key))
            {
                problems.Add((users[i].Line, $"user '{Layout.UserId(users[i].Key)}' appears more than once (first on line {users[first].Line})"));
            }
            else
            {
                first = i;
            }
        }

        if (problems.Count > 0)
        {
            var listed = problems.OrderBy(p => p.Line).Take(MaxProblemsListed).Select(p => $"{input}:{p.Line}: {p.Reason}").ToList();
            throw new SnapshotInputException(input, listed, problems.Count);
        }

        return users;
    }

    private List<SnapshotFile> Write(string output, List<(byte[] Key, long Offset)> offsets, List<(byte[] Key, byte[] Value, int Line)> users)
    {
        // "m:" sorts before "o:" and "o:" before "u:": the layout, the origin offsets, then the users.
        IEnumerable<(byte[] Key, byte[] Value)> meta = Layout.MetaEntry is { } entry ? [entry] : [];
        var entries = meta.Concat(offsets.OrderBy(o => o.Key, BytewiseOrder.Instance).Select(o => (o.Key, StoreKeys.Int64(o.Offset)))).Concat(users.Select((user, i) =>
        {
            if (i % 10_000 == 0)
            {
                Progress?.Report(new SnapshotProgress("writing", i, users.Count));
            }

            return (user.Key, user.Value);
        }));
        var files = SstFileSet.Write(output, entries, BloomBitsPerKey, MaxFileBytes);
        Progress?.Report(new SnapshotProgress("writing", users.Count, users.Count));
        return files.Count > 0 ? files : throw new FormatException("the input holds no user and no offset: an empty snapshot cannot be built");
    }
}
