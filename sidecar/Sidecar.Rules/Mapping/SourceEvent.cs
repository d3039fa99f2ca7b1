namespace Sidecar.Rules.Mapping;

/// <summary>One record of a source topic, as the mapper needs it.</summary>
/// <param name="TimestampMs">The record's Kafka timestamp in Unix milliseconds, or null when it has none.</param>
public readonly record struct SourceEvent(string Topic, int Partition, long Offset, long? TimestampMs, ReadOnlyMemory<byte> Value)
{
    public override string ToString() => $"{Topic} [{Partition}] @{Offset}";
}
