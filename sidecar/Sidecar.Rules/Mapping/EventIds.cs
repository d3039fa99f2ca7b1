using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Sidecar.Rules.Mapping;

/// <summary>
/// The envelope id of an event's ops for one user: a function of (datacenter, user, topic,
/// partition, offset) alone. A redelivered event (a rebalance, a crash before the commit) maps to
/// the same id on any node, and apply counts it once, as it counts a retried HTTP write once. The
/// prefix keeps these ids apart from those of HTTP writes (<c>r1-</c>), whatever key a client sends.
/// <para>The datacenter is part of it because source topics are per datacenter and not mirrored:
/// <c>clicks.b2c</c> partition 0 offset 5 in dc-a and in dc-b are two different events, and with
/// the same user (the same key goes to the same partition in both) they would otherwise share an id
/// and every node would count only one of them.</para>
/// </summary>
public static class EventIds
{
    private const string Prefix = "e1-";
    private const int HashBytes = 15;

    /// <param name="datacenter">The datacenter whose source topic the event was read from (the mapping node's).</param>
    public static string Derive(string datacenter, string userId, string topic, int partition, long offset)
    {
        var dc = Encoding.UTF8.GetBytes(datacenter);
        var user = Encoding.UTF8.GetBytes(userId);
        var source = Encoding.UTF8.GetBytes(topic);
        // Length-prefixed parts, so that no (datacenter, user, topic) triple can be spelt as another.
        var input = new byte[4 + dc.Length + 4 + user.Length + 4 + source.Length + 4 + 8];
        var at = 0;
        BinaryPrimitives.WriteInt32BigEndian(input.AsSpan(at), dc.Length);
        dc.CopyTo(input, at += 4);
        BinaryPrimitives.WriteInt32BigEndian(input.AsSpan(at += dc.Length), user.Length);
        user.CopyTo(input, at += 4);
        BinaryPrimitives.WriteInt32BigEndian(input.AsSpan(at += user.Length), source.Length);
        source.CopyTo(input, at += 4);
        BinaryPrimitives.WriteInt32BigEndian(input.AsSpan(at += source.Length), partition);
        BinaryPrimitives.WriteInt64BigEndian(input.AsSpan(at + 4), offset);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        return Prefix + Base64Url.EncodeToString(hash[..HashBytes]);
    }
}
