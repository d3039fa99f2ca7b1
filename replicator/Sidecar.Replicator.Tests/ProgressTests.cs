using Sidecar.Testing;

namespace Sidecar.Replicator.Tests;

public sealed class ProgressTests
{
    /// <summary>
    /// The mirror loop serves the target's delivery reports itself, between records and whenever
    /// the source is quiet: once the backlog is mirrored and the source goes quiet, every record
    /// in the remote topic has been counted exactly once, and the acknowledged offsets reach the
    /// end of every source partition.
    /// </summary>
    [Fact]
    public async Task Every_acknowledged_record_is_counted_once_and_progress_reaches_the_source_end_when_it_goes_quiet()
    {
        const int Backlog = 5_000;
        await using var dcs = await TwoDatacenters.StartAsync(partitions: 4, nodes: false);
        using var kafkaA = new TestKafka(dcs.KafkaA.BootstrapServers);
        using var kafkaB = new TestKafka(dcs.KafkaB.BootstrapServers);
        var envelopes = new Envelopes("dc-a");
        kafkaA.ProduceMany("updates", Enumerable.Range(0, Backlog).Select(i => envelopes.Create($"user-{i % 300}", Envelopes.Incr("n"))));
        var replicator = await dcs.ReplicateAsync("ab", "dc-a", "dc-b");
        // Its direction is in its status from the start, assigned partitions or not (the dashboard
        // labels its charts with it).
        var status = await replicator.StatusAsync();
        Assert.Equal(("dc-a", "dc-b"), (status.Source, status.Target));
        Assert.Equal(["updates"], status.Topics);

        // Heartbeats keep adding a record per partition every second, so both sides move; each
        // check compares one moment's values and is retried until they agree.
        await Wait.UntilAsync(replicator.Process, "every record in the remote topic counted once", async () =>
        {
            var inTarget = kafkaB.RecordCount("dc-a.updates");
            var counted = await TwoDatacenters.MetricAsync(replicator.Http, "sidecar_replicator_records_total");
            return inTarget >= Backlog && counted == inTarget;
        }, TimeSpan.FromSeconds(60));

        await Wait.UntilAsync(replicator.Process, "acknowledged offsets at the source's end", async () =>
        {
            var partitions = await replicator.PartitionsAsync();
            var acknowledged = partitions.Sum(p => p.LastAcked + 1);
            return partitions.Count == 4 && acknowledged == kafkaA.RecordCount("updates");
        }, TimeSpan.FromSeconds(30));

        Assert.True(await TwoDatacenters.MetricAsync(replicator.Http, "sidecar_replicator_records_total") >= Backlog);
    }
}
