using System.Buffers;
using System.Text;
using Google.Protobuf;
using Sidecar.Common.Envelope;
using Sidecar.Common.Kafka;
using Sidecar.Store.State;

namespace Sidecar.Node.Merge;

/// <summary>
/// What makes a request count once: the request ids a user's state has applied, each with every
/// record of it that arrived (<c>UserState.requests</c>, laid out by <see cref="RequestLog"/>).
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
    /// <summary>Records one applied record of a request, with its increments summed per counter;
    /// true when the request was already known.</summary>
    public static bool Record(UserState state, UpdateEnvelope envelope, OriginPosition origin, IReadOnlyList<(string Counter, long By)> increments)
    {
        var blob = state.Requests.Span;
        var id = Encoding.UTF8.GetBytes(envelope.Id);
        var fresh = new ArrayBufferWriter<byte>(64);
        RequestLog.WriteRecord(fresh, envelope.Ops[0].Hlc, origin.Datacenter, origin.Partition, origin.Offset, increments);
        var record = fresh.WrittenSpan;
        var parsed = RequestLog.ReadRecord(record, 0);

        var at = 1;
        while (at < blob.Length)
        {
            var entry = RequestLog.ReadEntry(blob, at);
            var c = RequestLog.CompareId(blob, entry, id);
            if (c == 0)
            {
                AddRecord(state, blob, entry, record, parsed);
                return true;
            }

            if (c > 0)
            {
                break;
            }

            at = entry.End;
        }

        var output = new ArrayBufferWriter<byte>(blob.Length + id.Length + record.Length + 3);
        RequestLog.WriteByte(output, RequestLog.Format);
        if (blob.Length > 1)
        {
            RequestLog.Write(output, blob[1..at]);
        }

        RequestLog.WriteText(output, id);
        RequestLog.WriteVarint(output, 1);
        RequestLog.Write(output, record);
        if (at < blob.Length)
        {
            RequestLog.Write(output, blob[at..]);
        }

        state.Requests = UnsafeByteOperations.UnsafeWrap(output.WrittenMemory);
        return false;
    }

    /// <summary>Where the record of <paramref name="id"/> that counts (the first) was written, or null when the id is not remembered.</summary>
    public static OriginPosition? First(UserState state, string id)
    {
        var blob = state.Requests.Span;
        var key = Encoding.UTF8.GetBytes(id);
        for (var at = 1; at < blob.Length;)
        {
            var entry = RequestLog.ReadEntry(blob, at);
            if (RequestLog.CompareId(blob, entry, key) == 0)
            {
                var first = RequestLog.ReadRecord(blob, entry.RecordsStart);
                return new OriginPosition(RequestLog.Origin(blob, first), first.Partition, first.Offset);
            }

            at = entry.End;
        }

        return null;
    }

    /// <summary>The remembered request ids with how many records each has (for tests and diagnostics).</summary>
    public static IReadOnlyList<(string Id, int Records)> Requests(UserState state)
    {
        var blob = state.Requests.Span;
        return RequestLog.Entries(blob).Select(e => (RequestLog.Id(state.Requests.Span, e), e.RecordCount)).ToList();
    }

    /// <summary>
    /// The increments of <paramref name="counter"/> that the shards hold but that do not count:
    /// those of every record but the first, where a delete-user's baseline has not removed them already.
    /// </summary>
    public static long Excess(UserState state, CounterEntry counter)
    {
        var blob = state.Requests.Span;
        long excess = 0;
        byte[]? name = null;
        for (var at = 1; at < blob.Length;)
        {
            var entry = RequestLog.ReadEntry(blob, at);
            at = entry.End;
            if (entry.RecordCount < 2)
            {
                continue;
            }

            name ??= Encoding.UTF8.GetBytes(counter.Name);
            var records = RequestLog.Records(blob, entry);
            for (var r = 1; r < records.Length; r++)
            {
                var amount = AmountOf(blob, records[r], name);
                if (amount != 0 && ShardOf(counter, RequestLog.Origin(blob, records[r]), records[r].Partition) is { } shard && records[r].Offset > shard.BaseOffset)
                {
                    excess = unchecked(excess + amount);
                }
            }
        }

        return excess;
    }

    /// <summary>Merges the request records of <paramref name="other"/> into <paramref name="target"/> (a union).</summary>
    public static void Join(UserState target, UserState other)
    {
        if (other.Requests.IsEmpty)
        {
            return;
        }

        var merged = new SortedDictionary<string, List<byte[]>>(StringComparer.Ordinal);
        foreach (var state in new[] { target, other })
        {
            var blob = state.Requests.Span;
            foreach (var entry in RequestLog.Entries(blob))
            {
                var records = merged.TryGetValue(RequestLog.Id(blob, entry), out var list) ? list : merged[RequestLog.Id(blob, entry)] = [];
                foreach (var record in RequestLog.Records(blob, entry))
                {
                    records.Add(blob[record.Start..record.End].ToArray());
                }
            }
        }

        var output = new ArrayBufferWriter<byte>();
        RequestLog.WriteByte(output, RequestLog.Format);
        foreach (var (id, records) in merged)
        {
            records.Sort((a, b) => RequestLog.CompareRecords(a, RequestLog.ReadRecord(a, 0), b, RequestLog.ReadRecord(b, 0)));
            var distinct = records.Where((r, i) => i == 0 || RequestLog.CompareRecords(records[i - 1], RequestLog.ReadRecord(records[i - 1], 0), r, RequestLog.ReadRecord(r, 0)) != 0).ToList();
            RequestLog.WriteText(output, Encoding.UTF8.GetBytes(id));
            RequestLog.WriteVarint(output, (ulong)distinct.Count);
            foreach (var record in distinct)
            {
                RequestLog.Write(output, record);
            }
        }

        target.Requests = UnsafeByteOperations.UnsafeWrap(output.WrittenMemory);
    }

    /// <summary>
    /// Forgets the requests outside the window: those whose newest record is older than the window
    /// before the newest record of any request, then all but the newest <c>PerUser</c> of those
    /// older than <c>Retry</c> before it. Both depend only on the remembered set, so nodes that
    /// applied the same records forget the same ones.
    /// <para>Whether a copy counts again, though, depends on whether its request was forgotten when
    /// the copy arrived, and what is remembered then depends on how the records were cut into
    /// batches (catching up applies thousands at once, live ingest a few). Within <c>Retry</c> of the
    /// newest request nothing is forgotten, so a copy arriving within it is a duplicate on every
    /// node however the batches fell; the count bound alone (a chaos run found this) made a user
    /// written a few times a second forget its requests within seconds, and a retry then counted
    /// twice on one node and once on another.</para>
    /// </summary>
    public static void Trim(UserState state, RequestWindow window)
    {
        var blob = state.Requests.Span;
        int count = 0;
        ulong newest = 0, oldest = ulong.MaxValue;
        for (var at = 1; at < blob.Length;)
        {
            var entry = RequestLog.ReadEntry(blob, at);
            count++;
            newest = Math.Max(newest, entry.Newest);
            oldest = Math.Min(oldest, entry.Newest);
            at = entry.End;
        }

        var span = (ulong)window.Span.TotalMilliseconds << 16;
        var horizon = newest > span ? newest - span : 0;
        var retry = (ulong)window.Retry.TotalMilliseconds << 16;
        var retryHorizon = newest > retry ? newest - retry : 0;
        if ((count <= window.PerUser || oldest >= retryHorizon) && oldest >= horizon)
        {
            return; // The common case: nothing to forget, nothing written.
        }

        var entries = RequestLog.Entries(blob);
        var kept = entries.Where(e => e.Newest >= horizon).ToList();
        if (kept.Count > window.PerUser)
        {
            var bytes = state.Requests;
            var recent = kept.Count(e => e.Newest >= retryHorizon);
            kept = kept.OrderByDescending(e => e.Newest).ThenByDescending(e => bytes.Span.Slice(e.IdStart, e.IdLength).ToArray(), ByteOrder.Instance)
                .Take(Math.Max(window.PerUser, recent)).OrderBy(e => e.Start).ToList();
        }

        var keep = kept.Select(e => e.Start).ToHashSet();
        var output = new ArrayBufferWriter<byte>(blob.Length);
        RequestLog.WriteByte(output, RequestLog.Format);
        foreach (var entry in entries)
        {
            if (keep.Contains(entry.Start))
            {
                RequestLog.Write(output, blob[entry.Start..entry.End]);
            }
            else
            {
                Fold(state, blob, entry);
            }
        }

        state.Requests = output.WrittenCount > 1 ? UnsafeByteOperations.UnsafeWrap(output.WrittenMemory) : ByteString.Empty;
    }

    /// <summary>A delete-user's baseline that reaches every folded record has removed them too.</summary>
    public static void BaselineMoved(CounterShard shard)
    {
        if (shard.Duplicates != 0 && shard.BaseOffset >= shard.DuplicatesOffset)
        {
            shard.Duplicates = 0;
        }
    }

    /// <summary>A request leaves the memory: its extra records' increments stay out of the count.</summary>
    private static void Fold(UserState state, ReadOnlySpan<byte> blob, RequestLog.Entry entry)
    {
        var records = RequestLog.Records(blob, entry);
        for (var r = 1; r < records.Length; r++)
        {
            FoldRecord(state, blob, records[r]);
        }
    }

    private static void FoldRecord(UserState state, ReadOnlySpan<byte> blob, RequestLog.Record record)
    {
        var increments = new List<(string Counter, long By)>();
        RequestLog.ForEachIncrement(blob, record, (name, by) => increments.Add((Encoding.UTF8.GetString(name), by)));
        var origin = RequestLog.Origin(blob, record);
        foreach (var (counter, by) in increments)
        {
            if (ShardOf(StateMerge.Counter(state, counter), origin, record.Partition) is { } shard && record.Offset > shard.BaseOffset)
            {
                shard.Duplicates = unchecked(shard.Duplicates + by);
                shard.DuplicatesOffset = Math.Max(shard.DuplicatesOffset, record.Offset);
            }
        }
    }

    private static void AddRecord(UserState state, ReadOnlySpan<byte> blob, RequestLog.Entry entry, ReadOnlySpan<byte> record, RequestLog.Record parsed)
    {
        var at = entry.RecordsStart;
        for (var i = 0; i < entry.RecordCount; i++)
        {
            var existing = RequestLog.ReadRecord(blob, at);
            var c = RequestLog.CompareRecords(blob, existing, record, parsed);
            if (c == 0)
            {
                return; // The same record again.
            }

            if (c > 0)
            {
                break;
            }

            at = existing.End;
        }

        if (entry.RecordCount == RequestLog.MaxRecords)
        {
            // No room for one more copy: keep it out of the count at once.
            FoldRecord(state, record, parsed);
            return;
        }

        var output = new ArrayBufferWriter<byte>(blob.Length + record.Length + 1);
        RequestLog.Write(output, blob[..entry.CountStart]);
        RequestLog.WriteVarint(output, (ulong)(entry.RecordCount + 1));
        RequestLog.Write(output, blob[entry.RecordsStart..at]);
        RequestLog.Write(output, record);
        RequestLog.Write(output, blob[at..]);
        state.Requests = UnsafeByteOperations.UnsafeWrap(output.WrittenMemory);
    }

    private static long AmountOf(ReadOnlySpan<byte> blob, RequestLog.Record record, byte[] counter)
    {
        long amount = 0;
        RequestLog.ForEachIncrement(blob, record, (name, by) =>
        {
            if (name.SequenceEqual(counter))
            {
                amount = unchecked(amount + by);
            }
        });
        return amount;
    }

    private static CounterShard? ShardOf(CounterEntry counter, string origin, int partition)
    {
        var index = SortedEntries.Find(counter.Shards, new ShardKey(origin, partition), s => new ShardKey(s.Origin, s.Partition));
        return index < 0 ? null : counter.Shards[index];
    }

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}

/// <summary>How long and how many request ids a user's state remembers (Store:RequestWindow, Store:RequestsPerUser).</summary>
internal readonly record struct RequestWindow(TimeSpan Span, int PerUser, TimeSpan Retry = default);
