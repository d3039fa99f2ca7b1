using System.Text;
using Sidecar.Rules.Mapping;

namespace Sidecar.Rules.Tests;

/// <summary>
/// Source topics are each datacenter's own: the same position in two datacenters is two events
/// and must map to two envelope ids (apply remembers ids across origins and counted such a pair
/// once; found by the chaos scenario rules-kill-node), while one event mapped again in its own
/// datacenter keeps its id.
/// </summary>
public sealed class EventIdDatacenterTests
{
    private const string Rules = """
        version: 1
        rules:
          - name: hotel-search
            topics: [clicks.b2c]
            user: /user/id
            ops:
              - incr: { counter: searches }
        """;

    private static readonly byte[] Event = Encoding.UTF8.GetBytes("""{"user":{"id":"u1"}}""");

    [Fact]
    public void The_same_position_in_two_datacenters_maps_to_two_ids()
    {
        Assert.NotEqual(Map("dc-a").Id, Map("dc-b").Id);
        Assert.NotEqual(EventIds.Derive("dc-a", "u1", "clicks.b2c", 0, 5), EventIds.Derive("dc-b", "u1", "clicks.b2c", 0, 5));
    }

    [Fact]
    public void An_event_mapped_again_in_its_datacenter_keeps_its_id()
    {
        Assert.Equal(Map("dc-a").Id, Map("dc-a").Id);
        Assert.Equal(EventIds.Derive("dc-a", "u1", "clicks.b2c", 0, 5), Map("dc-a").Id);
    }

    [Fact]
    public void Parts_cannot_be_spelt_as_each_other()
    {
        Assert.NotEqual(EventIds.Derive("dc-a", "u1", "t", 0, 5), EventIds.Derive("dc-au", "1", "t", 0, 5));
    }

    private static Common.Envelope.UpdateEnvelope Map(string datacenter)
    {
        var rules = RuleSet.Parse(Rules, RuleFileFormat.Yaml, RuleLimits.Default).RuleSet ?? throw new InvalidOperationException("the rules do not load");
        var mapped = new EventMapper(rules, datacenter, RuleLimits.Default).Map(new SourceEvent("clicks.b2c", 0, 5, 1_700_000_000_000, Event), DateTimeOffset.UtcNow);
        return Assert.Single(mapped.Envelopes);
    }
}
