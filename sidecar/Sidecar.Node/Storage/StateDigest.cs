using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Sidecar.Node.Merge;
using Sidecar.Store.State;

namespace Sidecar.Node.Storage;

/// <summary>
/// A digest of every stored user: two nodes that applied the same updates, in whatever order,
/// have the same one. Each user contributes SHA-256(user id, canonical state bytes), and the
/// contributions are added up (four 64-bit lanes, wrapping) with the count: a sum does not depend
/// on the order users are met in, so versions of different key layouts (<see cref="KeyLayout"/>)
/// holding the same users compare equal, and one partition's users can be digested on their own.
/// For a dataset with expiry it covers the state a reader sees at a given moment: each user as
/// <see cref="ExpiryRule.Project"/> leaves it then, hidden users left out, so nodes that removed
/// expired entries at different times (or not yet) still compare equal.
/// </summary>
internal static class StateDigest
{
    public static (string Digest, long Users) Compute(StoreVersion version) => Compute(version, Expiry.None, 0);

    /// <param name="partition">Only the users of this partition of the version's layout (a partitioned one).</param>
    public static (string Digest, long Users) Compute(StoreVersion version, Expiry expiry, long atMs, int? partition = null)
    {
        var layout = version.Layout;
        byte[] start = StoreKeys.UserPrefix;
        byte[]? end = null;
        if (partition is { } p)
        {
            (start, end) = layout.PartitionRange(p);
        }

        Span<ulong> lanes = stackalloc ulong[4];
        Span<byte> userHash = stackalloc byte[32];
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        long users = 0;
        try
        {
            using var iterator = version.Db.NewIterator();
            for (iterator.Seek(start); iterator.Valid(); iterator.Next())
            {
                var key = iterator.GetKeySpan();
                if (!key.StartsWith(StoreKeys.UserPrefix) || (end is not null && key.SequenceCompareTo(end) >= 0))
                {
                    break;
                }

                ReadOnlySpan<byte> value = iterator.GetValueSpan();
                if (expiry.Enabled)
                {
                    var state = UserState.Parser.ParseFrom(value);
                    if (ExpiryRule.Hidden(state, expiry, atMs))
                    {
                        continue;
                    }

                    ExpiryRule.Project(state, expiry, atMs);
                    value = state.ToByteArray();
                }

                var userId = layout.UserId(key);
                var length = 8 + Encoding.UTF8.GetByteCount(userId) + value.Length;
                if (buffer.Length < length)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(length);
                }

                var idBytes = Encoding.UTF8.GetBytes(userId, buffer.AsSpan(4));
                BinaryPrimitives.WriteInt32BigEndian(buffer, idBytes);
                BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(4 + idBytes), value.Length);
                value.CopyTo(buffer.AsSpan(8 + idBytes));
                SHA256.HashData(buffer.AsSpan(0, 8 + idBytes + value.Length), userHash);
                for (var lane = 0; lane < 4; lane++)
                {
                    lanes[lane] = unchecked(lanes[lane] + BinaryPrimitives.ReadUInt64BigEndian(userHash[(lane * 8)..]));
                }

                users++;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        Span<byte> total = stackalloc byte[40];
        BinaryPrimitives.WriteInt64BigEndian(total, users);
        for (var lane = 0; lane < 4; lane++)
        {
            BinaryPrimitives.WriteUInt64BigEndian(total[(8 + lane * 8)..], lanes[lane]);
        }

        return (Convert.ToHexStringLower(SHA256.HashData(total)), users);
    }
}
