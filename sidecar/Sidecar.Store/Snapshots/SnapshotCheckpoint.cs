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

    /// <param name="time">The clock of the manifest's creation time; the system's by default.</param>
    /// <param name="users">What to keep of each user's state bytes: the bytes to write, or null to
    /// leave the user out (a dataset's expiry); every user as stored by default.</param>
    /// <param name="layout">The key layout of the snapshot: the live version's by default; another
    /// one re-keys every user into it (<see cref="UsersInLayout"/>), which is how a dataset moves to a
    /// new layout by a rollout.</param>
    public static SnapshotBuilder.Result Write(RocksDb db, string version, string output, int bloomBitsPerKey = 10, long maxFileBytes = 256L << 20, TimeProvider? time = null, Func<byte[], byte[]?>? users = null, KeyLayout? layout = null)
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
            var source = KeyLayout.Read(db);
            var target = layout ?? source;
            using var snapshot = db.CreateSnapshot();
            var read = new ReadOptions().SetSnapshot(snapshot);

            // In key order: the target layout's m: entry, the origin offsets (o:), the users (u:).
            // The consume positions (c:) are this node's own, not the data's, and stay out.
            IEnumerable<(byte[] Key, byte[] Value)> Entries()
            {
                if (target.MetaEntry is { } meta)
                {
                    yield return meta;
                }

                using (var iterator = db.NewIterator(readOptions: read))
                {
                    for (iterator.Seek(OffsetPrefix); iterator.Valid() && iterator.GetKeySpan().StartsWith(OffsetPrefix); iterator.Next())
                    {
                        var key = iterator.Key();
                        var value = iterator.Value();
                        if (StoreKeys.ReadInt64(value) is { } offset)
                        {
                            offsets[Encoding.UTF8.GetString(key, 2, key.Length - 2)] = offset;
                            yield return (key, value);
                        }
                    }
                }

                foreach (var (key, stored) in UsersInLayout.Read(db, read, source, target))
                {
                    var value = stored;
                    if (users is not null)
                    {
                        if (users(value) is not { } kept)
                        {
                            continue;
                        }

                        value = kept;
                    }

                    count++;
                    yield return (key, value);
                }
            }

            var files = SstFileSet.Write(output, Entries(), bloomBitsPerKey, maxFileBytes);
            if (files.Count == 0)
            {
                throw new InvalidOperationException("the live version holds no user and no offset: nothing to checkpoint");
            }

            var manifest = SnapshotManifest.Create(version, (time ?? TimeProvider.System).GetUtcNow(), count, files, offsets, target);
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
