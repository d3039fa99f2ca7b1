using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Sidecar.Node.Merge;

/// <summary>
/// The byte layout of <c>UserState.requests</c> (documented in state.proto): requests sorted by
/// id, each with its records sorted by (hlc, origin, partition, offset). Read in place, without
/// an object per request: the blob is parsed and written again with every update of its user.
/// </summary>
internal static class RequestLog
{
    public const byte Format = 1;

    /// <summary>Records kept per request: more copies of one request are folded at once (see RequestMemory).</summary>
    public const int MaxRecords = byte.MaxValue;

    /// <summary>One request: where it starts and ends in the blob, its id, its record count (at
    /// <paramref name="CountStart"/>), its records and the newest record's hlc.</summary>
    public readonly record struct Entry(int Start, int End, int IdStart, int IdLength, int CountStart, int RecordCount, int RecordsStart, ulong Newest);

    /// <summary>One record: where it starts and ends, and its fields.</summary>
    public readonly record struct Record(int Start, int End, ulong Hlc, int OriginStart, int OriginLength, int Partition, long Offset, int IncrementCount, int IncrementsStart);

    /// <summary>The requests of <paramref name="blob"/> in order.</summary>
    public static List<Entry> Entries(ReadOnlySpan<byte> blob)
    {
        var entries = new List<Entry>();
        var at = blob.Length == 0 ? 0 : 1;
        while (at < blob.Length)
        {
            var entry = ReadEntry(blob, at);
            entries.Add(entry);
            at = entry.End;
        }

        return entries;
    }

    /// <summary>The entry that starts at <paramref name="at"/> (past the format byte).</summary>
    public static Entry ReadEntry(ReadOnlySpan<byte> blob, int at)
    {
        var p = at;
        var idLength = (int)ReadVarint(blob, ref p);
        var idStart = p;
        var countStart = idStart + idLength;
        p = countStart;
        var count = (int)ReadVarint(blob, ref p);
        var recordsStart = p;
        var end = recordsStart;
        ulong newest = 0;
        for (var i = 0; i < count; i++)
        {
            var record = ReadRecord(blob, end);
            newest = Math.Max(newest, record.Hlc);
            end = record.End;
        }

        return new Entry(at, end, idStart, idLength, countStart, count, recordsStart, newest);
    }

    public static Record ReadRecord(ReadOnlySpan<byte> blob, int at)
    {
        var hlc = BinaryPrimitives.ReadUInt64BigEndian(blob[at..]);
        var p = at + 8;
        var originLength = (int)ReadVarint(blob, ref p);
        var originStart = p;
        p = originStart + originLength;
        var partition = (int)ReadVarint(blob, ref p);
        var offset = (long)ReadVarint(blob, ref p);
        var increments = (int)ReadVarint(blob, ref p);
        var incrementsStart = p;
        for (var i = 0; i < increments; i++)
        {
            var nameLength = (int)ReadVarint(blob, ref p);
            p += nameLength;
            ReadVarint(blob, ref p);
        }

        return new Record(at, p, hlc, originStart, originLength, partition, offset, increments, incrementsStart);
    }

    /// <summary>The records of <paramref name="entry"/> in order.</summary>
    public static Record[] Records(ReadOnlySpan<byte> blob, Entry entry)
    {
        var records = new Record[entry.RecordCount];
        var at = entry.RecordsStart;
        for (var i = 0; i < records.Length; i++)
        {
            records[i] = ReadRecord(blob, at);
            at = records[i].End;
        }

        return records;
    }

    /// <summary>Calls <paramref name="each"/> with every (counter name, amount) of the record.</summary>
    public static void ForEachIncrement(ReadOnlySpan<byte> blob, Record record, IncrementVisitor each)
    {
        var p = record.IncrementsStart;
        for (var i = 0; i < record.IncrementCount; i++)
        {
            var nameLength = (int)ReadVarint(blob, ref p);
            var name = blob.Slice(p, nameLength);
            p += nameLength;
            var by = Unzigzag(ReadVarint(blob, ref p));
            each(name, by);
        }
    }

    public delegate void IncrementVisitor(ReadOnlySpan<byte> counter, long by);

    public static string Origin(ReadOnlySpan<byte> blob, Record record) => Encoding.UTF8.GetString(blob.Slice(record.OriginStart, record.OriginLength));

    public static string Id(ReadOnlySpan<byte> blob, Entry entry) => Encoding.UTF8.GetString(blob.Slice(entry.IdStart, entry.IdLength));

    /// <summary>Request order: ordinal on the id's UTF-8 bytes.</summary>
    public static int CompareId(ReadOnlySpan<byte> blob, Entry entry, ReadOnlySpan<byte> id) => blob.Slice(entry.IdStart, entry.IdLength).SequenceCompareTo(id);

    /// <summary>Record order: stamp (hlc, then origin), then position; two records at one position are the same record.</summary>
    public static int CompareRecords(ReadOnlySpan<byte> a, Record x, ReadOnlySpan<byte> b, Record y)
    {
        var c = x.Hlc.CompareTo(y.Hlc);
        if (c == 0)
        {
            c = a.Slice(x.OriginStart, x.OriginLength).SequenceCompareTo(b.Slice(y.OriginStart, y.OriginLength));
        }

        if (c == 0)
        {
            c = x.Partition.CompareTo(y.Partition);
        }

        return c != 0 ? c : x.Offset.CompareTo(y.Offset);
    }

    /// <summary>Writes one record (the increments already summed per counter).</summary>
    public static void WriteRecord(IBufferWriter<byte> output, ulong hlc, string origin, int partition, long offset, IReadOnlyList<(string Counter, long By)> increments)
    {
        var span = output.GetSpan(8);
        BinaryPrimitives.WriteUInt64BigEndian(span, hlc);
        output.Advance(8);
        WriteText(output, origin);
        WriteVarint(output, (ulong)partition);
        WriteVarint(output, (ulong)offset);
        WriteVarint(output, (ulong)increments.Count);
        foreach (var (counter, by) in increments)
        {
            WriteText(output, counter);
            WriteVarint(output, Zigzag(by));
        }
    }

    /// <summary>Length (varint) and UTF-8 bytes.</summary>
    public static void WriteText(IBufferWriter<byte> output, ReadOnlySpan<byte> utf8)
    {
        WriteVarint(output, (ulong)utf8.Length);
        output.Write(utf8);
    }

    private static void WriteText(IBufferWriter<byte> output, string text)
    {
        var length = Encoding.UTF8.GetByteCount(text);
        WriteVarint(output, (ulong)length);
        Encoding.UTF8.GetBytes(text, output.GetSpan(length));
        output.Advance(length);
    }

    public static void WriteVarint(IBufferWriter<byte> output, ulong value)
    {
        var span = output.GetSpan(10);
        var p = 0;
        while (value >= 0x80)
        {
            span[p++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[p++] = (byte)value;
        output.Advance(p);
    }

    public static void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes) => output.Write(bytes);

    public static void WriteByte(IBufferWriter<byte> output, byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> blob, ref int p)
    {
        ulong value = 0;
        var shift = 0;
        while (true)
        {
            var b = blob[p++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }

            shift += 7;
        }
    }

    private static ulong Zigzag(long value) => (ulong)((value << 1) ^ (value >> 63));

    private static long Unzigzag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);
}
