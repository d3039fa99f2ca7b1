using Sidecar.Store.Model;

namespace Sidecar.Rules;

/// <summary>
/// The bounds a rules file is checked against: the data model's (user ids, names) and the node's
/// list cap. The node passes its own options; <c>sidecarctl rules check</c> the defaults or flags.
/// </summary>
public sealed class RuleLimits
{
    /// <summary>The node's default <c>Store:ListCap</c>.</summary>
    public const int DefaultListCap = 100;

    /// <summary>The longest expression a rule may hold: evaluation time grows with its size, and NCalc has no loops.</summary>
    public const int MaxExpressionLength = 1_000;

    public const int MaxRules = 1_000;

    public const int MaxOpsPerRule = 64;

    public static RuleLimits Default { get; } = new();

    public ModelLimits Model { get; init; } = ModelLimits.Default;

    /// <summary>The most items a list may keep (<c>push.max</c> is checked against it).</summary>
    public int ListCap { get; init; } = DefaultListCap;

    /// <summary>The node's update topic (<c>Kafka:UpdatesTopic</c>): no rule may read it or its mirrors.</summary>
    public string UpdatesTopic { get; init; } = "updates";

    /// <summary>The node's dead-letter topic (<c>Kafka:DeadLetterTopic</c>): no rule may read it.</summary>
    public string DeadLetterTopic { get; init; } = "updates.dlq";

    /// <summary>
    /// The named datasets a rule may write (<c>dataset:</c>), with their list caps and topics (no
    /// rule may read those either); null when the file is checked without a node
    /// (<c>sidecarctl rules check</c>): then any well-formed name passes, with <see cref="ListCap"/>.
    /// </summary>
    public IReadOnlyList<RuleDataset>? Datasets { get; init; }

    /// <summary>An event time further ahead of the mapping node's clock than this is refused (<c>Node:MaxClockDrift</c>).</summary>
    public TimeSpan MaxClockDrift { get; init; } = TimeSpan.FromMinutes(1);
}
