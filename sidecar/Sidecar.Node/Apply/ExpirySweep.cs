using Google.Protobuf;
using Microsoft.Extensions.Options;
using RocksDbSharp;
using Sidecar.Node.Configuration;
using Sidecar.Node.Merge;
using Sidecar.Node.Metrics;
using Sidecar.Node.Storage;
using Sidecar.Store.State;

namespace Sidecar.Node.Apply;

/// <summary>
/// Removes expired entries (<c>Store:ItemTtl</c>) from users nobody writes: a walk over the live
/// version's users, a chunk between two ingest batches, once every
/// <c>Store:ExpirySweepInterval</c>. It runs on the applier's turn (ingest's batch processor)
/// because it reads, changes and writes users: beside the applier it could write back a state
/// older than the applier's. What readers see does not change (<see cref="ExpiryRule"/>), so
/// neither the read cache nor any other node needs to know; a user written in the meantime had
/// its expired entries removed by that write already.
/// </summary>
internal sealed class ExpirySweep
{
    /// <summary>Users read per turn: about a millisecond or two of the applier's time.</summary>
    private const int UsersPerTurn = 1000;

    private readonly Expiry _expiry;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly NodeMetrics _metrics;
    private readonly ILogger<ExpirySweep> _logger;
    private readonly WriteOptions _writeOptions;
    private DateTimeOffset _next;
    private string? _versionId;
    private byte[]? _after;
    private long _passUsers;
    private long _passRewritten;

    public ExpirySweep(IOptions<StoreOptions> store, TimeProvider time, NodeMetrics metrics, ILogger<ExpirySweep> logger)
    {
        _expiry = store.Value.Expiry;
        _interval = store.Value.ExpirySweepInterval;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _writeOptions = new WriteOptions().SetSync(store.Value.SyncWrites);
        // The first pass a while after start, not while the node catches up.
        _next = time.GetUtcNow() + _interval;
    }

    /// <summary>True while a pass is under way or one is due.</summary>
    public bool Due => _expiry.ItemTtl is not null && (_after is not null || _time.GetUtcNow() >= _next);

    /// <summary>Sweeps the next chunk of <paramref name="live"/>'s users; a new live version
    /// starts the walk again. Returns the users rewritten.</summary>
    public int Step(StoreVersion live)
    {
        if (!Due)
        {
            return 0;
        }

        if (_versionId != live.Id)
        {
            (_versionId, _after, _passUsers, _passRewritten) = (live.Id, null, 0, 0);
        }

        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        using var batch = new WriteBatch();
        var rewritten = 0;
        var read = 0;
        var end = true;
        using (var iterator = live.Db.NewIterator())
        {
            iterator.Seek(_after ?? StoreKeys.UserPrefix);
            for (; iterator.Valid(); iterator.Next())
            {
                var key = iterator.GetKeySpan();
                if (!key.StartsWith(StoreKeys.UserPrefix))
                {
                    break;
                }

                if (_after is not null && key.SequenceEqual(_after))
                {
                    continue;
                }

                if (read == UsersPerTurn)
                {
                    end = false;
                    break;
                }

                read++;
                _after = key.ToArray();
                var state = UserState.Parser.ParseFrom(iterator.GetValueSpan());
                if (ExpiryRule.Sweep(state, _expiry, nowMs))
                {
                    batch.Put(_after, state.ToByteArray());
                    rewritten++;
                }
            }
        }

        if (rewritten > 0)
        {
            live.Db.Write(batch, _writeOptions);
            _metrics.ExpirySwept.Add(rewritten);
        }

        _passUsers += read;
        _passRewritten += rewritten;
        if (end)
        {
            _logger.LogInformation("Expiry sweep of version {Version}: {Users} users read, {Rewritten} rewritten without expired entries", live.Id, _passUsers, _passRewritten);
            (_after, _passUsers, _passRewritten) = (null, 0, 0);
            _next = _time.GetUtcNow() + _interval;
        }

        return rewritten;
    }
}
