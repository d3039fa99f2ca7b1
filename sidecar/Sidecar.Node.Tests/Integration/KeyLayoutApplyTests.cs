using System.Text;
using Confluent.Kafka;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RocksDbSharp;
using Sidecar.Common.Clocks;
using Sidecar.Common.Envelope;
using Sidecar.Common.Kafka;
using Sidecar.Node.Apply;
using Sidecar.Node.Configuration;
using Sidecar.Node.Storage;
using Sidecar.Testing;

namespace Sidecar.Node.Tests.Integration;

/// <summary>
/// The same records applied to a flat and a partitioned version on a real RocksDB: the same users
/// read back, the digests are equal, each partition's users digest alone, and records from another
/// partition than their user's are applied and counted.
/// </summary>
public sealed class KeyLayoutApplyTests : IDisposable
{
    private const int Partitions = 6;
    private readonly TempDir _dir = new();
    private readonly Cache _cache = Cache.CreateLru(8 << 20);
    private readonly Envelopes _envelopes = new("dc-a");

    [Fact]
    public void A_flat_and_a_partitioned_version_hold_the_same_users_and_digest_equal()
    {
        var users = Enumerable.Range(0, 300).Select(i => $"user-{i}").ToList();
        var records = new List<DecodedRecord>();
        foreach (var (user, i) in users.Select((u, i) => (u, i)))
        {
            var partition = KafkaPartitioner.Partition(user, Partitions);
            records.Add(Record(partition, i, _envelopes.Create(user, Envelopes.Incr("n", i + 1), Envelopes.Push("seen", $"item-{i}"))));
        }

        var flat = Open("flat", KeyLayout.Flat);
        var partitioned = Open("partitioned", KeyLayout.Of(Partitions));
        try
        {
            Assert.Equal(KeyLayout.Of(Partitions), partitioned.Layout);
            var flatResult = Applier().Apply(flat, records);
            var partitionedResult = Applier().Apply(partitioned, records);
            Assert.Equal((300, 0), (flatResult.Applied, flatResult.Misplaced));
            Assert.Equal((300, 0), (partitionedResult.Applied, partitionedResult.Misplaced));

            foreach (var user in users)
            {
                Assert.Equal(UserStore.Read(flat, user)!.ToByteArray(), UserStore.Read(partitioned, user)!.ToByteArray());
                Assert.Null(flat.Db.Get(KeyLayout.Of(Partitions).User(user)));
                Assert.Null(partitioned.Db.Get(KeyLayout.Flat.User(user)));
            }

            var whole = StateDigest.Compute(flat);
            Assert.Equal(whole, StateDigest.Compute(partitioned));
            Assert.Equal(300, whole.Users);

            // Each partition's users alone: what a node given only that partition would hold.
            long counted = 0;
            for (var p = 0; p < Partitions; p++)
            {
                var only = users.Where(u => KafkaPartitioner.Partition(u, Partitions) == p).ToList();
                var alone = Open($"p{p}", KeyLayout.Of(Partitions));
                try
                {
                    Applier().Apply(alone, records.Where(r => only.Contains(r.Envelope!.UserId)).ToList());
                    var digest = StateDigest.Compute(partitioned, Sidecar.Node.Merge.Expiry.None, 0, p);
                    Assert.Equal(StateDigest.Compute(alone), digest);
                    Assert.Equal(only.Count, digest.Users);
                    counted += digest.Users;
                }
                finally
                {
                    alone.Release();
                }
            }

            Assert.Equal(300, counted);
        }
        finally
        {
            flat.Release();
            partitioned.Release();
        }
    }

    [Fact]
    public void A_record_from_another_partition_than_its_users_is_applied_and_counted_as_misplaced()
    {
        var version = Open("v", KeyLayout.Of(Partitions));
        try
        {
            var home = KafkaPartitioner.Partition("alice", Partitions);
            var elsewhere = (home + 1) % Partitions;
            var result = Applier().Apply(version, [
                Record(home, 0, _envelopes.Create("alice", Envelopes.Incr("n", 1))),
                Record(elsewhere, 0, _envelopes.Create("alice", Envelopes.Incr("n", 2))),
                Record(elsewhere, 1, _envelopes.Create("alice", Envelopes.Incr("n", 4))),
            ]);

            Assert.Equal((3, 2), (result.Applied, result.Misplaced));
            var state = UserStore.Read(version, "alice")!;
            Assert.Equal(7, Sidecar.Node.Merge.UserView.Value(state, state.Counters.Single()));
        }
        finally
        {
            version.Release();
        }
    }

    [Fact]
    public void Only_a_new_initial_version_takes_the_configured_layout_an_existing_one_keeps_its_own()
    {
        var root = _dir.Sub("root");
        using (var flatNode = Store(root, partitions: 0))
        {
            using var lease = flatNode.Acquire();
            Assert.Equal(KeyLayout.Flat, lease.Version.Layout);
            Applier().Apply(lease.Version, [Record(0, 0, _envelopes.Create("bob", Envelopes.Incr("n", 1)))]);
        }

        // The configuration changes: the data on disk does not.
        using (var reopened = Store(root, partitions: Partitions))
        {
            using var lease = reopened.Acquire();
            Assert.Equal(KeyLayout.Flat, lease.Version.Layout);
            Assert.NotNull(UserStore.Read(lease.Version, "bob"));
            Assert.Null(lease.Version.Db.Get(KeyLayout.MetaKey));

            // A version that will ingest a snapshot's files gets its layout from them, not from the configuration.
            var staged = reopened.OpenVersion("v2");
            Assert.Equal(KeyLayout.Flat, staged.Layout);
            staged.Release();
        }

        using var fresh = Store(_dir.Sub("fresh"), partitions: Partitions);
        using (var lease = fresh.Acquire())
        {
            Assert.Equal(KeyLayout.Of(Partitions), lease.Version.Layout);
        }
    }

    public void Dispose()
    {
        GC.KeepAlive(_cache);
        _dir.Dispose();
    }

    private static VersionedStore Store(string root, int partitions)
    {
        var store = new StoreOptions { Partitions = partitions };
        return new VersionedStore(
            Options.Create(new NodeOptions { Id = "n1", Datacenter = "dc-a", DataRoot = root }),
            Options.Create(store),
            new BlockCache(Options.Create(store)),
            NullLogger<VersionedStore>.Instance);
    }

    private static BatchApplier Applier() =>
        new(new StoreOptions(), new HybridLogicalClock(TimeProvider.System, TimeSpan.FromMinutes(1)), TimeProvider.System);

    private StoreVersion Open(string name, KeyLayout layout) => StoreVersion.Open(name, _dir.Sub(name), new StoreOptions(), _cache, layout);

    private static DecodedRecord Record(int partition, long offset, UpdateEnvelope envelope)
    {
        var record = new ConsumeResult<byte[], byte[]>
        {
            TopicPartitionOffset = new TopicPartitionOffset("updates", partition, offset),
            Message = new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes(envelope.UserId), Value = envelope.ToByteArray() },
        };
        return new DecodedRecord(record, envelope, new OriginPosition("dc-a", partition, offset), null);
    }
}
