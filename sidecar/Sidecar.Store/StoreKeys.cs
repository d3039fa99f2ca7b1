using System.Buffers.Binary;
using System.Text;

namespace Sidecar.Store;

/// <summary>
/// Key layout of a version's RocksDB: one keyspace, prefixed by kind.
/// <list type="bullet">
/// <item><c>u:…</c> → UserState (protobuf); the rest of the key is the version's <see cref="KeyLayout"/></item>
/// <item><c>m:layout</c> → the key layout's name, only for a partitioned layout</item>
/// <item><c>o:&lt;origin dc&gt;:&lt;partition&gt;</c> → highest origin offset applied (int64 BE)</item>
/// <item><c>c:&lt;topic&gt;:&lt;partition&gt;</c> → next local offset to consume (int64 BE)</item>
/// </list>
/// The last two are written in the same batch as the data they account for.
/// </summary>
public static class StoreKeys
{
    public static readonly byte[] UserPrefix = "u:"u8.ToArray();

    public static byte[] OriginOffset(string originDc, int partition) => Encoding.UTF8.GetBytes($"o:{originDc}:{partition}");

    public static byte[] ConsumePosition(string topic, int partition) => Encoding.UTF8.GetBytes($"c:{topic}:{partition}");

    public static byte[] Int64(long value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        return bytes;
    }

    public static long? ReadInt64(byte[]? bytes) =>
        bytes is { Length: 8 } ? BinaryPrimitives.ReadInt64BigEndian(bytes) : null;
}
