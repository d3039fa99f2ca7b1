using Sidecar.Node.Configuration;
using Sidecar.Rules;

namespace Sidecar.Node.Rules;

/// <summary>The bounds a rules file is checked against on this node: its own options, so a rule cannot make an op the node would refuse.</summary>
internal static class NodeRuleLimits
{
    public static RuleLimits From(ApiOptions api, StoreOptions store, KafkaOptions kafka, NodeOptions node, DatasetsOptions datasets) => new()
    {
        // A rule may write a named dataset (its list cap: the dataset's own), and read none of its topics.
        Datasets = [.. datasets.Named.OrderBy(d => d.Key, StringComparer.Ordinal)
            .Select(d => new RuleDataset(d.Key, d.Value.ListCap ?? store.ListCap, d.Value.Topic ?? "", d.Value.DeadLetters))],
        Model = api.Limits,
        ListCap = store.ListCap,
        UpdatesTopic = kafka.UpdatesTopic,
        DeadLetterTopic = kafka.DeadLetterTopic,
        MaxClockDrift = node.MaxClockDrift,
    };
}
