using System.Diagnostics;
using System.Text;
using RocksDbSharp;
using Sidecar.Store.Rollout;

namespace Sidecar.Store.Snapshots;

/// <summary>
/// A snapshot of a running node's live version: every user and every origin offset read from
/// one RocksDB snapshot (a consistent point: the offsets are exactly those of the updates the
/// data includes, since both are written in the same batch), written as SST files with the same
/// manifest as <see cref="SnapshotBuilder"/>. The node's own consume positions (<c>c:</c>) are
/// left out: a node that loads the snapshot catches up from the log, and the origin offsets skip
/// everything the snapshot already includes (no loss, no double count).
/// </summary>
public static class SnapshotCheckpoint
{
    private static readonly byte[] OffsetPrefix = "o:"u8.ToArray();
    private static readonly byte[] MetaPrefix = "m:"u8.ToArray();

    /// <param name="time">The clock of the manifest's creation time; the system's by default.</param>
    /// <param name="users">What to keep of each user's state bytes: the bytes to write, or null to
    /// leave the user out (a dataset's expiry); every user as stored by default.</param>
    public static SnapshotBuilder.Result Write(RocksDb db, string version, string output, int bloomBitsPerKey = 10, long maxFileBytes = 256L << 20, TimeProvider? time = null, Func<byte[], byte[]?>? users = null)
    {
        var started = Stopwatch.GetTimestamp();
        if (VersionNames.Check(version) is { } bad)
        {
            throw new ArgumentException(bad);
        }

        if (Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any())
        {
            throw new IOException($"{output} is not empty; a checkpoint is written into a new directory");
        }

        Directory.CreateDirectory(output);
        try
        {
            var offsets = new Dictionary<string, long>(StringComparer.Ordinal);
            long count = 0;
            // The keys are copied as stored, and with them the layout's m: entry: the snapshot has the live version's layout.
            var layout = KeyLayout.Read(db);
            using var snapshot = db.CreateSnapshot();
            var read = new ReadOptions().SetSnapshot(snapshot);
            using var iterator = db.NewIterator(readOptions: read);

            IEnumerable<(byte[] Key, byte[] Value)> Entries()
            {
                for (iterator.SeekToFirst(); iterator.Valid(); iterator.Next())
                {
                    var key = iterator.Key();
                    var value = iterator.Value();
                    if (key.AsSpan().StartsWith(StoreKeys.UserPrefix))
                    {
                        if (users is not null)
                        {
                            if (users(value) is not { } kept)
                            {
                                continue;
                            }

                            value = kept;
                        }

                        count++;
                    }
                    else if (key.AsSpan().StartsWith(OffsetPrefix) && StoreKeys.ReadInt64(value) is { } offset)
                    {
                        offsets[Encoding.UTF8.GetString(key, 2, key.Length - 2)] = offset;
                    }
                    else if (!key.AsSpan().StartsWith(MetaPrefix))
                    {
                        continue; // consume positions: this node's own, not the data's
                    }

                    yield return (key, value);
                }
            }

            var files = SstFileSet.Write(output, Entries(), bloomBitsPerKey, maxFileBytes);
            if (files.Count == 0)
            {
                throw new InvalidOperationException("the live version holds no user and no offset: nothing to checkpoint");
            }

            var manifest = SnapshotManifest.Create(version, (time ?? TimeProvider.System).GetUtcNow(), count, files, offsets, layout);
            File.WriteAllBytes(Path.Combine(output, SnapshotManifest.FileName), RolloutJson.Bytes(manifest));
            return new SnapshotBuilder.Result(manifest, Stopwatch.GetElapsedTime(started));
        }
        catch
        {
            Directory.Delete(output, recursive: true);
            throw;
        }
    }
}
