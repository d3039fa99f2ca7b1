using Confluent.Kafka;

namespace Sidecar.Replicator.Checkpoints;

/// <summary>Where a source partition resumes, and why.</summary>
/// <param name="Outcome">Which case it is.</param>
/// <param name="Start">Where to seek the source; null when a gap stops the partition.</param>
/// <param name="Gap">Which records are missing and why, for the logs and health; null without a gap.</param>
internal readonly record struct ResumeDecision(ResumeOutcome Outcome, Offset? Start, string? Gap);
