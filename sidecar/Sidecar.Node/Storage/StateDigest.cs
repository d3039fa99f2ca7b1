using System.Buffers.Binary;
using System.Security.Cryptography;
using Google.Protobuf;
using Sidecar.Node.Merge;
using Sidecar.Store.State;

namespace Sidecar.Node.Storage;

/// <summary>
/// SHA-256 over every stored user (key and canonical state bytes) in key order. Two nodes that
/// applied the same updates, in whatever order, have the same digest. For a dataset with expiry it
/// covers the state a reader sees at a given moment: each user as <see cref="ExpiryRule.Project"/>
/// leaves it then, hidden users left out, so nodes that removed expired entries at different
/// times (or not yet) still compare equal.
/// </summary>
internal static class StateDigest
{
    public static (string Digest, long Users) Compute(StoreVersion version) => Compute(version, Expiry.None, 0);

    public static (string Digest, long Users) Compute(StoreVersion version, Expiry expiry, long atMs)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long users = 0;
        Span<byte> length = stackalloc byte[4];
        using var iterator = version.Db.NewIterator();
        for (iterator.Seek(StoreKeys.UserPrefix); iterator.Valid(); iterator.Next())
        {
            var key = iterator.GetKeySpan();
            if (!key.StartsWith(StoreKeys.UserPrefix))
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

            BinaryPrimitives.WriteInt32BigEndian(length, key.Length);
            hash.AppendData(length);
            hash.AppendData(key);
            BinaryPrimitives.WriteInt32BigEndian(length, value.Length);
            hash.AppendData(length);
            hash.AppendData(value);
            users++;
        }

        return (Convert.ToHexStringLower(hash.GetHashAndReset()), users);
    }
}
