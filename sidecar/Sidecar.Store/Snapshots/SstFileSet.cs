using RocksDbSharp;

namespace Sidecar.Store.Snapshots;

/// <summary>
/// Writes entries, already in bytewise key order, into numbered SST files
/// (<c>data-000001.sst</c>...) in the node's table format, a new file every
/// <c>maxFileBytes</c>; returns each file with its SHA-256 and size, for the manifest.
/// </summary>
public static class SstFileSet
{
    public static List<SnapshotFile> Write(string output, IEnumerable<(byte[] Key, byte[] Value)> sortedEntries, int bloomBitsPerKey, long maxFileBytes)
    {
        var files = new List<SnapshotFile>();
        SstFileWriter? writer = null;
        string? path = null;
        long bytes = 0;
        var options = SstFormat.WriterOptions(bloomBitsPerKey);

        void Finish()
        {
            if (writer is null)
            {
                return;
            }

            writer.Finish();
            writer.Dispose();
            writer = null;
            files.Add(new SnapshotFile(Path.GetFileName(path!), FileHash.Sha256(path!), new FileInfo(path!).Length));
        }

        try
        {
            foreach (var (key, value) in sortedEntries)
            {
                if (writer is null)
                {
                    path = Path.Combine(output, $"data-{files.Count + 1:D6}.sst");
                    writer = new SstFileWriter(new EnvOptions(), options);
                    writer.Open(path);
                    bytes = 0;
                }

                writer.Add(key, value);
                bytes += key.Length + value.Length;
                if (bytes >= maxFileBytes)
                {
                    Finish();
                }
            }

            Finish();
        }
        finally
        {
            writer?.Dispose();
        }

        return files;
    }
}
