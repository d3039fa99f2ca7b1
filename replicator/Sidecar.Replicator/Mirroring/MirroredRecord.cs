using Confluent.Kafka;
using Sidecar.Common.Kafka;

namespace Sidecar.Replicator.Mirroring;

/// <summary>
/// The record written into the target for a source record: key, value, headers and the create
/// timestamp copied, plus the origin header (datacenter, topic, partition, offset).
/// </summary>
internal static class MirroredRecord
{
    public static Message<byte[], byte[]> Create(ConsumeResult<byte[], byte[]> record, PartitionProgress progress, string sourceDatacenter)
    {
        var offset = record.Offset.Value;
        var sourceHeaders = record.Message.Headers;
        Headers headers;
        if (sourceHeaders is null || sourceHeaders.Count == 0)
        {
            headers = progress.OriginOnly(offset);
        }
        else
        {
            headers = new Headers();
            foreach (var header in sourceHeaders)
            {
                headers.Add(header.Key, header.GetValueBytes());
            }

            OriginHeaders.Add(headers, sourceDatacenter, record.Topic, record.Partition.Value, offset);
        }

        return new Message<byte[], byte[]>
        {
            Key = record.Message.Key,
            Value = record.Message.Value,
            Headers = headers,
            Timestamp = new Timestamp(record.Message.Timestamp.UnixTimestampMs, TimestampType.CreateTime),
        };
    }
}
