using Sidecar.Common.Envelope;
using Sidecar.Common.Kafka;
using Sidecar.Store.State;

namespace Sidecar.Node.Merge;

/// <summary>
/// What makes a request count once: the request ids a user's state has applied, each with every
/// record of it that arrived (<see cref="RequestEntry"/>).
/// </summary>
/// <remarks>
/// <para>A request can reach the log as several records: the same bytes produced twice (a
/// producer's or a pipeline's retry) or a retry accepted anew by another node, maybe in another
/// datacenter, before the first one was applied there. Field, delete and list ops are idempotent
/// by their stamps, so every record's are merged. Counter increments are not: shards stay raw
/// (every record's increments), and a reader subtracts the increments of every record but the
/// first in (hlc, origin, partition, offset) order. The records of a request are a grow-only set
/// and "the first" is a function of that set, so the state is still a join: the same records in
/// any order, any number of times, give the same bytes.</para>
/// <para>The memory is bounded by a window (<see cref="RequestWindow"/>): a record of a request
/// that has left it counts again. When an entry that holds extra records leaves, their increments
/// are folded into their shards' <c>duplicates</c>, so the count a reader sees does not change.</para>
/// </remarks>
internal static class RequestMemory
{
    /// <summary>Records one applied record of a request; true when the request was already known.</summary>
    public static bool Record(UserState state, UpdateEnvelope envelope, OriginPosition origin)
    {
        var index = SortedEntries.Find(state.Requests, new OrdinalKey(envelope.Id), e => new OrdinalKey(e.Id));
        var record = new RequestRecord
        {
            Hlc = envelope.Ops[0].Hlc,
            Origin = origin.Datacenter,
            Partition = origin.Partition,
            Offset = origin.Offset,
        };
        AddIncrements(record, envelope);
        if (index < 0)
        {
            var entry = new RequestEntry { Id = envelope.Id };
            entry.Records.Add(record);
            state.Requests.Insert(~index, entry);
            return false;
        }

        InsertRecord(state.Requests[index], record);
        return true;
    }

    /// <summary>The record of <paramref name="id"/> that counts (the first), or null when the id is not remembered.</summary>
    public static RequestRecord? First(UserState state, string id)
    {
        var index = SortedEntries.Find(state.Requests, new OrdinalKey(id), e => new OrdinalKey(e.Id));
        return index < 0 ? null : state.Requests[index].Records[0];
    }

    /// <summary>
    /// The increments of <paramref name="counter"/> that the shards hold but that do not count:
    /// those of every record but the first, where a delete-user's baseline has not removed them already.
    /// </summary>
    public static long Excess(UserState state, CounterEntry counter)
    {
        long excess = 0;
        foreach (var entry in state.Requests)
        {
            for (var r = 1; r < entry.Records.Count; r++)
            {
                var record = entry.Records[r];
                foreach (var increment in record.Increments)
                {
                    if (increment.Counter == counter.Name && ShardOf(counter, record) is { } shard && record.Offset > shard.BaseOffset)
                    {
                        excess = unchecked(excess + increment.By);
                    }
                }
            }
        }

        return excess;
    }

    /// <summary>Merges the request records of <paramref name="other"/> into <paramref name="target"/> (a union).</summary>
    public static void Join(UserState target, UserState other)
    {
        foreach (var entry in other.Requests)
        {
            var index = SortedEntries.Find(target.Requests, new OrdinalKey(entry.Id), e => new OrdinalKey(e.Id));
            if (index < 0)
            {
                target.Requests.Insert(~index, entry.Clone());
                continue;
            }

            foreach (var record in entry.Records)
            {
                InsertRecord(target.Requests[index], record.Clone());
            }
        }
    }

    /// <summary>
    /// Forgets the requests outside the window: those whose newest record is older than the window
    /// before the newest record of any request, then all but the newest <c>PerUser</c>. Both depend
    /// only on the remembered set, so nodes that applied the same records forget the same ones.
    /// </summary>
    public static void Trim(UserState state, RequestWindow window)
    {
        var requests = state.Requests;
        if (requests.Count == 0)
        {
            return;
        }

        ulong newest = 0;
        foreach (var entry in requests)
        {
            newest = Math.Max(newest, Newest(entry));
        }

        var horizon = newest >> 16 > (ulong)window.Span.TotalMilliseconds ? newest - ((ulong)window.Span.TotalMilliseconds << 16) : 0;
        for (var i = requests.Count - 1; i >= 0; i--)
        {
            if (Newest(requests[i]) < horizon)
            {
                Forget(state, i);
            }
        }

        while (requests.Count > window.PerUser)
        {
            var oldest = 0;
            for (var i = 1; i < requests.Count; i++)
            {
                if (Older(requests[i], requests[oldest]))
                {
                    oldest = i;
                }
            }

            Forget(state, oldest);
        }
    }

