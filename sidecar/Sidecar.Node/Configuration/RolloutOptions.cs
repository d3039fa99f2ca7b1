using System.ComponentModel.DataAnnotations;
using Sidecar.Common.Contracts;

namespace Sidecar.Node.Configuration;

/// <summary>The snapshot agent and the rollout coordinator (only with Consul). Section "Rollout".</summary>
public sealed class RolloutOptions
{
    public const string Section = "Rollout";

    /// <summary>Earlier live versions kept on disk for a rollback (at least the previous one).</summary>
    [Range(1, 20)]
    public int RetainVersions { get; set; } = 1;

    /// <summary>Longest blocking read of the rollout keys: the agent and the coordinator also look
    /// again at least this often (deadlines, health of silent participants).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Decided rounds kept in Consul KV for `rollout status` history; older ones are deleted.</summary>
    [Range(1, 1000)]
    public int KeepRounds { get; set; } = 10;

    /// <summary>Fault drills: after preparing, hold the vote back this long (a slow participant).
    /// Zero in production.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan PrepareDelay { get; set; } = TimeSpan.Zero;

    /// <summary>How long the coordinator waits for the remaining live votes once the round's first
    /// vote was cast (that participant had prepared the version, so the others are expected soon
    /// after: they prepare the same snapshot). A participant whose vote could not be written keeps
    /// retrying (a Consul server away, a lost session); past this the round aborts and names them,
    /// however long its deadline. So whichever single Consul server dies, a round in which one
    /// participant voted is decided within about this long after that vote. Must exceed the
    /// spread of prepare times between nodes (the slowest node's catch-up from Kafka).</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan VoteTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Take part in coordinating (leader election). Off: this node only participates.</summary>
    public bool Coordinate { get; set; } = true;

    /// <summary>The datacenter whose Consul KV holds the rollout keys this node follows, votes and
    /// acknowledges in (reached with <c>?dc=</c>). Empty: the node's own datacenter, so each
    /// datacenter rolls out on its own (scope <c>dc</c>). Set the same datacenter on every node of
    /// every datacenter for global rounds (scope <c>global</c>).</summary>
    [DatacenterName("Rollout:Datacenter")]
    public string? Datacenter { get; set; }

    /// <summary>TTL of the session a node holds in another datacenter's Consul (Rollout:Datacenter
    /// is not its own): it cannot be bound to this node's checks there, so the node renews it while
    /// it is ready. Consul ends it within twice the TTL after the last renewal: how fast a dead
    /// remote voter's vote disappears.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "00:10:00")]
    public TimeSpan RemoteSessionTtl { get; set; } = TimeSpan.FromSeconds(10);
}
