namespace Sidecar.Rules.Tests;

/// <summary>A rule's <c>dataset</c>: a dataset the node serves, with that dataset's list cap; its ops go there alone.</summary>
public sealed class RuleDatasetTests
{
    private static readonly RuleLimits Node = new()
    {
        ListCap = 100,
        Datasets = [new RuleDataset("recent", 5, "recent", "recent.dlq"), new RuleDataset("segments", 100, "segments", "segs.dead")],
    };

    [Fact]
    public void Rules_of_one_event_for_two_datasets_make_one_envelope_per_dataset_and_user()
    {
        var mapper = Given.Mapper("""
            { "version": 1, "rules": [
              { "name": "to-default", "topics": ["t"], "user": "/u", "ops": [ { "incr": { "counter": "c" } } ] },
              { "name": "to-recent", "topics": ["t"], "dataset": "recent", "user": "/u", "ops": [ { "push": { "list": "l", "item": "/i" } } ] },
              { "name": "also-recent", "topics": ["t"], "dataset": "recent", "user": "/u", "ops": [ { "set": { "field": "f", "value": "/i" } } ] }
            ] }
            """, limits: Node);
        var mapped = mapper.Map(Given.Event("""{"u":"u1","i":"h1"}"""));
        Assert.Null(mapped.DeadLetter);
        Assert.Collection(mapped.Updates,
            u => { Assert.Equal("default", u.Dataset); Assert.Equal("c", Assert.Single(u.Envelope.Ops).Incr.Counter); },
            u =>
            {
                Assert.Equal("recent", u.Dataset);
                Assert.Equal(["l", "f"], u.Envelope.Ops.Select(o => o.Push?.List ?? o.Set.Field));
                Assert.Equal(5u, u.Envelope.Ops[0].Push.Max); // the dataset's list cap, not the node's
            });
        Assert.All(mapped.Updates, u => Assert.Equal("u1", u.Envelope.UserId));
    }

    [Fact]
    public void A_dataset_the_node_does_not_serve_its_topics_and_its_list_cap_are_each_a_problem()
    {
        var load = RuleSet.Parse("""
            { "version": 1, "rules": [
              { "name": "a", "topics": ["t"], "dataset": "nope", "user": "/u", "ops": [ { "del": { "field": "f" } } ] },
              { "name": "b", "topics": ["t"], "dataset": "Not A Name", "user": "/u", "ops": [ { "del": { "field": "f" } } ] },
              { "name": "c", "topics": ["recent", "dc-b.recent", "segs.dead"], "user": "/u", "ops": [ { "del": { "field": "f" } } ] },
              { "name": "d", "topics": ["t"], "dataset": "recent", "user": "/u", "ops": [ { "push": { "list": "l", "item": "/i", "max": 6 } } ] }
            ] }
            """, RuleFileFormat.Json, Node);
        Assert.Collection(load.Problems,
            p => Assert.Equal("rules[0].dataset: 'nope' is not a dataset this node serves (it serves default, recent, segments; a named one needs its Datasets:<name> section)", p),
            p => Assert.StartsWith("rules[1].dataset: 'Not A Name' must be a dataset name", p),
            p => Assert.StartsWith("rules[2].topics[0]: 'recent' is one of the node's own topics", p),
            p => Assert.StartsWith("rules[2].topics[1]: 'dc-b.recent' is one of the node's own topics", p),
            p => Assert.StartsWith("rules[2].topics[2]: 'segs.dead' is one of the node's own topics", p),
            p => Assert.Equal("rules[3].ops[0].push.max: must be a whole number from 1 to 5 (Datasets:recent:ListCap)", p));
    }

    [Fact]
    public void Without_a_node_any_well_formed_dataset_passes_and_default_is_the_default()
    {
        var rules = Given.Rules(Given.OneRule("\"dataset\": \"anything\", \"ops\": [ { \"del\": { \"field\": \"f\" } } ]"));
        Assert.Equal("anything", Assert.Single(rules.Rules).Dataset);
        Assert.Equal("default", Assert.Single(Given.Rules(Given.OneRule("\"ops\": [ { \"del\": { \"field\": \"f\" } } ]")).Rules).Dataset);
    }
}
