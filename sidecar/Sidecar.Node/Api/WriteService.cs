using Confluent.Kafka;
using Microsoft.Extensions.Options;
using Sidecar.Common.Envelope;
using Sidecar.Node.Configuration;
using Sidecar.Node.Ingest;
using Sidecar.Node.Kafka;
using Sidecar.Node.Metrics;

namespace Sidecar.Node.Api;

/// <summary>Produces a write and, when asked, waits until this node has applied it.</summary>
internal sealed class WriteService
{
    private readonly UpdateFactory _factory;
    private readonly UpdateProducer _producer;
    private readonly ApplyProgress _progress;
    private readonly NodeMetrics _metrics;
    private readonly TimeSpan _waitTimeout;

    public WriteService(UpdateFactory factory, UpdateProducer producer, ApplyProgress progress, NodeMetrics metrics, IOptions<ApiOptions> api)
    {
        _factory = factory;
        _producer = producer;
        _progress = progress;
        _metrics = metrics;
        _waitTimeout = api.Value.ApplyWaitTimeout;
    }

    public async Task<IResult> WriteAsync(string userId, IEnumerable<Op> ops, bool waitApplied, CancellationToken cancellationToken)
    {
        TopicPartitionOffset position;
        try
        {
            position = await _producer.ProduceAsync(_factory.Create(userId, ops), cancellationToken);
        }
        catch (ProduceException<byte[], byte[]> e)
        {
            return Problems.Unavailable("Kafka did not accept the write: " + e.Error.Reason);
        }

        _metrics.Produced.Add(1);
        var receipt = new WriteReceipt(userId, position.Topic, position.Partition.Value, position.Offset.Value, Applied: false);
        if (!waitApplied)
        {
            return Results.Json(receipt, NodeJsonContext.Default.WriteReceipt, statusCode: StatusCodes.Status202Accepted);
        }

        var applied = await _progress.WaitAppliedAsync(position.TopicPartition, position.Offset.Value, _waitTimeout, cancellationToken);
        return applied
            ? Results.Json(receipt with { Applied = true }, NodeJsonContext.Default.WriteReceipt)
            : Problems.NotAppliedInTime(receipt, _waitTimeout);
    }
}
