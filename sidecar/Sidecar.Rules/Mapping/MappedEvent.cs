using Sidecar.Common.Envelope;

namespace Sidecar.Rules.Mapping;

/// <summary>What one event became: envelopes (one per user), or a dead letter, or nothing when no rule matched.</summary>
public sealed class MappedEvent
{
    internal MappedEvent(IReadOnlyList<UpdateEnvelope> envelopes, IReadOnlyList<RuleEvaluation> evaluations, RuleDeadLetter? deadLetter)
    {
        Envelopes = envelopes;
        Evaluations = evaluations;
        DeadLetter = deadLetter;
    }

    /// <summary>The envelopes to produce, keyed by their user; empty for a dead letter.</summary>
    public IReadOnlyList<UpdateEnvelope> Envelopes { get; }

    /// <summary>Every rule of the event's topic that was evaluated, with what it did.</summary>
    public IReadOnlyList<RuleEvaluation> Evaluations { get; }

    /// <summary>Why the event cannot be mapped; null when it could.</summary>
    public RuleDeadLetter? DeadLetter { get; }

    /// <summary>True when no rule took the event (and it is not a dead letter): counted and skipped.</summary>
    public bool Skipped => DeadLetter is null && Envelopes.Count == 0;
}

/// <summary>One rule on one event: whether it matched, how many ops it made, how long it took.</summary>
public readonly record struct RuleEvaluation(Rule Rule, bool Matched, int Ops, TimeSpan Elapsed);

/// <summary>An event for the dead-letter topic: the rule that failed on it (null when the event itself is bad) and why.</summary>
public sealed record RuleDeadLetter(string? Rule, string Reason);
