using System.Security.Cryptography;

namespace Sidecar.Node.Storage;

/// <summary>
/// SHA-256 over every stored user (key and canonical state bytes) in key order. Two nodes that
/// applied the same updates, in whatever order, have the same digest.
/// </summary>
internal static class StateDigest
{
    public static (string Digest, long Users) Compute(StoreVersion version)
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

            var value = iterator.GetValueSpan();
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, key.Length);
            hash.AppendData(length);
            hash.AppendData(key);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, value.Length);
            hash.AppendData(length);
            hash.AppendData(value);
            users++;
        }

        return (Convert.ToHexStringLower(hash.GetHashAndReset()), users);
    }
}
