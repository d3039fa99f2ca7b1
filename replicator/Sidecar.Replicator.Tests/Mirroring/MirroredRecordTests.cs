using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Time.Testing;
using Sidecar.Common.Kafka;
using Sidecar.Replicator.Mirroring;

namespace Sidecar.Replicator.Tests.Mirroring;

public sealed class MirroredRecordTests
{
    private static readonly PartitionProgress Progress =
        new("dc-a", new TopicPartition("updates", 2), new TopicPartition("dc-a.updates", 2), new FakeTimeProvider());

    [Fact]
    public void A_record_without_headers_gets_only_the_origin_header()
    {
        var record = Record(offset: 42, headers: null);

        var message = MirroredRecord.Create(record, Progress, "dc-a");

        Assert.Same(record.Message.Key, message.Key);
        Assert.Same(record.Message.Value, message.Value);
        Assert.Equal(new Timestamp(1_700_000_000_123, TimestampType.CreateTime), message.Timestamp);
        Assert.Equal(OriginHeaders.Name, Assert.Single(message.Headers).Key);
        Assert.Equal(new OriginPosition("dc-a", 2, 42), OriginHeaders.Read(message.Headers));
    }

    [Fact]
    public void The_source_headers_are_copied_and_the_origin_header_added()
    {
        var source = new Headers { { "trace", "t-1"u8.ToArray() } };

        var message = MirroredRecord.Create(Record(offset: 7, source), Progress, "dc-a");

        Assert.Equal(["trace", OriginHeaders.Name], message.Headers.Select(h => h.Key));
        Assert.Equal("t-1", Encoding.UTF8.GetString(message.Headers.GetLastBytes("trace")));
        Assert.Equal(new OriginPosition("dc-a", 2, 7), OriginHeaders.Read(message.Headers));
        Assert.Single(source); // the source record's headers are left as they were
    }

    private static ConsumeResult<byte[], byte[]> Record(long offset, Headers? headers) => new()
    {
        Topic = "updates",
        Partition = 2,
        Offset = offset,
        Message = new Message<byte[], byte[]>
        {
            Key = "user-1"u8.ToArray(),
            Value = [1, 2, 3],
            Headers = headers,
            Timestamp = new Timestamp(1_700_000_000_123, TimestampType.LogAppendTime),
        },
    };
}
