using System.Collections.Concurrent;
using Confluent.Kafka;

namespace Sidecar.Replicator.Mirroring;

/// <summary>The partitions this instance mirrors now, shared with health checks and metrics.</summary>
internal sealed class MirrorState
{
    public ConcurrentDictionary<TopicPartition, PartitionProgress> Partitions { get; } = new();

    /// <summary>Source high watermarks, refreshed by the consume loop (for lag).</summary>
    public ConcurrentDictionary<TopicPartition, long> SourceHigh { get; } = new();

    public long LagRecords() =>
        Partitions.Values.Sum(p => SourceHigh.TryGetValue(p.Source, out var high) ? Math.Max(0, high - (p.LastAcked + 1)) : 0);

    public IEnumerable<PartitionProgress> Stopped => Partitions.Values.Where(p => p.Gap is not null);
}
