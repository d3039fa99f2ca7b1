using System.Diagnostics;
using DotNet.Testcontainers.Networks;

namespace Sidecar.Chaos.Tests.Topology;

/// <summary>
/// Two datacenters, each on its own Docker network, and a "wan" network between them. In each:
/// Consul (1 server, or 3 where the scenario is about Consul; the datacenters WAN-joined),
/// Kafka (librdkafka's mock cluster as a standalone broker host), nodes, a proxy, and the
/// replicator of its updates into the other datacenter. Every container is started in
/// parallel where the order allows; everything is labelled with the run id and removed on dispose.
/// </summary>
internal sealed class Deployment : IAsyncDisposable
{
    /// <summary>The named dataset every node serves beside the default one (its topic has the same name).</summary>
    public const string NamedDataset = "segments";

    public const int Partitions = 4;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    /// <summary>Where the snapshot registry (a host directory of the run) is mounted in nodes and sidecarctl.</summary>
    public const string RegistryMount = "/registry";

    private readonly ChaosRun _run;

    private Deployment(ChaosRun run, INetwork wan, Datacenter a, Datacenter b)
    {
        _run = run;
        Wan = wan;
        A = a;
        B = b;
    }

    public INetwork Wan { get; }

    /// <summary>The host directory mounted at <see cref="RegistryMount"/>.</summary>
    public string Registry => _run.HostDirectory("registry");

    public Datacenter A { get; }

    public Datacenter B { get; }

    public IEnumerable<Datacenter> Datacenters => [A, B];

    public IReadOnlyList<Service> Nodes => [.. A.Nodes, .. B.Nodes];

    public IReadOnlyList<Service> Proxies => [A.Proxy, B.Proxy];

    /// <summary>How long the deployment took to come up.</summary>
    public TimeSpan StartTime { get; private set; }

    public static async Task<Deployment> StartAsync(ChaosRun run, int consulServers = 1, int nodesPerDatacenter = 2)
    {
        var clock = Stopwatch.StartNew();
        var wan = ServiceBuilder.Network(run, "wan");
        var netA = ServiceBuilder.Network(run, "dc-a");
        var netB = ServiceBuilder.Network(run, "dc-b");
        await Task.WhenAll(wan.CreateAsync(), netA.CreateAsync(), netB.CreateAsync());
        var deployment = new Deployment(run, wan, new Datacenter("dc-a", netA), new Datacenter("dc-b", netB));
        try
        {
            await deployment.StartServicesAsync(consulServers, nodesPerDatacenter);
        }
        catch
        {
            // xunit does not dispose what failed to come up.
            await run.SweepAsync();
            throw;
        }

        deployment.StartTime = clock.Elapsed;
        return deployment;
    }

