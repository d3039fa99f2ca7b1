using Confluent.Kafka;
using Microsoft.Extensions.Options;
using Sidecar.Node.Apply;
using Sidecar.Node.Configuration;
using Sidecar.Node.Storage;

namespace Sidecar.Node.Versions;

/// <summary>
/// Brings a version that is not live up to given positions of the consumed topics: reads each
/// partition from the version's own stored position (from the beginning when it has none, as
/// after a snapshot ingest) and applies with the same batch applier as live ingest. The
/// snapshot's origin offsets are in the version, so everything it already includes is skipped
/// as a duplicate and every streamed update after it is applied: nothing is lost.
/// </summary>
internal sealed class CatchUp
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(100);

    private readonly UpdateConsumers _consumers;
    private readonly string _nodeId;
    private readonly ILogger<CatchUp> _logger;

    public CatchUp(UpdateConsumers consumers, IOptions<NodeOptions> node, ILogger<CatchUp> logger)
    {
        _consumers = consumers;
        _nodeId = node.Value.Id;
        _logger = logger;
    }

    /// <summary>Applies, to <paramref name="version"/>, every record below <paramref name="until"/> it has not applied yet.
    /// Returns how many records it applied.</summary>
    public long Run(StoreVersion version, IReadOnlyDictionary<TopicPartition, long> until, CancellationToken cancellationToken)
    {
        var remaining = new Dictionary<TopicPartition, long>();
        var assignment = new List<TopicPartitionOffset>();
        foreach (var (tp, end) in until)
        {
            var from = UserStore.ReadInt64(version.Db, StoreKeys.ConsumePosition(tp.Topic, tp.Partition.Value)) ?? 0;
            if (from < end)
            {
                remaining[tp] = end;
                assignment.Add(new TopicPartitionOffset(tp, from == 0 ? Offset.Beginning : new Offset(from)));
            }
        }

        if (assignment.Count == 0)
        {
            return 0;
        }

        var decoder = _consumers.Decoder();
        var applier = _consumers.Applier();
        using var consumer = _consumers.Consumer("catchup", $"sidecar-node-{_nodeId}-catchup", _logger, warnOnErrors: false);
        consumer.Assign(assignment);
        var gaps = PartitionsWithDroppedRecords(consumer, assignment);
        var batch = new List<DecodedRecord>(_consumers.MaxBatch);
        long applied = 0;
        try
        {
            while (remaining.Count > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                batch.Clear();
                // Consume only while the batch has room: a record consumed and not batched would be
                // skipped for good (the consumer's position has passed it), and the version would
                // lack it. That happened: a catch-up of more than one full batch lost one record
                // per full batch.
                var record = consumer.Consume(PollTimeout);
                while (record is not null)
                {
                    if (remaining.TryGetValue(record.TopicPartition, out var end) && record.Offset.Value < end)
                    {
                        var decoded = decoder.Decode(record);
                        if (decoded.Envelope is not null && gaps.Remove(record.TopicPartition))
                        {
                            CheckNoGap(version, record.TopicPartition, decoded);
                        }

                        batch.Add(decoded);
                        if (record.Offset.Value + 1 >= end)
                        {
                            remaining.Remove(record.TopicPartition);
                        }
                    }

                    record = batch.Count < _consumers.MaxBatch ? consumer.Consume(TimeSpan.Zero) : null;
                }

                if (batch.Count > 0)
                {
                    // Dead letters were sent by live ingest; here they only advance the positions.
                    applied += applier.Apply(version, batch).Applied;
                }
            }
        }
        finally
        {
            consumer.Close();
        }

        _logger.LogInformation("Caught version {Version} up: {Applied} updates applied", version.Id, applied);
        return applied;
    }

    /// <summary>Partitions whose log no longer starts where this version needs it to (retention dropped records).</summary>
    private static HashSet<TopicPartition> PartitionsWithDroppedRecords(IConsumer<byte[], byte[]> consumer, List<TopicPartitionOffset> assignment)
    {
        var gaps = new HashSet<TopicPartition>();
        foreach (var start in assignment)
        {
            var from = start.Offset == Offset.Beginning ? 0 : start.Offset.Value;
            if (consumer.QueryWatermarkOffsets(start.TopicPartition, TimeSpan.FromSeconds(10)).Low.Value > from)
            {
                gaps.Add(start.TopicPartition);
            }
        }

        return gaps;
    }

    /// <summary>
    /// Records below the log's start are gone. That is fine only if the version already includes
    /// them: the first record still in the log must come right after the highest origin offset the
    /// version holds for its origin partition. Otherwise updates would be lost: refuse the version.
    /// </summary>
    private static void CheckNoGap(StoreVersion version, TopicPartition partition, DecodedRecord first)
    {
        var origin = first.Origin;
        var included = UserStore.ReadInt64(version.Db, StoreKeys.OriginOffset(origin.Datacenter, origin.Partition)) ?? -1;
        if (origin.Offset > included + 1)
        {
            throw new Sidecar.Store.Snapshots.SnapshotInvalidException(
                $"Kafka no longer holds the start of {partition}: updates {included + 1}..{origin.Offset - 1} of origin {origin.Datacenter}:{origin.Partition} " +
                "are in neither the snapshot nor the log (build a snapshot with newer offsets)");
        }
    }
}
