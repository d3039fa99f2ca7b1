using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using RocksDbSharp;
using Sidecar.Common.Kafka;

namespace Sidecar.Store;

/// <summary>
/// How a version's user keys are laid out (docs/architecture.md, Key layout). <see cref="Flat"/>
/// is <c>u:&lt;user id&gt;</c>, every version written before layouts existed. A partitioned layout
/// of <c>n</c> partitions puts the user's Kafka partition in front of the id,
/// <c>u:&lt;partition, 2 bytes big-endian&gt;&lt;user id&gt;</c>, so that one partition's users are
/// one contiguous key range: it can be copied, digested and dropped (DeleteRange) on its own,
/// which is what giving a node only some partitions of a dataset needs. The partition is the one
/// Kafka's default partitioner picks for the user id as record key (<see cref="KafkaPartitioner"/>).
/// A version records its layout under <see cref="MetaKey"/> ("murmur2/&lt;n&gt;"); no such key is the
/// flat layout, so flat versions stay byte for byte what they were.
/// </summary>
public sealed class KeyLayout : IEquatable<KeyLayout>
{
    /// <summary>Where a version stores its layout's name (only a partitioned one writes it).</summary>
    public static readonly byte[] MetaKey = "m:layout"u8.ToArray();

    /// <summary>Partitions a layout may have at most (its partition is two bytes; Kafka topics stay far below).</summary>
    public const int MaxPartitions = 10_000;

    private const string Murmur2 = "murmur2/";
    private const string FlatName = "flat";

    public static readonly KeyLayout Flat = new(0);

    private KeyLayout(int partitions) => Partitions = partitions;

    /// <summary>Partitions the keys are grouped by; 0 for the flat layout.</summary>
    public int Partitions { get; }

    public bool IsPartitioned => Partitions > 0;

    private int PrefixLength => StoreKeys.UserPrefix.Length + (IsPartitioned ? 2 : 0);

    /// <summary>"flat" or "murmur2/&lt;n&gt;": what a manifest and <see cref="MetaKey"/> say.</summary>
    public string Name => IsPartitioned ? Murmur2 + Partitions.ToString(CultureInfo.InvariantCulture) : FlatName;

    /// <summary>Layout of <paramref name="partitions"/> partitions; 0 is <see cref="Flat"/>.</summary>
    public static KeyLayout Of(int partitions)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(partitions);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(partitions, MaxPartitions);
        return partitions == 0 ? Flat : new KeyLayout(partitions);
    }

    /// <summary>The layout a name says, or null with <paramref name="problem"/> if it names none.</summary>
    public static KeyLayout? Parse(string? name, out string? problem)
    {
        problem = null;
        if (name is null or FlatName)
        {
            return Flat;
        }

        if (name.StartsWith(Murmur2, StringComparison.Ordinal)
            && int.TryParse(name.AsSpan(Murmur2.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            && n is >= 1 and <= MaxPartitions
            && name == Murmur2 + n.ToString(CultureInfo.InvariantCulture))
        {
            return new KeyLayout(n);
        }

        problem = $"key layout '{name}' is not known (this node reads \"{FlatName}\" and \"{Murmur2}<1..{MaxPartitions}>\")";
        return null;
    }

    /// <summary>The layout a database records; an unknown one is an error, never read as flat.</summary>
    public static KeyLayout Read(RocksDb db)
    {
        var stored = db.Get(MetaKey);
        var name = stored is null ? null : Encoding.UTF8.GetString(stored);
        return Parse(name, out var problem) ?? throw new InvalidDataException(problem);
    }

    /// <summary>Records this layout in a new database (nothing for the flat one).</summary>
    public void WriteTo(RocksDb db)
    {
        if (IsPartitioned)
        {
            db.Put(MetaKey, Encoding.UTF8.GetBytes(Name));
        }
    }

    /// <summary>The <see cref="MetaKey"/> entry a snapshot of this layout carries; null for flat.</summary>
    public (byte[] Key, byte[] Value)? MetaEntry => IsPartitioned ? (MetaKey, Encoding.UTF8.GetBytes(Name)) : null;

    /// <summary>The user's partition (0 in the flat layout).</summary>
    public int Partition(string userId) => IsPartitioned ? KafkaPartitioner.Partition(userId, Partitions) : 0;

    public byte[] User(string userId)
    {
        var length = Encoding.UTF8.GetByteCount(userId);
        Span<byte> id = length <= 256 ? stackalloc byte[length] : new byte[length];
        Encoding.UTF8.GetBytes(userId, id);
        return User(id);
    }

    /// <summary>The key of the user whose id is these UTF-8 bytes.</summary>
    public byte[] User(ReadOnlySpan<byte> userIdUtf8)
    {
        var prefix = PrefixLength;
        var key = new byte[prefix + userIdUtf8.Length];
        StoreKeys.UserPrefix.CopyTo(key, 0);
        if (IsPartitioned)
        {
            BinaryPrimitives.WriteUInt16BigEndian(key.AsSpan(StoreKeys.UserPrefix.Length), (ushort)KafkaPartitioner.Partition(userIdUtf8, Partitions));
        }

        userIdUtf8.CopyTo(key.AsSpan(prefix));
        return key;
    }

    /// <summary>The UTF-8 user id in a user key of this layout.</summary>
    public ReadOnlySpan<byte> UserIdBytes(ReadOnlySpan<byte> key) => key[PrefixLength..];

    /// <summary>The user id of a user key of this layout.</summary>
    public string UserId(ReadOnlySpan<byte> key) => Encoding.UTF8.GetString(UserIdBytes(key));

    /// <summary>The partition of a user key of this layout, read from the key (0 in the flat layout).</summary>
    public int PartitionOf(ReadOnlySpan<byte> key) =>
        IsPartitioned ? BinaryPrimitives.ReadUInt16BigEndian(key[StoreKeys.UserPrefix.Length..]) : 0;

    /// <summary>The key range [start, end) holding exactly the users of <paramref name="partition"/>
    /// (a partitioned layout only: in the flat one a partition's users are spread over every key).</summary>
    public (byte[] Start, byte[] End) PartitionRange(int partition)
    {
        if (!IsPartitioned)
        {
            throw new InvalidOperationException("the flat layout does not group users by partition");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(partition, Partitions);
        return (Bound(partition), Bound(partition + 1));
    }

    private static byte[] Bound(int partition)
    {
        var key = new byte[StoreKeys.UserPrefix.Length + 2];
        StoreKeys.UserPrefix.CopyTo(key, 0);
        BinaryPrimitives.WriteUInt16BigEndian(key.AsSpan(StoreKeys.UserPrefix.Length), (ushort)partition);
        return key;
    }

    public bool Equals(KeyLayout? other) => other is not null && other.Partitions == Partitions;

    public override bool Equals(object? obj) => Equals(obj as KeyLayout);

    public override int GetHashCode() => Partitions;

    public override string ToString() => Name;
}
