using System.Text;
using Confluent.Kafka;
using Sidecar.Common.Kafka;

namespace Sidecar.Replicator.Checkpoints;

/// <summary>
/// Writes heartbeat records (<see cref="Heartbeats"/>) into the source partitions. A heartbeat is
/// mirrored like any record, so the checkpoint and the lag stay current when there is no
/// traffic; the nodes skip it.
/// </summary>
internal sealed class HeartbeatSender : IDisposable
{
    private static readonly byte[] Key = "__heartbeat"u8.ToArray();

    private readonly IProducer<byte[], byte[]> _producer;
    private readonly byte[] _instance;
    private readonly ILogger _logger;

    public HeartbeatSender(ProducerConfig source, string instanceId, ILogger logger)
    {
        _producer = new ProducerBuilder<byte[], byte[]>(source).SetLogHandler(KafkaLog.To<IProducer<byte[], byte[]>>(logger)).Build();
        _instance = Encoding.UTF8.GetBytes(instanceId);
        _logger = logger;
    }

    public void Send(TopicPartition source)
    {
        var headers = new Headers { { Heartbeats.Header, _instance } };
        _producer.Produce(source, new Message<byte[], byte[]> { Key = Key, Value = [], Headers = headers }, report =>
        {
            if (report.Error.IsError)
            {
                _logger.LogWarning("Heartbeat to {Partition} failed: {Reason}", source, report.Error.Reason);
            }
        });
    }

    public void Dispose() => _producer.Dispose();
}
