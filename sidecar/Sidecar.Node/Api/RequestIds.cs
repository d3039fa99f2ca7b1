using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Sidecar.Node.Api;

/// <summary>
/// Every write request has an id, and the id of a request is a function of (user, key) alone: a
/// client's <c>Idempotency-Key</c>, or a key the node makes and returns in the same header. So a
/// retry with the same key gets the same envelope id on any node of any datacenter, and apply
/// counts it once (<see cref="Merge.RequestMemory"/>).
/// </summary>
internal static class RequestIds
{
    public const string KeyHeader = Sidecar.Common.Contracts.IdempotencyHeaders.Key;

    /// <summary>Answers that repeat an earlier request's outcome carry this header.</summary>
    public const string ReplayedHeader = Sidecar.Common.Contracts.IdempotencyHeaders.Replayed;

    public const int MaxKeyLength = 255;

    // Ids are "r1-" and 20 characters of base64url: 120 bits of SHA-256, so two different
    // (user, key) pairs share an id with a probability no deployment will meet.
    private const string Prefix = "r1-";
    private const int HashBytes = 15;

    /// <summary>Why <paramref name="key"/> cannot be an idempotency key, or null.</summary>
    public static string? Check(string key)
    {
        if (key.Length is 0 or > MaxKeyLength)
        {
            return $"{KeyHeader} must be 1 to {MaxKeyLength} characters";
        }

        foreach (var c in key)
        {
            if (c is < ' ' or > '~')
            {
                return $"{KeyHeader} may contain only printable ASCII characters (no control characters)";
            }
        }

        return null;
    }

    /// <summary>A fresh key for a request that came without one.</summary>
    public static string NewKey() => Guid.NewGuid().ToString("N");

    /// <summary>The envelope id of the request with <paramref name="key"/> for <paramref name="userId"/>.</summary>
    public static string Derive(string userId, string key)
    {
        // Length-prefixed, so that no (user, key) pair can be spelt as another.
        var input = new byte[4 + Encoding.UTF8.GetByteCount(userId) + Encoding.UTF8.GetByteCount(key)];
        var userBytes = Encoding.UTF8.GetBytes(userId, input.AsSpan(4));
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(input, userBytes);
        Encoding.UTF8.GetBytes(key, input.AsSpan(4 + userBytes));
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        return Prefix + Base64Url.EncodeToString(hash[..HashBytes]);
    }
}
