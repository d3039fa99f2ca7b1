using System.Buffers.Binary;
using System.Text;
using Confluent.Kafka;

namespace Sidecar.Common.Kafka;

/// <summary>
/// Headers the replicator adds to a mirrored record: where it was first written. The node uses
/// them to apply each origin record once, whichever path and however many times it arrives.
/// </summary>
public static class OriginHeaders
{
    public const string Datacenter = "sc-origin-dc";
    public const string Topic = "sc-origin-topic";
    public const string Partition = "sc-origin-partition";
    public const string Offset = "sc-origin-offset";

    public static void Add(Headers headers, string dc, string topic, int partition, long offset)
    {
        headers.Add(Datacenter, Encoding.UTF8.GetBytes(dc));
        headers.Add(Topic, Encoding.UTF8.GetBytes(topic));
        var p = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(p, partition);
        headers.Add(Partition, p);
        var o = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(o, offset);
        headers.Add(Offset, o);
    }

    /// <summary>Reads the origin headers; null when any is missing or malformed.</summary>
    public static OriginPosition? Read(Headers? headers)
    {
        if (headers is null
            || !headers.TryGetLastBytes(Datacenter, out var dc)
            || !headers.TryGetLastBytes(Partition, out var p) || p.Length != 4
            || !headers.TryGetLastBytes(Offset, out var o) || o.Length != 8)
        {
            return null;
        }

        return new OriginPosition(
            Encoding.UTF8.GetString(dc),
            BinaryPrimitives.ReadInt32BigEndian(p),
            BinaryPrimitives.ReadInt64BigEndian(o));
    }
}

/// <summary>Where a record was first written: origin datacenter, partition of its updates topic, offset.</summary>
public readonly record struct OriginPosition(string Datacenter, int Partition, long Offset);
