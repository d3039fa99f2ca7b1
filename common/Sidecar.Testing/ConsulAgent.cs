using System.Globalization;
using Sidecar.Common.Consul;

namespace Sidecar.Testing;

/// <summary>
/// A real <c>consul agent -dev</c> (a one-server datacenter, in memory) in a child process, on
/// free loopback ports, with DNS and gRPC off. The binary comes from <c>SIDECAR_CONSUL_BIN</c>,
/// else from <c>tools/consul/ensure-consul.sh</c>. Stopped by PID: SIGTERM, then SIGKILL.
/// </summary>
public sealed class ConsulAgent : IAsyncDisposable
{
    private static readonly Lazy<Task<string>> Binary = new(FindBinaryAsync);

    private readonly ChildProcess _process;
    private readonly TempDir _dir;

    private ConsulAgent(ChildProcess process, TempDir dir, string datacenter, string nodeName, int httpPort, int serfWanPort)
    {
        _process = process;
        _dir = dir;
        Datacenter = datacenter;
        NodeName = nodeName;
        Address = new Uri($"http://127.0.0.1:{httpPort}");
        SerfWanAddress = $"127.0.0.1:{serfWanPort}";
    }

    public string Datacenter { get; }

    public string NodeName { get; }

    /// <summary>The HTTP API.</summary>
    public Uri Address { get; }

    /// <summary>Where other datacenters' servers WAN-join this one.</summary>
    public string SerfWanAddress { get; }

    /// <summary>The agent's process (its PID and output).</summary>
    public ChildProcess Process => _process;

    public int Pid => _process.Pid;

    public string Output => _process.Output;

    /// <summary>A client of this agent (the caller disposes it).</summary>
    public ConsulClient Client(Action<ConsulClientOptions>? configure = null)
    {
        var options = new ConsulClientOptions { Address = Address };
        configure?.Invoke(options);
        return new ConsulClient(options);
    }

    /// <summary>Starts an agent and waits until its datacenter has a leader; on
    /// <paramref name="ports"/>, or on free ones.</summary>
    public static async Task<ConsulAgent> StartAsync(string datacenter = "dc1", string? joinWan = null, ConsulPorts? ports = null)
    {
        var binary = await Binary.Value;
        var dir = new TempDir();
        var nodeName = $"{datacenter}-{Guid.NewGuid():n}"[..(datacenter.Length + 9)];
        var (http, serfLan, serfWan, server) = ports ?? ConsulPorts.Free();
        var config = dir.Sub("agent.hcl");
        await File.WriteAllTextAsync(config, string.Create(CultureInfo.InvariantCulture, $$"""
            disable_update_check = true
            ports {
              http = {{http}}
              dns = -1
              grpc = -1
              serf_lan = {{serfLan}}
              serf_wan = {{serfWan}}
              server = {{server}}
            }
            """));
        var args = new List<string>
        {
            "agent", "-dev", "-config-file", config, "-datacenter", datacenter, "-node", nodeName,
            "-bind", "127.0.0.1", "-client", "127.0.0.1", "-log-level", "warn",
        };
        if (joinWan is not null)
        {
            args.AddRange(["-retry-join-wan", joinWan, "-retry-interval-wan", "1s"]);
        }

        var process = ChildProcess.Start("consul-" + datacenter, binary, args, dir.Path);
        var agent = new ConsulAgent(process, dir, datacenter, nodeName, http, serfWan);
        try
        {
            using var client = agent.Client(o => o.MaxRetries = 0);
            await Wait.UntilAsync(process, "a Consul leader", async () => await LeaderAsync(client) != "", TimeSpan.FromSeconds(30));
            return agent;
        }
        catch
        {
            await agent.DisposeAsync();
            throw;
        }
    }

    /// <summary>Two datacenters, each one dev server, WAN-joined: each lists the other's datacenter.</summary>
    public static async Task<(ConsulAgent A, ConsulAgent B)> StartWanPairAsync(string a = "dc-a", string b = "dc-b", ConsulPorts? portsA = null, ConsulPorts? portsB = null)
    {
        var first = await StartAsync(a, ports: portsA);
        ConsulAgent? second = null;
        try
        {
            second = await StartAsync(b, joinWan: first.SerfWanAddress, ports: portsB);
            using var clientA = first.Client(o => o.MaxRetries = 0);
            using var clientB = second.Client(o => o.MaxRetries = 0);
            await Wait.UntilAsync(second._process, "a WAN join", async () =>
                (await clientA.Catalog.DatacentersAsync()).Contains(b) && (await clientB.Catalog.DatacentersAsync()).Contains(a)
                && await LeaderAsync(clientA, b) != "" && await LeaderAsync(clientB, a) != "", TimeSpan.FromSeconds(30));
            return (first, second);
        }
        catch
        {
            if (second is not null)
            {
                await second.DisposeAsync();
            }

            await first.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        _dir.Dispose();
    }

    private static async Task<string> LeaderAsync(ConsulClient client, string? datacenter = null)
    {
        try
        {
            return await client.Status.LeaderAsync(datacenter);
        }
        catch (ConsulException)
        {
            return ""; // "No path to datacenter" or "No cluster leader" while starting
        }
        catch (TimeoutException)
        {
            return "";
        }
    }

    private static Task<string> FindBinaryAsync() => ToolBinary.FindAsync("SIDECAR_CONSUL_BIN", "tools/consul/ensure-consul.sh");
}
