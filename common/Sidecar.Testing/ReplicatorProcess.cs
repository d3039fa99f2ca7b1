using System.Net.Http.Json;
using Sidecar.Common.Contracts;

namespace Sidecar.Testing;

/// <summary>A replicator (one direction) as a real process on a loopback port.</summary>
public sealed class ReplicatorProcess : ServiceProcess
{
    private ReplicatorProcess(ChildProcess process, string url)
        : base(process, url)
    {
    }

    public static async Task<ReplicatorProcess> StartAsync(string id, string source, KafkaMockProcess sourceKafka, string target, KafkaMockProcess targetKafka, params string[] extra)
    {
        var url = UrlFrom(extra);
        var args = new List<string>
        {
            "--urls", url,
            "--Replicator:InstanceId", id,
            "--Replicator:Source", source,
            "--Replicator:Target", target,
            $"--Replicator:Datacenters:{source}:BootstrapServers", sourceKafka.BootstrapServers,
            $"--Replicator:Datacenters:{source}:MockControlUrl", sourceKafka.ControlUrl,
            $"--Replicator:Datacenters:{target}:BootstrapServers", targetKafka.BootstrapServers,
            $"--Replicator:Datacenters:{target}:MockControlUrl", targetKafka.ControlUrl,
            "--Replicator:HeartbeatInterval", "00:00:00.500",
            // The mock cluster's group coordinator lets a departed or killed member hold its
            // partitions until its session times out (45 s by default): keep that short.
            $"--Replicator:Datacenters:{source}:Client:session.timeout.ms", "6000",
            $"--Replicator:Datacenters:{source}:Client:heartbeat.interval.ms", "1000",
            "--Replicator:MetadataInterval", "00:00:01",
        };
        args.AddRange(extra);
        var process = ChildProcess.StartDotnet($"replicator-{id}", Repo.Program("replicator/Sidecar.Replicator", "Sidecar.Replicator"), args);
        var replicator = new ReplicatorProcess(process, url);
        await replicator.WaitLiveAsync();
        return replicator;
    }

    /// <summary>The mirrored partitions (<c>GET /admin/status</c>).</summary>
    public async Task<IReadOnlyList<ReplicatorPartitionStatus>> PartitionsAsync() => (await StatusAsync()).Partitions;

    /// <summary>The whole <c>GET /admin/status</c>: direction, topics, partitions.</summary>
    public async Task<ReplicatorStatus> StatusAsync() =>
        (await Http.GetFromJsonAsync("/admin/status", AdminJson.Default.ReplicatorStatus))!;
}
