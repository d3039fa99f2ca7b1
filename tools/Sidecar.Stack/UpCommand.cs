using System.CommandLine;
using System.Runtime.InteropServices;
using Sidecar.Testing;

namespace Sidecar.Stack;

/// <summary>
/// <c>up</c>: starts the stack, prints where everything is, streams the merged log and stops
/// everything it started when told to (Ctrl-C, SIGTERM) or when a part dies.
/// </summary>
internal static class UpCommand
{
    public static Command Create()
    {
        var basePort = new Option<int>("--base-port")
        {
            Description = $"First of the fixed ports: dashboard +0, proxies +1/+2, nodes +11../+21.., replicators +31/+32, Consul +41/+42 (its serf and RPC ports +43..+48), the nodes' h2c listeners +51../+61.. (default {StackLayout.DefaultBasePort}, or $SIDECAR_STACK_BASE_PORT)",
            DefaultValueFactory = _ => int.TryParse(Environment.GetEnvironmentVariable("SIDECAR_STACK_BASE_PORT"), out var p) ? p : StackLayout.DefaultBasePort,
        };
        var data = new Option<string>("--data")
        {
            Description = "Folder for the nodes' stores (emptied at start; default .data/stack in the repository)",
            DefaultValueFactory = _ => Path.Combine(Repo.Root, ".data", "stack"),
        };
        var nodes = new Option<int>("--nodes") { Description = "Nodes per datacenter (1-9)", DefaultValueFactory = _ => 2 };
        var command = new Command("up", "Start the two-datacenter stack on loopback and stream its merged log until Ctrl-C or SIGTERM") { basePort, data, nodes };
        command.SetAction((result, _) => RunAsync(new StackLayout(result.GetValue(basePort), Path.GetFullPath(result.GetValue(data)!), result.GetValue(nodes))));
        return command;
    }

    private static async Task<int> RunAsync(StackLayout layout)
    {
        if (layout.BasePort is < 1024 or > 65000 || layout.NodesPerDatacenter is < 1 or > 9)
        {
            await Console.Error.WriteLineAsync("--base-port must be 1024-65000 and --nodes 1-9");
            return 2;
        }

        using var stop = new CancellationTokenSource();
        // Ctrl-C reaches every process of the terminal's group; SIGTERM only this one. Either way
        // this process stops each part by PID and waits for it before it exits.
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        var log = new MergedLog();
        TwoDatacenterStack stack;
        try
        {
            stack = await TwoDatacenterStack.StartAsync(layout, log, stop.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException or TimeoutException or IOException or HttpRequestException)
        {
            log.Say(stop.IsCancellationRequested ? "stopped while starting" : "the stack did not come up: " + e.Message);
            return stop.IsCancellationRequested ? 0 : 1;
        }

        await using (stack)
        {
            PrintUrls(layout, stack);
            var died = Task.WhenAny(stack.Processes.Select(p => p.WaitForExitAsync(CancellationToken.None)));
            var stopped = Task.Delay(Timeout.Infinite, stop.Token);
            var first = await Task.WhenAny(died, stopped);
            if (first == died && !stop.IsCancellationRequested)
            {
                var dead = stack.Processes.First(p => p.HasExited);
                log.Say($"{dead.Name} (pid {dead.Pid}) exited with {dead.ExitCode}: stopping everything");
            }

            // Ctrl-C reached the parts too: what they say while going down is noise.
            log.Mute();
            log.Say("stopping every part");
        }

        log.Say("stopped; nothing left running");
        return 0;
    }

    private static void PrintUrls(StackLayout layout, TwoDatacenterStack stack)
    {
        var lines = new List<string>
        {
            "",
            "Two datacenters are up (Kafka is librdkafka's mock cluster: in memory, empty each run).",
            $"  dashboard        {layout.Dashboard}",
        };
        for (var dc = 0; dc < StackLayout.Datacenters.Length; dc++)
        {
            var name = StackLayout.Datacenters[dc];
            lines.Add($"  {name} proxy      {layout.Proxy(dc)}/v1/users/<id>");
            lines.Add($"  {name} nodes      {string.Join("  ", Enumerable.Range(0, layout.NodesPerDatacenter).Select(i => $"{StackLayout.NodeId(dc, i)} {layout.Node(dc, i)}"))}");
            lines.Add($"  {name} Consul     {layout.Consul(dc)}/ui");
            lines.Add($"  {name} Kafka      {stack.KafkaBootstrap[dc]}");
            lines.Add($"  {StackLayout.ReplicatorId(dc)}  {layout.Replicator(dc)}/metrics");
        }

        lines.Add($"  Prometheus       {layout.Prometheus} (scrapes every node, proxy and replicator every {PrometheusServer.ScrapeInterval.TotalSeconds:0} s; alert rules {StackLayout.AlertRules})");
        lines.Add($"  rules            {StackLayout.RulesFile} (every node; source topics {string.Join(", ", StackLayout.SourceTopics)})");
        lines.Add($"  data             {layout.DataRoot} (Kafka bootstrap per datacenter in {KafkaBootstrapFile.Name})");
        lines.Add("Try:");
        lines.Add($"  curl -XPOST '{layout.Proxy(0)}/v1/users/u1/updates?wait=applied' -d '{{\"ops\":[{{\"op\":\"push\",\"list\":\"recent\",\"item\":\"hotel-42\",\"max\":20}}]}}'");
        lines.Add($"  curl {layout.Proxy(1)}/v1/users/u1");
        lines.Add("  ./run.sh load      (demo workload through both proxies, and clickstream events into both Kafkas)");
        lines.Add("  ./run.sh status    (sidecarctl status of this stack)");
        lines.Add("Ctrl-C stops everything.");
        lines.Add("");
        foreach (var line in lines)
        {
            Console.WriteLine(line);
        }
    }
}
