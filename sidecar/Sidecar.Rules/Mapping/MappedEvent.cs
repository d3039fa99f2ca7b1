using Sidecar.Common.Envelope;

namespace Sidecar.Rules.Mapping;

/// <summary>What one event became: envelopes (one per dataset and user), or a dead letter, or nothing when no rule matched.</summary>
public sealed class MappedEvent
{
    internal MappedEvent(IReadOnlyList<MappedUpdate> updates, IReadOnlyList<RuleEvaluation> evaluations, RuleDeadLetter? deadLetter)
    {
        Updates = updates;
        Evaluations = evaluations;
        DeadLetter = deadLetter;
    }

    /// <summary>The envelopes to produce, each with the dataset it goes to; empty for a dead letter.</summary>
    public IReadOnlyList<MappedUpdate> Updates { get; }

    /// <summary>The envelopes of <see cref="Updates"/>, keyed by their user.</summary>
    public IReadOnlyList<UpdateEnvelope> Envelopes => [.. Updates.Select(u => u.Envelope)];

    /// <summary>Every rule of the event's topic that was evaluated, with what it did.</summary>
    public IReadOnlyList<RuleEvaluation> Evaluations { get; }

    /// <summary>Why the event cannot be mapped; null when it could.</summary>
    public RuleDeadLetter? DeadLetter { get; }

    /// <summary>True when no rule took the event (and it is not a dead letter): counted and skipped.</summary>
    public bool Skipped => DeadLetter is null && Updates.Count == 0;
}

/// <summary>One envelope of an event and the dataset (<c>Rule.Dataset</c>) it is produced to.</summary>
public readonly record struct MappedUpdate(string Dataset, UpdateEnvelope Envelope);

/// <summary>One rule on one event: whether it matched, how many ops it made, how long it took.</summary>
public readonly record struct RuleEvaluation(Rule Rule, bool Matched, int Ops, TimeSpan Elapsed);

/// <summary>An event for the dead-letter topic: the rule that failed on it (null when the event itself is bad) and why.</summary>
public sealed record RuleDeadLetter(string? Rule, string Reason);