    private async Task StartServicesAsync(int consulServers, int nodesPerDatacenter)
    {
        var wanSubnet = (await _run.Docker.Networks.InspectNetworkAsync(Wan.Name)).IPAM.Config.First().Subnet;

        // Consul and Kafka first: nodes, proxies and replicators need them.
        foreach (var dc in Datacenters)
        {
            var other = Other(dc);
            for (var i = 1; i <= consulServers; i++)
            {
                dc.Consul.Add(ServiceBuilder.Create(_run, ConsulAlias(dc, i, consulServers), dc.Name, "consul", Wan, ConsulCommand(dc, other, i, consulServers, wanSubnet)));
            }

            dc.Kafka = ServiceBuilder.Create(_run, $"kafka-{dc.Short}", dc.Name, "kafka", dc.Network,
                ["--advertise", $"kafka-{dc.Short}", "--topic", $"updates:{Partitions}", "--topic", $"updates.dlq:{Partitions}",
                    "--topic", $"{NamedDataset}:{Partitions}", "--topic", $"{NamedDataset}.dlq:{Partitions}",
                    "--topic", $"{ClickRules.B2c}:{ClickRules.Partitions}", "--topic", $"{ClickRules.B2b}:{ClickRules.Partitions}", "--urls", "http://0.0.0.0:8080"]);
        }

        // Consul servers live on the wan (their gossip binds there) and join their datacenter's
        // network as "consul-a" only: a server's own name must resolve to its wan address, which
        // its peers gossip with. Kafka joins the wan for the other side's replicator.
        await Task.WhenAll(Datacenters.SelectMany(dc => dc.Consul.Select(c => StartAsync(c, dc.Network.Name, "consul-" + dc.Short)))
            .Concat(Datacenters.Select(dc => StartAsync(dc.Kafka, Wan.Name))));
        await Task.WhenAll(Datacenters.SelectMany(dc => dc.Consul.Select(c => c.WaitHttpAsync("/v1/status/leader", StartTimeout)))
            .Concat(Datacenters.Select(dc => dc.Kafka.WaitHttpAsync("/", StartTimeout))));
        await Task.WhenAll(Datacenters.Select(dc => ConsulLeaderAsync(dc, StartTimeout)));

        foreach (var dc in Datacenters)
        {
            var other = Other(dc);
            for (var i = 1; i <= nodesPerDatacenter; i++)
            {
                var id = $"{dc.Short}{i}";
                var consul = ConsulServerOf(dc, i).Alias;
                dc.Nodes.Add(ServiceBuilder.Create(_run, $"node-{id}", dc.Name, "node", dc.Network,
                [
                    "--Node:Id", id, "--Node:Datacenter", dc.Name, "--Node:DataRoot", "/data",
                    "--Kafka:BootstrapServers", $"kafka-{dc.Short}:9092", "--Kafka:DiscoveryInterval", "00:00:00.500",
                    "--Consul:Address", $"http://{consul}:8080", "--Consul:ServiceAddress", $"node-{id}",
                    // The proxies reach the nodes here, over HTTP/2 (found in the Consul registration).
                    "--Api:H2cUrl", "http://0.0.0.0:8081",
                    // Votes are held back this long after preparing: the rollout scenarios' fault
                    // window. No other scenario rolls out.
                    "--Rollout:PrepareDelay", "00:00:03", "--Rollout:PollInterval", "00:00:00.500",
                    // A round with a silent participant is decided this long after its first vote
                    // (the default, 2 min, is sized for big snapshots): within the tests' wait.
                    "--Rollout:VoteTimeout", "00:00:30",
                    // Every node maps the click topics; a datacenter's nodes share them as one
                    // consumer group, and a killed member's partitions move to the other node
                    // once its session times out (45 s by default; consumers only read these).
                    "--Rules:File", ClickRules.Path,
                    // A second dataset beside the default one, written by its own workload.
                    $"--Datasets:{NamedDataset}:Topic", NamedDataset,
                    // ...whose keys are grouped by its topic's partitions (the default dataset's stay flat).
                    $"--Datasets:{NamedDataset}:Partitions", $"{Partitions}",
                    "--Kafka:Client:session.timeout.ms", "6000", "--Kafka:Client:heartbeat.interval.ms", "1000",
                ], bind: $"{Registry}:{RegistryMount}", files: new Dictionary<string, string> { [ClickRules.Path] = ClickRules.Yaml }));
            }

            dc.Proxy = ServiceBuilder.Create(_run, $"proxy-{dc.Short}", dc.Name, "proxy", dc.Network,
            [
                "--Proxy:Datacenter", dc.Name, "--Proxy:Datacenters:0", dc.Name, "--Proxy:Datacenters:1", other.Name,
                "--Proxy:Consul:Address", $"http://{dc.Consul[0].Alias}:8080",
            ]);
            dc.Replicator = ServiceBuilder.Create(_run, $"replicator-{dc.Short}{other.Short}", dc.Name, "replicator", dc.Network,
            [
                // A partition drops packets without a reset: a request in flight on the wan waits
                // for this timeout (60 s by default) before the connection is given up and redone.
                $"--Replicator:Datacenters:{other.Name}:Client:socket.timeout.ms", "8000",
                "--Replicator:InstanceId", $"r-{dc.Short}{other.Short}", "--Replicator:Source", dc.Name, "--Replicator:Target", other.Name,
                $"--Replicator:Datacenters:{dc.Name}:BootstrapServers", $"kafka-{dc.Short}:9092",
                $"--Replicator:Datacenters:{dc.Name}:MockControlUrl", $"http://kafka-{dc.Short}:8080",
                $"--Replicator:Datacenters:{other.Name}:BootstrapServers", $"kafka-{other.Short}:9092",
                $"--Replicator:Datacenters:{other.Name}:MockControlUrl", $"http://kafka-{other.Short}:8080",
                "--Replicator:HeartbeatInterval", "00:00:00.500", "--Replicator:MetadataInterval", "00:00:01",
                "--Replicator:Topics:0", "updates", "--Replicator:Topics:1", NamedDataset,
                // The mock cluster's group coordinator lets a killed member hold its partitions
                // until its session times out (45 s by default): keep that short.
                $"--Replicator:Datacenters:{dc.Name}:Client:session.timeout.ms", "6000",
                $"--Replicator:Datacenters:{dc.Name}:Client:heartbeat.interval.ms", "1000",
            ], netAdmin: true);
        }

        var rest = Datacenters.SelectMany(dc => dc.WanMembers.Skip(1)).ToList();
        await Task.WhenAll(rest.Select(s => StartAsync(s, Wan.Name)));
        await WaitReadyAsync(StartTimeout);
    }

