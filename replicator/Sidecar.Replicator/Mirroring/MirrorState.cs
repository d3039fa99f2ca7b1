using System.Collections.Concurrent;
using Confluent.Kafka;

namespace Sidecar.Replicator.Mirroring;

/// <summary>The partitions this instance mirrors now, shared with health checks and metrics.</summary>
internal sealed class MirrorState
{
    private long _records;
    private long _bytes;

    public ConcurrentDictionary<TopicPartition, PartitionProgress> Partitions { get; } = new();

    /// <summary>Source high watermarks, refreshed by the consume loop (for lag).</summary>
    public ConcurrentDictionary<TopicPartition, long> SourceHigh { get; } = new();

    public IEnumerable<PartitionProgress> Stopped => Partitions.Values.Where(p => p.Gap is not null);

    /// <summary>Records the target has acknowledged since start: a plain sum, observed by the
    /// metrics (an instrument call per record costs more than the sum).</summary>
    public long Records => Interlocked.Read(ref _records);

    /// <summary>Key and value bytes of those records.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    public long LagRecords() =>
        Partitions.Values.Sum(p => SourceHigh.TryGetValue(p.Source, out var high) ? Math.Max(0, high - (p.LastAcked + 1)) : 0);

    public void Mirrored(int bytes)
    {
        Interlocked.Increment(ref _records);
        Interlocked.Add(ref _bytes, bytes);
    }
}
