namespace Sidecar.Store;

/// <summary>RocksDB's default key order (bytewise), for sorting keys and user ids as the database does.</summary>
internal sealed class BytewiseOrder : IComparer<byte[]>
{
    public static readonly BytewiseOrder Instance = new();

    public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
}
