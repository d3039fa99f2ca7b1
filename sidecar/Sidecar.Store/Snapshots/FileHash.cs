using System.Security.Cryptography;

namespace Sidecar.Store.Snapshots;

/// <summary>SHA-256 of a file, lowercase hex.</summary>
public static class FileHash
{
    public static string Sha256(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
