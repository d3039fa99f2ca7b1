using System.Text;
using RocksDbSharp;
using Sidecar.Common.Kafka;
using Sidecar.Testing;

namespace Sidecar.Node.Tests.Storage;

/// <summary>The partition-grouped key layout: its keys, its name, and one partition as one key range on a real RocksDB.</summary>
public sealed class KeyLayoutTests : IDisposable
{
    private static readonly string[] Users = [.. Enumerable.Range(0, 400).Select(i => $"user-{i}"), "ü-ñ", "", "a:b", new string('x', 300)];
    private readonly TempDir _dir = new();

    [Fact]
    public void The_flat_layout_is_the_keys_of_every_version_before_layouts()
    {
        Assert.Equal("u:alice"u8.ToArray(), KeyLayout.Flat.User("alice"));
        Assert.Equal("flat", KeyLayout.Flat.Name);
        Assert.Same(KeyLayout.Flat, KeyLayout.Of(0));
        Assert.Null(KeyLayout.Flat.MetaEntry);
    }

    [Fact]
    public void A_partitioned_key_is_the_prefix_the_users_kafka_partition_and_the_id()
    {
        var layout = KeyLayout.Of(8);
        foreach (var user in Users)
        {
            var key = layout.User(user);
            var partition = KafkaPartitioner.Partition(user, 8);
            Assert.Equal([(byte)'u', (byte)':', (byte)(partition >> 8), (byte)partition, .. Encoding.UTF8.GetBytes(user)], key);
            Assert.Equal(user, layout.UserId(key));
            Assert.Equal(partition, layout.PartitionOf(key));
            Assert.Equal(partition, layout.Partition(user));
        }
    }

    [Theory]
    [InlineData(null, 0)]
    [InlineData("flat", 0)]
    [InlineData("murmur2/1", 1)]
    [InlineData("murmur2/8", 8)]
    [InlineData("murmur2/10000", 10000)]
    public void A_name_reads_back_as_its_layout(string? name, int partitions)
    {
        var layout = KeyLayout.Parse(name, out var problem);
        Assert.Null(problem);
        Assert.Equal(KeyLayout.Of(partitions), layout);
        Assert.Equal(layout, KeyLayout.Parse(layout!.Name, out _));
    }

    [Theory]
    [InlineData("murmur2/0")]
    [InlineData("murmur2/10001")]
    [InlineData("murmur2/08")]
    [InlineData("murmur2/+8")]
    [InlineData("murmur2/")]
    [InlineData("crc32/8")]
    [InlineData("FLAT")]
    [InlineData("")]
    public void An_unknown_name_is_refused_with_what_is_known(string name)
    {
        Assert.Null(KeyLayout.Parse(name, out var problem));
        Assert.Contains($"'{name}'", problem);
        Assert.Contains("murmur2/<1..10000>", problem);
    }

    [Fact]
    public void A_database_without_the_meta_key_is_flat_and_one_with_it_reads_its_layout()
    {
        using (var flat = Open("flat"))
        {
            KeyLayout.Flat.WriteTo(flat);
            Assert.Null(flat.Get(KeyLayout.MetaKey));
            Assert.Equal(KeyLayout.Flat, KeyLayout.Read(flat));
        }

        using var partitioned = Open("partitioned");
        KeyLayout.Of(12).WriteTo(partitioned);
        Assert.Equal("murmur2/12", partitioned.Get("m:layout"));
        Assert.Equal(KeyLayout.Of(12), KeyLayout.Read(partitioned));

        partitioned.Put("m:layout", "murmur3/12");
        var refused = Assert.Throws<InvalidDataException>(() => KeyLayout.Read(partitioned));
        Assert.Contains("murmur3/12", refused.Message);
    }

    [Fact]
    public void One_partitions_users_are_one_key_range_that_can_be_read_and_dropped_alone()
    {
        var layout = KeyLayout.Of(7);
        using var db = Open("db");
        foreach (var user in Users)
        {
            db.Put(layout.User(user), Encoding.UTF8.GetBytes(user));
        }

        db.Put(StoreKeys.OriginOffset("dc-a", 3), StoreKeys.Int64(42));
        var byPartition = Users.ToLookup(u => KafkaPartitioner.Partition(u, 7));
        Assert.Equal(7, byPartition.Count);
        for (var p = 0; p < 7; p++)
        {
            Assert.Equal(byPartition[p].Order(StringComparer.Ordinal), InRange(db, layout, p).Order(StringComparer.Ordinal));
        }

        var (start, end) = layout.PartitionRange(3);
        using (var batch = new WriteBatch())
        {
            batch.DeleteRange(start, (ulong)start.Length, end, (ulong)end.Length);
            db.Write(batch);
        }

        Assert.Empty(InRange(db, layout, 3));
        foreach (var user in Users)
        {
            Assert.Equal(KafkaPartitioner.Partition(user, 7) != 3, db.Get(layout.User(user)) is not null);
        }

        Assert.Equal(42, StoreKeys.ReadInt64(db.Get(StoreKeys.OriginOffset("dc-a", 3))));
    }

    [Fact]
    public void The_flat_layout_has_no_partition_range_and_a_partition_out_of_range_is_refused()
    {
        Assert.Throws<InvalidOperationException>(() => KeyLayout.Flat.PartitionRange(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => KeyLayout.Of(4).PartitionRange(4));
        Assert.Throws<ArgumentOutOfRangeException>(() => KeyLayout.Of(4).PartitionRange(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => KeyLayout.Of(KeyLayout.MaxPartitions + 1));
    }

    public void Dispose() => _dir.Dispose();

    private static List<string> InRange(RocksDb db, KeyLayout layout, int partition)
    {
        var (start, end) = layout.PartitionRange(partition);
        var users = new List<string>();
        using var iterator = db.NewIterator();
        for (iterator.Seek(start); iterator.Valid() && iterator.GetKeySpan().SequenceCompareTo(end) < 0; iterator.Next())
        {
            users.Add(layout.UserId(iterator.GetKeySpan()));
        }

        return users;
    }

    private RocksDb Open(string name) => RocksDb.Open(new DbOptions().SetCreateIfMissing(true), _dir.Sub(name));
}
