using Confluent.Kafka;
using Sidecar.Replicator.Mirroring;

namespace Sidecar.Replicator.Checkpoints;

/// <summary>
/// Mirrors the checkpoints into the source group's offsets, for Kafka tooling only: a partition
/// always starts from the checkpoint in the target (<see cref="CheckpointReader"/>), never from these.
/// </summary>
internal static class GroupOffsets
{
    /// <summary>For each partition the target has acknowledged a record of, the source offset after it.</summary>
    public static List<TopicPartitionOffset> Of(IEnumerable<PartitionProgress> partitions) =>
        partitions.Where(p => p.LastAcked >= 0).Select(p => new TopicPartitionOffset(p.Source, p.LastAcked + 1)).ToList();

    public static void Commit(IConsumer<byte[], byte[]> consumer, IEnumerable<PartitionProgress> partitions, ILogger logger)
    {
        var offsets = Of(partitions);
        if (offsets.Count == 0)
        {
            return;
        }

        try
        {
            consumer.Commit(offsets);
        }
        catch (KafkaException e)
        {
            logger.LogDebug("Committing group offsets failed: {Reason}", e.Error.Reason);
        }
    }
}
