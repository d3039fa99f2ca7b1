namespace Sidecar.Chaos.Tests.Topology;

/// <summary>
/// Degrades a container's wan link from inside it (it runs with NET_ADMIN; the base image has
/// iptables and tc): random packet loss with iptables' statistic match, a bandwidth cap with a
/// tbf qdisc. The kernel here has no netem, so no added latency. The wan interface is the one
/// whose address lies in the wan network's subnet.
/// </summary>
internal static class WanFaults
{
    public static async Task<string> WanInterfaceAsync(Service service, string wanSubnetPrefix)
    {
        var addresses = await service.ExecAsync("ip", "-o", "-4", "addr", "show");
        foreach (var line in addresses.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length > 3 && parts[3].StartsWith(wanSubnetPrefix, StringComparison.Ordinal))
            {
                return parts[1];
            }
        }

        throw new InvalidOperationException($"{service.Alias} has no address in {wanSubnetPrefix}*: {addresses}");
    }

    /// <summary>Drops <paramref name="percent"/>% of packets in and out on the wan, and caps its egress.</summary>
    public static async Task DegradeAsync(Service service, string device, int percent, string rate)
    {
        var probability = (percent / 100.0).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
        await service.ExecAsync("iptables", "-A", "INPUT", "-i", device, "-m", "statistic", "--mode", "random", "--probability", probability, "-j", "DROP");
        await service.ExecAsync("iptables", "-A", "OUTPUT", "-o", device, "-m", "statistic", "--mode", "random", "--probability", probability, "-j", "DROP");
        await service.ExecAsync("tc", "qdisc", "add", "dev", device, "root", "tbf", "rate", rate, "burst", "32kbit", "latency", "400ms");
    }

    public static async Task RestoreAsync(Service service, string device)
    {
        await service.ExecAsync("iptables", "-F", "INPUT");
        await service.ExecAsync("iptables", "-F", "OUTPUT");
        await service.ExecAsync("tc", "qdisc", "del", "dev", device, "root");
    }
}
