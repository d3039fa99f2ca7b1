using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Sidecar.Rules.Mapping;

/// <summary>
/// The envelope id of an event's ops for one user: a function of (datacenter, user, topic,
/// partition, offset) alone. A redelivered event (a rebalance, a crash before the commit) maps to
/// the same id on any node, and apply counts it once, as it counts a retried HTTP write once. The
/// datacenter is part of it because source topics are each datacenter's own and are not mirrored:
/// clicks.b2c partition 0 offset 5 in dc-a and in dc-b are two different events, and without it
/// they had one id, so that apply, which remembers ids across origins (an HTTP retry through the
/// other datacenter counts once), counted only one of them. The prefix keeps these ids apart from
/// those of HTTP writes (<c>r1-</c>), whatever key a client sends.
/// </summary>
public static class EventIds
{
    private const string Prefix = "e1-";
    private const int HashBytes = 15;

    /// <param name="datacenter">The datacenter whose Kafka holds the source topic (the mapping node's).</param>
    public static string Derive(string datacenter, string userId, string topic, int partition, long offset)
    {
        var dc = Encoding.UTF8.GetBytes(datacenter);
        var user = Encoding.UTF8.GetBytes(userId);
        var source = Encoding.UTF8.GetBytes(topic);
        // Length-prefixed parts, so that no (datacenter, user, topic) triple can be spelt as another.
        var input = new byte[4 + dc.Length + 4 + user.Length + 4 + source.Length + 4 + 8];
        BinaryPrimitives.WriteInt32BigEndian(input, dc.Length);
        dc.CopyTo(input, 4);
        var at = 4 + dc.Length;
        BinaryPrimitives.WriteInt32BigEndian(input.AsSpan(at), user.Length);
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
