using Sidecar.Common.Consul;
using Sidecar.Node.Coordination.Decisions;
using Sidecar.Store.Rollout;

namespace Sidecar.Node.Tests.Coordination;

public sealed class FollowersTests
{
    private static ServiceHealth Instance(string id, string? consulDc, string? datacenter = null, string? rolloutDc = null, params string[] datasets)
    {
        var meta = datasets.ToDictionary(d => "dataset-" + d, _ => "initial");
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
    public void A_named_datasets_participants_are_the_nodes_that_serve_it_and_every_node_serves_the_default_one()
    {
        ServiceHealth[] passing =
        [
            Instance("a1", "dc-a", "dc-a", null, "segments", "recent"),
            Instance("a2", "dc-a", "dc-a", null, "recent"),
            Instance("a3", "dc-a", "dc-a"), // not restarted with the new datasets yet, or from before datasets
        ];
        Assert.Equal(["a1"], Followers.From(passing, "dc-a", [], "segments").Participants.Select(p => p.Node));
        Assert.Equal(["a1", "a2"], Followers.From(passing, "dc-a", [], "recent").Participants.Select(p => p.Node));
        Assert.Equal(["a1", "a2", "a3"], Followers.From(passing, "dc-a", [], "default").Participants.Select(p => p.Node));
        Assert.Empty(Followers.From(passing, "dc-a", [], "unknown").Participants);
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
