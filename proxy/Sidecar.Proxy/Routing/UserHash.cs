using System.Buffers;
using System.IO.Hashing;
using System.Text;

namespace Sidecar.Proxy.Routing;

/// <summary>
/// The hashes rendezvous routing is built on. XxHash64 with a fixed seed over UTF-8 bytes:
/// the same in every process, machine and version (string.GetHashCode is randomized per
/// process and must never be used here). Changing <see cref="Seed"/> or <see cref="Score"/>
/// moves every user to another node.
/// </summary>
public static class UserHash
{
    public const long Seed = 0x51DECA5;

    public static ulong OfUser(ReadOnlySpan<char> userId) => Of(userId);

    public static ulong OfNodeId(string nodeId) => Of(nodeId);

    /// <summary>Datacenter names are hashed in their own namespace, so a node and a datacenter of one name do not share a hash.</summary>
    public static ulong OfDatacenter(string datacenter) => Of("dc:" + datacenter);

    /// <summary>
    /// The rendezvous (highest random weight) score of a user on a node: the murmur3 64-bit
    /// finalizer over the xor of both hashes. One multiply-xorshift chain per node instead of
    /// hashing the concatenated ids: a full avalanche, so every node's score is an independent
    /// draw for each user (balance and movement measured in docs/proxy.md).
    /// </summary>
    public static ulong Score(ulong user, ulong node)
    {
        var k = user ^ node;
        k ^= k >> 33;
        k *= 0xff51afd7ed558ccdUL;
        k ^= k >> 33;
        k *= 0xc4ceb9fe1a85ec53UL;
        k ^= k >> 33;
        return k;
    }

    private static ulong Of(ReadOnlySpan<char> text)
    {
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = null;
        var buffer = max <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var length = Encoding.UTF8.GetBytes(text, buffer);
            return XxHash64.HashToUInt64(buffer[..length], Seed);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
