using System.Net;
using System.Net.Sockets;

namespace Sidecar.Testing;

/// <summary>
/// Loopback ports for test services that bind later, in another process. They are taken below the
/// kernel's ephemeral range: a port from that range (what binding port 0 hands out) can be taken
/// between our check and the service's bind by any outgoing connection's local end, a Kafka client's
/// or an HttpClient's, which is how a node once failed to start with "address already in use". A
/// port below the range can only be taken by another listener, and this class never hands out the
/// same port twice in one process, whether singly or in a block: two launchers started at once (two
/// test fixtures) cannot be given the same port before either has bound it.
/// </summary>
public static class FreePorts
{
    private const int Lowest = 10_000;

    private static readonly (int First, int Count) Span = Choose();
    private static readonly HashSet<int> HandedOut = [];
    private static int _next = Random.Shared.Next(Span.Count);

    /// <summary>A port on 127.0.0.1 that nothing listens on now and that this process has not handed out before.</summary>
    public static int Next()
    {
        lock (HandedOut)
        {
            for (var attempt = 0; attempt < Span.Count; attempt++)
            {
                var port = Span.First + (_next++ % Span.Count);
                if (!HandedOut.Contains(port) && IsFree(port))
                {
                    HandedOut.Add(port);
                    return port;
                }
            }
        }

        throw new InvalidOperationException($"no free loopback port in {Span.First}-{Span.First + Span.Count - 1}");
    }

    /// <summary>
    /// A base port such that base + every one of <paramref name="offsets"/> is free now and was
    /// not handed out before, all of them below the ephemeral range: for a launcher that counts its
    /// ports from one base. Every port of the block counts as handed out from then on.
    /// </summary>
    public static int Block(IReadOnlyCollection<int> offsets)
    {
        var room = Span.Count - offsets.Max();
        lock (HandedOut)
        {
            for (var attempt = 0; attempt < 100 && room > 0; attempt++)
            {
                var basePort = Span.First + Random.Shared.Next(room);
                if (offsets.All(o => !HandedOut.Contains(basePort + o) && IsFree(basePort + o)))
                {
                    HandedOut.UnionWith(offsets.Select(o => basePort + o));
                    return basePort;
                }
            }
        }

        throw new InvalidOperationException($"no free block of ports for offsets {string.Join(", ", offsets)}");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The ports between <see cref="Lowest"/> and the ephemeral range, or above it when it starts too low.</summary>
    private static (int First, int Count) Choose()
    {
        var (low, high) = EphemeralRange();
        return low - Lowest >= 5_000 ? (Lowest, low - Lowest) : (high + 1, 65_535 - high);
    }

    private static (int Low, int High) EphemeralRange()
    {
        const string path = "/proc/sys/net/ipv4/ip_local_port_range";
        var parts = File.Exists(path) ? File.ReadAllText(path).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries) : [];
        return parts.Length == 2 && int.TryParse(parts[0], out var low) && int.TryParse(parts[1], out var high)
            ? (low, high)
            : (49_152, 65_535); // the IANA dynamic range, which Windows and macOS use
    }
}
