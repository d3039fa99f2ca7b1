using Confluent.Kafka;
using Sidecar.Replicator.Checkpoints;
using Sidecar.Replicator.Configuration;

namespace Sidecar.Replicator.Tests.Checkpoints;

/// <summary>Every case of where a partition resumes, without Kafka: the arithmetic on the checkpoint and the watermarks.</summary>
public sealed class ResumePolicyTests
{
    [Theory]
    [InlineData(GapPolicy.Stop, 0, 0)]
    [InlineData(GapPolicy.Skip, 0, 0)]
    [InlineData(GapPolicy.Stop, 40, 90)]
    [InlineData(GapPolicy.Skip, 40, 90)]
    public void Without_a_checkpoint_the_partition_is_mirrored_from_the_beginning(GapPolicy policy, long low, long high)
    {
        var decision = ResumePolicy.Decide(new ResumeInput(Checkpoint: null, low, high, policy));

        Assert.Equal(new ResumeDecision(ResumeOutcome.NoCheckpoint, Offset.Beginning, Gap: null), decision);
    }

    [Theory]
    [InlineData(4, 0, 10, 5)] // in the middle
    [InlineData(9, 0, 10, 10)] // caught up: resumes at the source's end
    [InlineData(9, 10, 10, 10)] // caught up, and everything mirrored since dropped by retention
    [InlineData(9, 10, 30, 10)] // the next record is the oldest the source has
    [InlineData(0, 0, 1, 1)]
    public void With_the_next_record_in_the_source_it_resumes_right_after_the_checkpoint(long checkpoint, long low, long high, long expected)
    {
        foreach (var policy in new[] { GapPolicy.Stop, GapPolicy.Skip })
        {
            var decision = ResumePolicy.Decide(new ResumeInput(checkpoint, low, high, policy));

            Assert.Equal(new ResumeDecision(ResumeOutcome.AfterCheckpoint, new Offset(expected), Gap: null), decision);
        }
    }

    [Fact]
    public void Records_dropped_by_retention_before_they_were_mirrored_stop_the_partition_by_default()
    {
        var decision = ResumePolicy.Decide(new ResumeInput(Checkpoint: 4, SourceLow: 10, SourceHigh: 20, GapPolicy.Stop));

        Assert.Equal(new ResumeDecision(ResumeOutcome.GapStopped, Start: null, "records 5..9 are no longer in the source (retention)"), decision);
    }

    [Fact]
    public void Records_dropped_by_retention_are_skipped_to_the_oldest_the_source_has_when_told_to()
    {
        var decision = ResumePolicy.Decide(new ResumeInput(Checkpoint: 4, SourceLow: 10, SourceHigh: 20, GapPolicy.Skip));

        Assert.Equal(new ResumeDecision(ResumeOutcome.GapSkipped, new Offset(10), "records 5..9 are no longer in the source (retention)"), decision);
    }

    [Fact]
    public void A_single_record_dropped_is_a_gap()
    {
        var decision = ResumePolicy.Decide(new ResumeInput(Checkpoint: 4, SourceLow: 6, SourceHigh: 20, GapPolicy.Skip));

        Assert.Equal(new ResumeDecision(ResumeOutcome.GapSkipped, new Offset(6), "records 5..5 are no longer in the source (retention)"), decision);
    }

    [Theory]
    [InlineData(500, 0, 10)] // the source topic recreated (the scenario of LoopAndGapTests)
    [InlineData(10, 0, 10)] // one past the end
    [InlineData(0, 0, 0)] // an empty source
    [InlineData(500, 5, 10)] // the end is before the checkpoint, whatever the source still has
    public void A_checkpoint_past_the_source_end_stops_the_partition_by_default(long checkpoint, long low, long high)
    {
        var decision = ResumePolicy.Decide(new ResumeInput(checkpoint, low, high, GapPolicy.Stop));

        Assert.Equal(new ResumeDecision(ResumeOutcome.GapStopped, Start: null,
            $"the checkpoint {checkpoint} is past the source's end {high} (topic recreated or truncated)"), decision);
    }

    [Theory]
    [InlineData(500, 0, 10)]
    [InlineData(10, 0, 10)]
    [InlineData(500, 5, 10)]
    public void A_checkpoint_past_the_source_end_is_skipped_to_the_source_beginning_when_told_to(long checkpoint, long low, long high)
    {
        var decision = ResumePolicy.Decide(new ResumeInput(checkpoint, low, high, GapPolicy.Skip));

        Assert.Equal(new ResumeDecision(ResumeOutcome.GapSkipped, Offset.Beginning,
            $"the checkpoint {checkpoint} is past the source's end {high} (topic recreated or truncated)"), decision);
    }
}
