using Confluent.Kafka;
using RocksDbSharp;
using Google.Protobuf;
using Sidecar.Common.Clocks;
using Sidecar.Common.Envelope;
using Sidecar.Node.Model;
using Sidecar.Node.Configuration;
using Sidecar.Node.Merge;
using Sidecar.Store.State;
using Sidecar.Node.Storage;

namespace Sidecar.Node.Apply;

/// <summary>
/// Applies a batch of records to a version in one RocksDB write batch: the users' new states,
/// the highest origin offset applied per origin partition, and the next local offset per
/// consumed partition. Because all three land atomically, a crash anywhere either keeps the
/// whole batch or none of it, and a record whose origin offset is at or below the stored one is
/// skipped: each origin record is applied exactly once however often it is delivered. Each
/// request counts once however many records it has: the users' states remember their requests
/// (<see cref="RequestMemory"/>), written in the same batch.
/// </summary>
internal sealed class BatchApplier
{
    private readonly int _listCap;
    private readonly RequestWindow _window;
    private readonly HybridLogicalClock _clock;
    private readonly Expiry _expiry;
    private readonly TimeProvider _time;
    private readonly WriteOptions _writeOptions;

    // Reused by every batch (batches are applied one at a time): a new one per batch would be a
    // large-object allocation, and those trigger full collections.
    private readonly Dictionary<string, PendingUser> _users = new(StringComparer.Ordinal);
    private bool[] _fresh = new bool[64];

    public BatchApplier(StoreOptions store, HybridLogicalClock clock, TimeProvider time)
    {
        _listCap = store.ListCap;
        _window = store.Window;
        _clock = clock;
        _expiry = store.Expiry;
        _time = time;
        _writeOptions = new WriteOptions().SetSync(store.SyncWrites);
    }

    public BatchResult Apply(StoreVersion version, IReadOnlyList<DecodedRecord> records)
    {
        var db = version.Db;
        var layout = version.Layout;
        var users = _users;
        users.Clear();
        var origins = new Dictionary<(string Dc, int Partition), long>();
        var positions = new Dictionary<TopicPartition, long>();
        int applied = 0, duplicates = 0, misplaced = 0;

        if (_fresh.Length < records.Count)
        {
            _fresh = new bool[Math.Max(records.Count, _fresh.Length * 2)];
        }

        // In record order: which records are new (origin offset above the stored one), grouped by
        // user so that each user's updates stay in order.
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            _fresh[i] = false;
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
                user = new PendingUser(envelope.UserId, layout.User(envelope.UserId));
                users[envelope.UserId] = user;
            }

            // A producer that does not partition by murmur2 of the user id (an outside one) puts the
            // user's records in another partition than its keys: applied all the same, and counted,
            // because a node given only some partitions would not see them (docs/architecture.md).
            // (Read from the user's key, which holds it: no second hash of the id per record.)
            if (layout.IsPartitioned && layout.PartitionOf(user.Key) != record.Origin.Partition)
            {
                misplaced++;
            }

            user.Updates.Add((envelope, record.Origin));
            foreach (var op in envelope.Ops)
            {
                _clock.Observe(op.Hlc);
            }

            origins[originKey] = record.Origin.Offset;
            _fresh[i] = true;
            applied++;
        }

        // Expired entries of the users written go with the write (ExpiryRule.Sweep).
        var nowMs = _expiry.Enabled ? _time.GetUtcNow().ToUnixTimeMilliseconds() : 0;

        // Users are independent: a large batch (catching up) is merged on every core; a small one
        // (streaming) on this thread, so that it does not take pool threads from request serving.
        if (users.Count >= ParallelFrom)
        {
            Parallel.ForEach(users.Values, ParallelOptions, user => Merge(db, user, nowMs));
        }
        else
        {
            foreach (var user in users.Values)
            {
                Merge(db, user, nowMs);
            }
        }

        var duplicateRequests = 0;
        foreach (var user in users.Values)
        {
            duplicateRequests += user.DuplicateRequests;
        }

        using var batch = new WriteBatch();
        foreach (var user in users.Values)
        {
            batch.Put(user.Key, user.Encoded!);
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
        foreach (var user in users.Values)
        {
            // Rendering here only users that readers have cached: they are likely read again soon.
            var fresh = version.Cache.Contains(user.UserId) ? VisibleUser.Render(user.UserId, user.State!, version.Id, _expiry, nowMs) : null;
            version.Cache.Written(user.UserId, fresh?.Json, fresh?.ValidUntilMs ?? 0);
        }

        return new BatchResult(applied, duplicates, duplicateRequests, positions, _fresh) { Misplaced = misplaced };
    }

    private void Merge(RocksDb db, PendingUser user, long nowMs)
    {
        var state = UserStore.Read(db, user.Key) ?? new UserState();
        var duplicates = 0;
        foreach (var (envelope, origin) in user.Updates)
        {
            if (UpdateApplier.Apply(state, envelope, origin, _listCap))
            {
                duplicates++;
            }
        }

        RequestMemory.Trim(state, _window);
        ExpiryRule.Sweep(state, _expiry, nowMs);
        user.DuplicateRequests = duplicates;
        user.State = state;
        user.Encoded = state.ToByteArray();
    }

    private const int ParallelFrom = 1000;

    private static readonly ParallelOptions ParallelOptions = new() { MaxDegreeOfParallelism = Environment.ProcessorCount };

    private sealed class PendingUser(string userId, byte[] key)
    {
        public string UserId { get; } = userId;

        public byte[] Key { get; } = key;

        public UserState? State { get; set; }

        public List<(UpdateEnvelope Envelope, Sidecar.Common.Kafka.OriginPosition Origin)> Updates { get; } = [];

        public byte[]? Encoded { get; set; }

        public int DuplicateRequests { get; set; }
    }
}

/// <param name="Duplicates">Records skipped because their origin offset was applied already.</param>
/// <param name="DuplicateRequests">Records applied whose request id had been applied already (they changed no count).</param>
/// <param name="Fresh">Per record of the batch, whether it was applied now (not a duplicate, heartbeat
/// or dead letter); the applier reuses the array for its next batch.</param>
internal sealed record BatchResult(int Applied, int Duplicates, int DuplicateRequests, IReadOnlyDictionary<TopicPartition, long> Positions, bool[] Fresh)
{
    /// <summary>Records applied whose origin partition is not the one the version's partitioned key layout puts their user in.</summary>
    public int Misplaced { get; init; }

    public static readonly BatchResult Empty = new(0, 0, 0, new Dictionary<TopicPartition, long>(), []);
}
