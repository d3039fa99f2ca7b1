using Confluent.Kafka;
using Sidecar.Replicator.Configuration;

namespace Sidecar.Replicator.Checkpoints;

/// <summary>
/// Where a source partition resumes: right after the target's checkpoint when the source still
/// holds that record. Otherwise there is a gap: the source dropped records that were never
/// mirrored (retention), or its end is before the checkpoint (the topic was recreated or
/// truncated). Nothing is lost silently: the gap is reported, and <see cref="GapPolicy"/> stops
/// the partition or skips to what the source has. Pure arithmetic over the checkpoint and the
/// source's watermarks, so every case is unit-tested without a Kafka process.
/// </summary>
internal static class ResumePolicy
{
    public static ResumeDecision Decide(ResumeInput input)
    {
        if (input.Checkpoint is not { } checkpoint)
        {
            return new ResumeDecision(ResumeOutcome.NoCheckpoint, Offset.Beginning, Gap: null);
        }

        var next = checkpoint + 1;
        if (next >= input.SourceLow && next <= input.SourceHigh)
        {
            return new ResumeDecision(ResumeOutcome.AfterCheckpoint, new Offset(next), Gap: null);
        }

        var retention = next < input.SourceLow;
        var gap = retention
            ? $"records {next}..{input.SourceLow - 1} are no longer in the source (retention)"
            : $"the checkpoint {checkpoint} is past the source's end {input.SourceHigh} (topic recreated or truncated)";
        if (input.Policy == GapPolicy.Stop)
        {
            return new ResumeDecision(ResumeOutcome.GapStopped, Start: null, gap);
        }

        // Past the end, the oldest record the source has is its beginning.
        return new ResumeDecision(ResumeOutcome.GapSkipped, retention ? new Offset(input.SourceLow) : Offset.Beginning, gap);
    }
}