    /// <summary>Waits until every node, replicator and proxy reports ready (live for replicators).</summary>
    public Task WaitReadyAsync(TimeSpan timeout) =>
        Task.WhenAll(Nodes.Select(n => n.WaitHttpAsync("/health/ready", timeout))
            .Concat(Datacenters.Select(dc => dc.Replicator.WaitHttpAsync("/health/live", timeout)))
            .Concat(Proxies.Select(p => p.WaitHttpAsync("/health/ready", timeout))));

    private static async Task StartAsync(Service service, string network, string? alias = null)
    {
        await service.Container.StartAsync();
        await service.FindPortAsync();
        await service.ConnectAsync(network, alias);
    }

    private Datacenter Other(Datacenter dc) => dc == A ? B : A;

    /// <summary>The Consul server that node <paramref name="i"/> (1-based) of <paramref name="dc"/>
    /// talks to: nodes are spread over the servers, each talks to one directly (no local agent).</summary>
    private static Service ConsulServerOf(Datacenter dc, int i) => dc.Consul[(i - 1) % dc.Consul.Count];

    /// <summary>The Consul server <paramref name="node"/> talks to (its registration, session, votes).</summary>
    public Service ConsulServerOf(Service node)
    {
        var dc = Datacenters.Single(d => d.Nodes.Contains(node));
        return ConsulServerOf(dc, dc.Nodes.IndexOf(node) + 1);
    }

    private static string ConsulAlias(Datacenter dc, int i, int servers) => servers == 1 ? $"consul-{dc.Short}" : $"consul-{dc.Short}{i}";

    private static string[] ConsulCommand(Datacenter dc, Datacenter other, int i, int servers, string wanSubnet)
    {
        // Bound to the server's address on the wan by subnet, not by interface name: Docker does
        // not keep the order of a container's interfaces across a restart, and a server that came
        // back on its other network's address is a stranger to its peers' raft configuration.
        List<string> args = ["agent", "-datacenter", dc.Name, "-node", ConsulAlias(dc, i, servers), "-client", "0.0.0.0",
            "-bind", $"{{{{ GetAllInterfaces | include \"network\" \"{wanSubnet}\" | attr \"address\" }}}}", "-http-port", "8080", "-retry-join-wan", ConsulAlias(other, 1, servers),
            "-retry-interval-wan", "1s", "-hcl", "disable_update_check = true"];
        if (servers == 1)
        {
            args.Add("-dev");
        }
        else
        {
            args.AddRange(["-server", "-bootstrap-expect", servers.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "-data-dir", "/consul/data", "-retry-interval", "1s", "-hcl", "performance { raft_multiplier = 1 }"]);
            for (var j = 1; j <= servers; j++)
            {
                args.AddRange(["-retry-join", ConsulAlias(dc, j, servers)]);
            }
        }

        return [.. args];
    }

