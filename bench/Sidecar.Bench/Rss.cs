using System.Globalization;

namespace Sidecar.Bench;

/// <summary>
/// A process's resident memory (VmRSS in /proc/&lt;pid&gt;/status): the managed heap and what
/// RocksDB holds natively (memtables, block cache, table readers) alike, which the GC's own
/// figures would leave out.
/// </summary>
internal static class Rss
{
    public static double MegabytesOf(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        var kilobytes = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return kilobytes / 1024.0;
    }
}
