using Sidecar.Node.Coordination.Decisions;
using Sidecar.Store.Rollout;

namespace Sidecar.Node.Tests.Coordination;

public sealed class ProposalDecisionTests
{
    private const string Here = "dc-a";

    private static Followers Of(params Participant[] participants) => new(participants, [], []);

    private static Participant P(string node, string dc = Here) => new(node, dc);

    [Fact]
    public void The_committed_version_is_refused()
    {
        Assert.Equal("v42 is already the committed version", ProposalDecision.VersionRefusal("v42", "v42", published: true));
    }

    [Fact]
    public void A_version_missing_from_the_index_is_refused_except_initial()
    {
        Assert.Equal("version v43 is not published", ProposalDecision.VersionRefusal("v43", "v42", published: false));
        Assert.Null(ProposalDecision.VersionRefusal(VersionNames.Initial, "v42", published: false));
        Assert.Null(ProposalDecision.VersionRefusal("v43", "v42", published: true));
    }

    [Fact]
    public void A_datacenter_round_with_local_followers_is_accepted()
    {
        Assert.Null(ProposalDecision.ParticipantsRefusal(RolloutRequest.ScopeDatacenter, Of(P("a1"), P("a2")), Here));
    }

    [Fact]
    public void A_global_round_reaching_every_datacenter_is_accepted()
    {
        Assert.Null(ProposalDecision.ParticipantsRefusal(RolloutRequest.ScopeGlobal, Of(P("a1"), P("b1", "dc-b")), Here));
    }

    [Fact]
    public void A_global_round_with_an_unreachable_datacenter_is_refused()
    {
        var refusal = ProposalDecision.ScopeRefusal(RolloutRequest.ScopeGlobal, new Followers([P("a1")], [], ["dc-b"]), Here);
        Assert.Equal("scope global, but datacenter dc-b cannot be reached to list its nodes", refusal);
        // A datacenter round does not depend on the other datacenters.
        Assert.Null(ProposalDecision.ScopeRefusal(RolloutRequest.ScopeDatacenter, new Followers([P("a1")], [], ["dc-b"]), Here));
    }

    [Fact]
    public void A_global_round_with_nodes_following_another_datacenter_is_refused_and_names_them()
    {
        var refusal = ProposalDecision.ScopeRefusal(RolloutRequest.ScopeGlobal, new Followers([P("a1")], [P("b1", "dc-b")], []), Here);
        Assert.Equal("scope global needs every node to follow the rollouts of dc-a (Rollout:Datacenter); b1 (dc-b) follow another datacenter's", refusal);
        Assert.Null(ProposalDecision.ScopeRefusal(RolloutRequest.ScopeDatacenter, new Followers([P("a1")], [P("b1", "dc-b")], []), Here));
    }

    [Fact]
    public void A_datacenter_round_with_remote_followers_is_refused()
    {
        var refusal = ProposalDecision.ScopeRefusal(RolloutRequest.ScopeDatacenter, Of(P("a1"), P("b1", "dc-b")), Here);
        Assert.Equal("scope dc, but nodes of other datacenters follow the rollouts of dc-a: b1 (dc-b); use scope global", refusal);
    }

    [Fact]
    public void A_node_id_in_two_datacenters_is_refused()
    {
        var refusal = ProposalDecision.ScopeRefusal(RolloutRequest.ScopeGlobal, Of(P("n1"), P("n1", "dc-b")), Here);
        Assert.Equal("node ids must be unique across datacenters: n1 appear more than once", refusal);
    }

    [Fact]
    public void An_unknown_scope_is_refused()
    {
        Assert.Equal("unknown scope 'region'", ProposalDecision.ScopeRefusal("region", Of(P("a1")), Here));
    }

    [Fact]
    public void No_participant_is_refused()
    {
        Assert.Equal("no healthy node to roll out to", ProposalDecision.ParticipantsRefusal(RolloutRequest.ScopeDatacenter, Of(), Here));
    }

    [Fact]
    public void Participants_must_fit_the_commit_transaction()
    {
        // The commit checks the proposal and every vote, CASes current and creates the decision: 64 operations at most.
        var fits = Enumerable.Range(0, ProposalDecision.MaxParticipants).Select(i => P($"n{i}")).ToArray();
        Assert.Null(ProposalDecision.ParticipantsRefusal(RolloutRequest.ScopeDatacenter, Of(fits), Here));
        Assert.Equal("61 participants do not fit one Consul transaction (at most 60)",
            ProposalDecision.ParticipantsRefusal(RolloutRequest.ScopeDatacenter, Of([.. fits, P("one-more")]), Here));
    }

    [Fact]
    public void The_scope_rule_is_told_before_the_participant_count()
    {
        Assert.StartsWith("unknown scope", ProposalDecision.ParticipantsRefusal("region", Of(), Here));
    }
}