    /// <summary>The wan network's subnet, as the start of its addresses (e.g. "172.20.").</summary>
    public async Task<string> WanSubnetPrefixAsync()
    {
        var network = await _run.Docker.Networks.InspectNetworkAsync(Wan.Name);
        var subnet = network.IPAM.Config.First().Subnet; // e.g. 172.20.0.0/16
        var octets = subnet.Split('/')[0].Split('.');
        var bits = int.Parse(subnet.Split('/')[1], System.Globalization.CultureInfo.InvariantCulture);
        return string.Join('.', octets.Take(bits / 8)) + ".";
    }

    /// <summary>Waits until <paramref name="dc"/>'s Consul has elected a leader (3 servers take a few seconds).</summary>
    private async Task ConsulLeaderAsync(Datacenter dc, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                await ConsulLeaderAsync(dc);
                return;
            }
            catch (InvalidOperationException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }
        }
    }

    /// <summary>The Consul server of <paramref name="dc"/> that leads its raft now (matched by its wan address).</summary>
    public async Task<Service> ConsulLeaderAsync(Datacenter dc)
    {
        foreach (var server in dc.Consul)
        {
            string leader;
            try
            {
                leader = (await server.Http.GetStringAsync("/v1/status/leader")).Trim('"', '\n', ' ');
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                continue;
            }

            var ip = leader.Split(':')[0];
            foreach (var candidate in dc.Consul)
            {
                var inspect = await _run.Docker.Containers.InspectContainerAsync(candidate.Container.Id);
                if (inspect.NetworkSettings?.Networks?.TryGetValue(Wan.Name, out var endpoint) == true && endpoint?.IPAddress == ip)
                {
                    return candidate;
                }
            }
        }

        throw new InvalidOperationException($"{dc.Name}: no Consul server names a leader");
    }

    /// <summary>Cuts <paramref name="dc"/>'s Kafka, nodes, proxy and replicator off the wan.</summary>
    public Task PartitionAsync(Datacenter dc) => Task.WhenAll(dc.WanMembers.Select(s => s.DisconnectAsync(Wan.Name)));

    public Task HealAsync(Datacenter dc) => Task.WhenAll(dc.WanMembers.Select(s => s.ConnectAsync(Wan.Name)));

    /// <summary>Runs sidecarctl in a container on the wan (where every Consul server is) with the registry mounted.</summary>
    public Task<string> CliAsync(Datacenter dc, params string[] args) => CliAsync(dc, [args]);

    /// <summary>Runs sidecarctl commands one after another in one container (each container costs
    /// seconds on a busy machine); stops at the first that fails. Arguments are plain words.</summary>
    public async Task<string> CliAsync(Datacenter dc, IReadOnlyList<string[]> commands)
    {
        var script = string.Join(" && ", commands.Select(args => "dotnet /app/sidecarctl.dll " + string.Join(' ', args)));
        var (exit, output) = await _run.RunToCompletionAsync("cli", $"cli-{dc.Short}-{Guid.NewGuid().ToString("N")[..6]}", Wan.Name,
            $"{Registry}:{RegistryMount}", [script], TimeSpan.FromSeconds(120), entrypoint: ["/bin/sh", "-c"]);
        if (exit != 0)
        {
            throw new InvalidOperationException($"sidecarctl: `{script}` exited {exit}:\n{output}");
        }

        return output;
    }

    public async Task<string> LogsAsync()
    {
        var all = Datacenters.SelectMany(dc => dc.Consul.Concat(dc.WanMembers));
        var logs = await Task.WhenAll(all.Select(async s => $"---- {s.Alias}\n{await s.LogsAsync()}"));
        return string.Join('\n', logs);
    }

    public ValueTask DisposeAsync() => _run.DisposeAsync();
}
