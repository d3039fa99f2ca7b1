using Confluent.Kafka;
using Microsoft.Extensions.Options;
using Sidecar.Common.Envelope;
using Sidecar.Common.Kafka;
using Sidecar.Node.Apply;
using Sidecar.Node.Configuration;
using Sidecar.Node.Datasets;
using Sidecar.Node.Ingest;
using Sidecar.Node.Kafka;
using Sidecar.Node.Merge;
using Sidecar.Node.Metrics;
using Sidecar.Node.Storage;

namespace Sidecar.Node.Api;

/// <summary>
/// Produces a write and, when asked, waits until this node has applied it. A request whose id
/// this node has applied already is answered from the user's state, without a second record.
/// </summary>
internal sealed class WriteService
{
    private readonly UpdateFactory _factory;
    private readonly UpdateProducer _producer;
    private readonly ApplyProgress _progress;
    private readonly NodeMetrics _metrics;
    private readonly TimeSpan _waitTimeout;
    private readonly string _datacenter;

    public WriteService(
        UpdateFactory factory,
        UpdateProducer producer,
        ApplyProgress progress,
        NodeMetrics metrics,
        IOptions<ApiOptions> api,
        IOptions<NodeOptions> node)
    {
        _factory = factory;
        _producer = producer;
        _progress = progress;
        _metrics = metrics;
        _waitTimeout = api.Value.ApplyWaitTimeout;
        _datacenter = node.Value.Datacenter;
    }

    /// <param name="dataset">Where the write goes: produced to its topic, looked up in its store.</param>
    /// <param name="key">The client's idempotency key (validated), or null: the node makes one.</param>
    public async Task<IResult> WriteAsync(Dataset dataset, HttpContext http, string userId, string? key, IEnumerable<Op> ops, bool waitApplied, CancellationToken cancellationToken)
    {
        var requestId = RequestIds.Derive(userId, key ??= RequestIds.NewKey());
        http.Response.Headers[RequestIds.KeyHeader] = key;
        if (Applied(dataset, userId, requestId) is { } earlier)
        {
            // Like the first attempt's answer, which this node has applied: nothing is produced again.
            _metrics.Replayed.Add(1);
            http.Response.Headers[RequestIds.ReplayedHeader] = "true";
            return Results.Json(earlier, NodeJsonContext.Default.WriteReceipt,
                statusCode: waitApplied ? StatusCodes.Status200OK : StatusCodes.Status202Accepted);
        }

        TopicPartitionOffset position;
        try
        {
            position = await _producer.ProduceAsync(dataset.Topic, _factory.Create(userId, requestId, ops), cancellationToken);
        }
        catch (ProduceException<byte[], byte[]> e)
        {
            return Problems.Unavailable("Kafka did not accept the write: " + e.Error.Reason);
        }

        _metrics.Produced.Add(1);
        var receipt = new WriteReceipt(userId, position.Topic, position.Partition.Value, position.Offset.Value, Applied: false, _datacenter);
        if (!waitApplied)
        {
            return Results.Json(receipt, NodeJsonContext.Default.WriteReceipt, statusCode: StatusCodes.Status202Accepted);
        }

        var applied = await _progress.WaitAppliedAsync(position.TopicPartition, position.Offset.Value, _waitTimeout, cancellationToken);
        return applied
            ? Results.Json(receipt with { Applied = true }, NodeJsonContext.Default.WriteReceipt)
            : Problems.NotAppliedInTime(receipt, _waitTimeout);
    }

    /// <summary>Where the counted record of the request landed, when this node has applied it.</summary>
    private WriteReceipt? Applied(Dataset dataset, string userId, string requestId)
    {
        using var lease = dataset.Store.Acquire();
        if (UserStore.Read(lease.Version.Db, userId) is not { } state || RequestMemory.First(state, requestId) is not { } first)
        {
            return null;
        }

        var topic = first.Datacenter == _datacenter ? dataset.Topic : TopicNames.Remote(first.Datacenter, dataset.Topic);
        return new WriteReceipt(userId, topic, first.Partition, first.Offset, Applied: true, first.Datacenter);
    }
}
