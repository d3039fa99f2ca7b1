using System.Buffers.Binary;
using System.Text;

namespace Sidecar.Common.Kafka;

/// <summary>
/// The partition of a record key as Kafka's Java client computes it (its default partitioner for
/// keyed records, and librdkafka's <c>murmur2</c>): <c>toPositive(murmur2(key)) % partitions</c>.
/// One partitioner everywhere, so that a user's records, the keys of a partition-grouped store
/// and (later) the proxy's choice of a partition's owners all agree (docs/architecture.md).
/// </summary>
public static class KafkaPartitioner
{
    private const uint Seed = 0x9747b28c;
    private const uint M = 0x5bd1e995;
    private const int R = 24;

    /// <summary>The partition of a user's records: the UTF-8 bytes of the id are the record key.</summary>
    public static int Partition(string userId, int partitions)
    {
        var length = Encoding.UTF8.GetByteCount(userId);
        Span<byte> key = length <= 256 ? stackalloc byte[length] : new byte[length];
        Encoding.UTF8.GetBytes(userId, key);
        return Partition(key, partitions);
    }

    public static int Partition(ReadOnlySpan<byte> key, int partitions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        return (Murmur2(key) & 0x7fffffff) % partitions;
    }

    /// <summary>Kafka's <c>Utils.murmur2</c>: MurmurHash2, 32 bits, its seed, little-endian words.</summary>
    public static int Murmur2(ReadOnlySpan<byte> data)
    {
        var length = data.Length;
        var h = Seed ^ (uint)length;
        var i = 0;
        for (; i + 4 <= length; i += 4)
        {
            var k = BinaryPrimitives.ReadUInt32LittleEndian(data[i..]);
            k *= M;
            k ^= k >> R;
            k *= M;
            h *= M;
            h ^= k;
        }

        switch (length - i)
        {
            case 3:
                h ^= (uint)data[i + 2] << 16;
                goto case 2;
            case 2:
                h ^= (uint)data[i + 1] << 8;
                goto case 1;
            case 1:
                h ^= data[i];
                h *= M;
                break;
        }

        h ^= h >> 13;
        h *= M;
        h ^= h >> 15;
        return unchecked((int)h);
    }
}
