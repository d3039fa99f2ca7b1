using Sidecar.Common.Consul;
using Sidecar.Node.Coordination.Decisions;
using Sidecar.Store.Rollout;

namespace Sidecar.Node.Tests.Coordination;

public sealed class FollowersTests
{
    private static ServiceHealth Instance(string id, string? consulDc, string? datacenter = null, string? rolloutDc = null)
    {
        var meta = new Dictionary<string, string>();
        if (datacenter is not null)
        {
            meta["datacenter"] = datacenter;
        }

        if (rolloutDc is not null)
        {
            meta["rollout-dc"] = rolloutDc;
        }

        return new ServiceHealth
        {
            Node = new HealthNode { Name = "consul-" + id, Datacenter = consulDc },
            Service = new HealthService { Id = id, Name = "sidecar", Meta = meta },
        };
    }

    [Fact]
    public void Instances_following_this_datacenters_keys_are_the_participants()
    {
        var followers = Followers.From(
            [Instance("b1", "dc-b", "dc-b", rolloutDc: "dc-a"), Instance("a2", "dc-a", "dc-a"), Instance("a1", "dc-a", "dc-a"), Instance("b2", "dc-b", "dc-b")],
            "dc-a", []);
        // Ordered by (datacenter, node), whatever order Consul answered in.
        Assert.Equal([new Participant("a1", "dc-a"), new Participant("a2", "dc-a"), new Participant("b1", "dc-b")], followers.Participants);
        Assert.Equal([new Participant("b2", "dc-b")], followers.Elsewhere);
    }

    [Fact]
    public void The_datacenter_falls_back_to_the_consul_nodes_then_to_here()
    {
        var followers = Followers.From([Instance("x1", "dc-b"), Instance("x2", null)], "dc-a", []);
        Assert.Equal([new Participant("x2", "dc-a")], followers.Participants);
        Assert.Equal([new Participant("x1", "dc-b")], followers.Elsewhere);
    }

    [Fact]
    public void An_instance_listed_by_two_datacenters_counts_once_and_unreachable_ones_are_kept()
    {
        var followers = Followers.From([Instance("a1", "dc-a", "dc-a"), Instance("a1", "dc-a", "dc-a")], "dc-a", ["dc-c"]);
        Assert.Single(followers.Participants);
        Assert.Equal(["dc-c"], followers.Unreachable);
    }
}
