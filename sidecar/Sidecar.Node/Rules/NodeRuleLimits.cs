using Sidecar.Node.Configuration;
using Sidecar.Rules;

namespace Sidecar.Node.Rules;

/// <summary>The bounds a rules file is checked against on this node: its own options, so a rule cannot make an op the node would refuse.</summary>
internal static class NodeRuleLimits
{
    public static RuleLimits From(ApiOptions api, StoreOptions store, KafkaOptions kafka, NodeOptions node) => new()
    {
        Model = api.Limits,
        ListCap = store.ListCap,
        UpdatesTopic = kafka.UpdatesTopic,
        DeadLetterTopic = kafka.DeadLetterTopic,
        MaxClockDrift = node.MaxClockDrift,
    };
}
