using System.Text;
using RocksDbSharp;
using Sidecar.Node.Configuration;
using Sidecar.Node.Storage;
using Sidecar.Store.Snapshots;
using Sidecar.Testing;

namespace Sidecar.Node.Tests.Storage;

/// <summary>
/// A checkpoint written in another key layout than its version's, on real RocksDB: ingested into
/// a new version, it records the new layout, holds every user under its new key with the same
/// state and the same offsets, and digests equal to the version it came from.
/// </summary>
public sealed class CheckpointLayoutTests : IDisposable
{
    private static readonly string[] Users = [.. Enumerable.Range(0, 500).Select(i => $"user-{i}"), "ü-ñ", "a:b", "Z", new string('x', 300)];
    private readonly TempDir _dir = new();
    private readonly Cache _cache = Cache.CreateLru(8 << 20);

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, 4)]
    [InlineData(4, 4)]
    [InlineData(4, 0)]
    [InlineData(7, 3)]
    [InlineData(3, 7)]
    public void A_checkpoint_re_keyed_to_another_layout_holds_the_same_users_and_offsets(int from, int to)
    {
        var source = StoreVersion.Open("source", _dir.Sub("source"), new StoreOptions(), _cache, KeyLayout.Of(from));
        StoreVersion? copy = null;
        try
        {
            using (var batch = new WriteBatch())
            {
                foreach (var user in Users)
                {
                    batch.Put(source.Layout.User(user), Encoding.UTF8.GetBytes("state of " + user));
                }

                batch.Put(StoreKeys.OriginOffset("dc-a", 2), StoreKeys.Int64(41));
                batch.Put(StoreKeys.ConsumePosition("updates", 2), StoreKeys.Int64(42));
                source.Db.Write(batch);
            }

            var output = _dir.Sub("checkpoint");
            var target = KeyLayout.Of(to);
            var manifest = SnapshotCheckpoint.Write(source.Db, "v2", output, maxFileBytes: 4096, layout: target).Manifest;
            Assert.Equal(Users.Length, manifest.KeyCount);
            Assert.Equal(target, SnapshotVerifier.LayoutOf(SnapshotVerifier.Verify(output, "v2")));
            Assert.Equal(41, manifest.Offsets["dc-a:2"]);
            Assert.True(manifest.Files.Count > 1, "small files, so that the order across files is checked too");

            // Ingested as a rollout does: an empty directory, the files, the layout read back.
            copy = StoreVersion.Open("copy", _dir.Sub("copy"), new StoreOptions(), _cache);
            copy.Db.IngestExternalFiles([.. manifest.Files.Select(f => Path.Combine(output, f.Name))], new IngestExternalFileOptions());
            Assert.Equal(target, copy.ReadLayoutAgain());
            foreach (var user in Users)
            {
                Assert.Equal("state of " + user, Encoding.UTF8.GetString(copy.Db.Get(target.User(user))!));
            }

            Assert.Equal(Users.Length, UserKeys(copy.Db));
            Assert.Equal(41, StoreKeys.ReadInt64(copy.Db.Get(StoreKeys.OriginOffset("dc-a", 2))));
            Assert.Null(copy.Db.Get(StoreKeys.ConsumePosition("updates", 2)));
            Assert.Equal(StateDigest.Compute(source), StateDigest.Compute(copy));
        }
        finally
        {
            source.Release();
            copy?.Release();
        }
    }

    public void Dispose()
    {
        GC.KeepAlive(_cache);
        _dir.Dispose();
    }

    private static int UserKeys(RocksDb db)
    {
        var count = 0;
        using var iterator = db.NewIterator();
        for (iterator.Seek(StoreKeys.UserPrefix); iterator.Valid() && iterator.GetKeySpan().StartsWith(StoreKeys.UserPrefix); iterator.Next())
        {
            count++;
        }

        return count;
    }
}