    /// <summary>A delete-user's baseline that reaches every folded record has removed them too.</summary>
    public static void BaselineMoved(CounterShard shard)
    {
        if (shard.Duplicates != 0 && shard.BaseOffset >= shard.DuplicatesOffset)
        {
            shard.Duplicates = 0;
        }
    }

    private static void Forget(UserState state, int index)
    {
        var entry = state.Requests[index];
        for (var r = 1; r < entry.Records.Count; r++)
        {
            var record = entry.Records[r];
            foreach (var increment in record.Increments)
            {
                var counter = StateMerge.Counter(state, increment.Counter);
                if (ShardOf(counter, record) is { } shard && record.Offset > shard.BaseOffset)
                {
                    shard.Duplicates = unchecked(shard.Duplicates + increment.By);
                    shard.DuplicatesOffset = Math.Max(shard.DuplicatesOffset, record.Offset);
                }
            }
        }

        state.Requests.RemoveAt(index);
    }

    private static CounterShard? ShardOf(CounterEntry counter, RequestRecord record)
    {
        var index = SortedEntries.Find(counter.Shards, new ShardKey(record.Origin, record.Partition), s => new ShardKey(s.Origin, s.Partition));
        return index < 0 ? null : counter.Shards[index];
    }

    private static ulong Newest(RequestEntry entry)
    {
        ulong newest = 0;
        foreach (var record in entry.Records)
        {
            newest = Math.Max(newest, record.Hlc);
        }

        return newest;
    }

    // The order of forgetting: newest record first, then id, so that it is the same everywhere.
    private static bool Older(RequestEntry a, RequestEntry b)
    {
        var c = Newest(a).CompareTo(Newest(b));
        return c != 0 ? c < 0 : string.CompareOrdinal(a.Id, b.Id) < 0;
    }

    private static void InsertRecord(RequestEntry entry, RequestRecord record)
    {
        var at = 0;
        while (at < entry.Records.Count)
        {
            var c = RecordOrder(entry.Records[at], record);
            if (c == 0)
            {
                return; // The same record again.
            }

            if (c > 0)
            {
                break;
            }

            at++;
        }

        entry.Records.Insert(at, record);
    }

    /// <summary>
    /// The order of a request's records: stamp first (the first attempt usually has the lowest),
    /// then position, which tells apart copies of the same bytes. A position names one record, so
    /// two records at the same position are the same record.
    /// </summary>
    private static int RecordOrder(RequestRecord a, RequestRecord b)
    {
        var c = a.Hlc.CompareTo(b.Hlc);
        if (c == 0)
        {
            c = string.CompareOrdinal(a.Origin, b.Origin);
        }

        if (c == 0)
        {
            c = a.Partition.CompareTo(b.Partition);
        }

        return c != 0 ? c : a.Offset.CompareTo(b.Offset);
    }

    private static void AddIncrements(RequestRecord record, UpdateEnvelope envelope)
    {
        foreach (var op in envelope.Ops)
        {
            if (op.KindCase != Op.KindOneofCase.Incr)
            {
                continue;
            }

            Increment? into = null;
            foreach (var existing in record.Increments)
            {
                if (existing.Counter == op.Incr.Counter)
                {
                    into = existing;
                    break;
                }
            }

            if (into is null)
            {
                record.Increments.Add(new Increment { Counter = op.Incr.Counter, By = op.Incr.By });
            }
            else
            {
                into.By = unchecked(into.By + op.Incr.By);
            }
        }
    }
}

/// <summary>How long and how many request ids a user's state remembers (Store:RequestWindow, Store:RequestsPerUser).</summary>
internal readonly record struct RequestWindow(TimeSpan Span, int PerUser)
{
    /// <summary>Nothing forgotten: for tests of the merge as a lattice.</summary>
    public static readonly RequestWindow Unbounded = new(TimeSpan.FromDays(365 * 100), int.MaxValue);
}
