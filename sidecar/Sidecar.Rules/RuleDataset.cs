namespace Sidecar.Rules;

/// <summary>A named dataset a rule may write to: its list cap and its own topics, which no rule may read.</summary>
public sealed record RuleDataset(string Name, int ListCap, string UpdatesTopic, string DeadLetterTopic);
