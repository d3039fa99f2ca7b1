using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Google.Protobuf;
using RocksDbSharp;
using Sidecar.Common.Clocks;
using Sidecar.Common.Envelope;
using Sidecar.Common.Kafka;
using Sidecar.Node.Apply;
using Sidecar.Node.Configuration;
using Sidecar.Node.Ingest;
using Sidecar.Node.Merge;
using Sidecar.Node.Model;
using Sidecar.Node.Storage;
using Sidecar.Testing;

namespace Sidecar.Node.Tests.Integration;

/// <summary>The ingest write path against a real RocksDB: exactly-once bookkeeping per origin partition.</summary>
public sealed class BatchApplierTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly Cache _cache = Cache.CreateLru(8 << 20);
    private readonly BatchApplier _applier = new(new StoreOptions { ListCap = 10 }, new HybridLogicalClock(TimeProvider.System, TimeSpan.FromMinutes(1)), TimeProvider.System);
    private readonly Envelopes _envelopes = new("dc-b");

    [Fact]
    public void A_record_redelivered_in_a_later_batch_or_through_another_topic_is_skipped()
    {
        var version = StoreVersion.Open("v", _dir.Sub("v"), new StoreOptions(), _cache);
        try
        {
            var first = Mirrored("dc-b.updates", 0, 0, origin: 10, Envelopes.Incr("n", 5));
            var second = Mirrored("dc-b.updates", 0, 1, origin: 11, Envelopes.Incr("n", 3));
            var r1 = _applier.Apply(version, [first, second]);
            Assert.Equal(2, r1.Applied);

            // The same origin records again, at other local offsets (a replicator restart).
            var again = _applier.Apply(version, [
                Mirrored("dc-b.updates", 0, 2, origin: 10, Envelopes.Incr("n", 5)),
                Mirrored("dc-b.updates", 0, 3, origin: 11, Envelopes.Incr("n", 3)),
                Mirrored("dc-b.updates", 0, 4, origin: 12, Envelopes.Incr("n", 1)),
            ]);
            Assert.Equal((1, 2), (again.Applied, again.Duplicates));

            var state = UserStore.Read(version, "u")!;
            Assert.Equal(9, UserView.Value(state, state.Counters.Single()));
            Assert.Equal(12, UserStore.ReadInt64(version.Db, StoreKeys.OriginOffset("dc-b", 0)));
            Assert.Equal(5, UserStore.ReadInt64(version.Db, StoreKeys.ConsumePosition("dc-b.updates", 0)));
        }
        finally
        {
            version.Release();
        }
    }

    [Fact]
    public void A_request_written_twice_counts_once_across_batches_a_reopen_and_datacenters()
    {
        var path = _dir.Sub("v");
        var envelope = _envelopes.Create("u", Envelopes.Incr("n", 5), Envelopes.Set("f", "1"));
        var version = StoreVersion.Open("v", path, new StoreOptions(), _cache);
        try
        {
            var first = _applier.Apply(version, [Record("dc-b.updates", 0, 0, "dc-b", 10, envelope)]);
            Assert.Equal((1, 0), (first.Applied, first.DuplicateRequests));
        }
        finally
        {
            version.Release();
        }

        // After a restart: the same bytes at a new origin offset (a producer's retry), and the
        // request accepted anew in dc-a (a retry on another node: same id, its own stamps).
        version = StoreVersion.Open("v", path, new StoreOptions(), _cache);
        try
        {
            var retry = Envelopes.Stamped("dc-a", envelope.Id, "u", envelope.Ops[0].Hlc + 100, envelope.Ops);
            var again = _applier.Apply(version, [Record("dc-b.updates", 0, 1, "dc-b", 11, envelope), Record("updates", 0, 0, "dc-a", 0, retry)]);
            Assert.Equal((2, 2), (again.Applied, again.DuplicateRequests));

            var state = UserStore.Read(version, "u")!;
            Assert.Equal(5, UserView.Value(state, state.Counters.Single()));
            Assert.Equal("dc-b", RequestMemory.First(state, envelope.Id)!.Value.Datacenter);
            Assert.Equal(3, RequestMemory.Requests(state).Single().Records);
        }
        finally
        {
            version.Release();
        }
    }

    [Fact]
    public void A_write_refreshes_the_cached_rendering_of_a_cached_user_and_leaves_others_uncached()
    {
        var version = StoreVersion.Open("v", _dir.Sub("v"), new StoreOptions(), _cache);
        try
        {
            _applier.Apply(version, [Mirrored("dc-b.updates", 0, 0, origin: 1, Envelopes.Incr("n", 5))]);
            Assert.Null(version.Cache.Get("u")); // writes do not fill the cache
            version.Cache.AddIfUnchanged("u", UserJsonWriter.Render("u", UserStore.Read(version, "u")!, version.Id), version.Cache.Stamp("u"));

            _applier.Apply(version, [Mirrored("dc-b.updates", 0, 1, origin: 2, Envelopes.Incr("n", 3))]);

            var cached = JsonDocument.Parse(version.Cache.Get("u")!).RootElement;
            Assert.Equal(8, cached.GetProperty("counters").GetProperty("n").GetInt64());
            Assert.Equal(UserJsonWriter.Render("u", UserStore.Read(version, "u")!, version.Id), version.Cache.Get("u"));
        }
        finally
        {
            version.Release();
        }
    }

    [Fact]
    public void A_late_copy_counts_once_whether_the_records_came_in_one_batch_or_one_by_one()
    {
        // A user written more often than Store:RequestsPerUser within the retry window: catching up
        // applies its records in one batch, live ingest one by one. Both must end in the same state.
        var options = new StoreOptions { ListCap = 10, RequestsPerUser = 4 };
        var envelopes = Enumerable.Range(0, 8).Select(_ => _envelopes.Create("u", Envelopes.Incr("n", 1))).ToList();
        var records = envelopes.Select((e, i) => Record("dc-b.updates", 0, i, "dc-b", i, e)).ToList();
        records.Add(Record("dc-b.updates", 0, 8, "dc-b", 8, envelopes[1])); // request 1 again: a producer's retry

        var whole = ApplyInBatches("whole", options, [records]);
        var oneByOne = ApplyInBatches("one-by-one", options, records.Select(r => (IReadOnlyList<DecodedRecord>)[r]).ToList());

        Assert.Equal(8, whole.Value);
        Assert.Equal(whole, oneByOne);
    }

    public void Dispose()
    {
        GC.KeepAlive(_cache);
        _dir.Dispose();
    }

    private (long Value, string State) ApplyInBatches(string name, StoreOptions options, List<IReadOnlyList<DecodedRecord>> batches)
    {
        var applier = new BatchApplier(options, new HybridLogicalClock(TimeProvider.System, TimeSpan.FromMinutes(1)), TimeProvider.System);
        var version = StoreVersion.Open(name, _dir.Sub(name), new StoreOptions(), _cache);
        try
        {
            foreach (var batch in batches)
            {
                applier.Apply(version, batch);
            }

            var state = UserStore.Read(version, "u")!;
            return (UserView.Value(state, state.Counters.Single()), Convert.ToHexString(state.ToByteArray()));
        }
        finally
        {
            version.Release();
        }
    }

    private DecodedRecord Mirrored(string topic, int partition, long localOffset, long origin, Op op) =>
        Record(topic, partition, localOffset, "dc-b", origin, _envelopes.Create("u", op));

    private static DecodedRecord Record(string topic, int partition, long localOffset, string originDc, long origin, UpdateEnvelope envelope)
    {
        var record = new ConsumeResult<byte[], byte[]>
        {
            TopicPartitionOffset = new TopicPartitionOffset(topic, partition, localOffset),
            Message = new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes("u"), Value = envelope.ToByteArray() },
        };
        return new DecodedRecord(record, envelope, new OriginPosition(originDc, partition, origin), null);
    }
}
