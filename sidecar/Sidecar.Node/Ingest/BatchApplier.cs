using Confluent.Kafka;
using RocksDbSharp;
using Sidecar.Common.Clocks;
using Sidecar.Node.Merge;
using Sidecar.Node.State;
using Sidecar.Node.Storage;

namespace Sidecar.Node.Ingest;

/// <summary>
/// Applies a batch of records to a version in one RocksDB write batch: the users' new states,
/// the highest origin offset applied per origin partition, and the next local offset per
/// consumed partition. Because all three land atomically, a crash anywhere either keeps the
/// whole batch or none of it, and a record whose origin offset is at or below the stored one is
/// skipped: each origin record is applied exactly once however often it is delivered.
/// </summary>
internal sealed class BatchApplier
{
    private readonly int _listCap;
    private readonly HybridLogicalClock _clock;
    private readonly WriteOptions _writeOptions;

    public BatchApplier(int listCap, bool syncWrites, HybridLogicalClock clock)
    {
        _listCap = listCap;
        _clock = clock;
        _writeOptions = new WriteOptions().SetSync(syncWrites);
    }

    public BatchResult Apply(StoreVersion version, IReadOnlyList<DecodedRecord> records)
    {
        var db = version.Db;
        var users = new Dictionary<string, (byte[] Key, UserState State)>(StringComparer.Ordinal);
        var origins = new Dictionary<(string Dc, int Partition), long>();
        var positions = new Dictionary<TopicPartition, long>();
        int applied = 0, duplicates = 0;

        foreach (var record in records)
        {
            positions[record.Record.TopicPartition] = record.Record.Offset.Value + 1;
            if (record.Envelope is not { } envelope)
            {
                continue;
            }

            var originKey = (record.Origin.Datacenter, record.Origin.Partition);
            if (!origins.TryGetValue(originKey, out var highest))
            {
                highest = UserStore.ReadInt64(db, StoreKeys.OriginOffset(originKey.Datacenter, originKey.Partition)) ?? -1;
            }

            if (record.Origin.Offset <= highest)
            {
                origins[originKey] = highest;
                duplicates++;
                continue;
            }

            if (!users.TryGetValue(envelope.UserId, out var user))
            {
                var key = StoreKeys.User(envelope.UserId);
                user = (key, UserStore.Read(db, key) ?? new UserState());
                users[envelope.UserId] = user;
            }

            UpdateApplier.Apply(user.State, envelope, record.Origin, _listCap);
            foreach (var op in envelope.Ops)
            {
                _clock.Observe(op.Hlc);
            }

            origins[originKey] = record.Origin.Offset;
            applied++;
        }

        using var batch = new WriteBatch();
        foreach (var (key, state) in users.Values)
        {
            UserStore.Write(batch, key, state);
        }

        foreach (var ((dc, partition), offset) in origins)
        {
            batch.Put(StoreKeys.OriginOffset(dc, partition), StoreKeys.Int64(offset));
        }

        foreach (var (tp, next) in positions)
        {
            batch.Put(StoreKeys.ConsumePosition(tp.Topic, tp.Partition.Value), StoreKeys.Int64(next));
        }

        db.Write(batch, _writeOptions);
        return new BatchResult(applied, duplicates, positions);
    }
}

internal sealed record BatchResult(int Applied, int Duplicates, IReadOnlyDictionary<TopicPartition, long> Positions);
