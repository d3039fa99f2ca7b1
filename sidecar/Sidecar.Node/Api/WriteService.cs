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
    private readonly TimeSpan _waitTimeout;
    private readonly string _datacenter;

    public WriteService(
        UpdateFactory factory,
        UpdateProducer producer,
        IOptions<ApiOptions> api,
        IOptions<NodeOptions> node)
    {
        _factory = factory;
        _producer = producer;
        _waitTimeout = api.Value.ApplyWaitTimeout;
        _datacenter = node.Value.Datacenter;
    }

    /// <param name="dataset">Where the write goes: produced to its topic, looked up in its store, waited for in its progress.</param>
    /// <param name="key">The client's idempotency key (validated), or null: the node makes one.</param>
    public async Task<IResult> WriteAsync(Dataset dataset, HttpContext http, string userId, string? key, IEnumerable<Op> ops, bool waitApplied, CancellationToken cancellationToken)
    {
        http.Response.Headers[RequestIds.KeyHeader] = key ??= RequestIds.NewKey();
        var outcome = await SendAsync(dataset, userId, key, ops, waitApplied, cancellationToken);
        if (outcome.Replayed)
        {
            http.Response.Headers[RequestIds.ReplayedHeader] = "true";
        }

        return outcome.Problem ?? Results.Json(outcome.Receipt, NodeJsonContext.Default.WriteReceipt, statusCode: StatusOf(waitApplied));
    }

    /// <summary>The success status of a write: 200 once applied (<c>wait=applied</c>), else 202.</summary>
    public static int StatusOf(bool waitApplied) => waitApplied ? StatusCodes.Status200OK : StatusCodes.Status202Accepted;

    /// <summary>One write of a request (validated, with its key) to one dataset: produced unless this
    /// node has applied the request already, and waited for when asked.</summary>
    public async Task<WriteOutcome> SendAsync(Dataset dataset, string userId, string key, IEnumerable<Op> ops, bool waitApplied, CancellationToken cancellationToken)
    {
        var requestId = RequestIds.Derive(userId, key);
        if (Applied(dataset, userId, requestId) is { } earlier)
        {
            // Like the first attempt's answer, which this node has applied: nothing is produced again.
            dataset.Metrics.Replayed.Add(1);
            return new WriteOutcome(earlier, Replayed: true, Problem: null);
        }

        TopicPartitionOffset position;
        try
        {
            position = await _producer.ProduceAsync(dataset.Topic, _factory.Create(userId, requestId, ops), cancellationToken);
        }
        catch (ProduceException<byte[], byte[]> e)
        {
            return new WriteOutcome(null, false, Problems.Unavailable("Kafka did not accept the write: " + e.Error.Reason));
        }

        dataset.Metrics.Produced.Add(1);
        var receipt = new WriteReceipt(userId, position.Topic, position.Partition.Value, position.Offset.Value, Applied: false, _datacenter);
        if (!waitApplied)
        {
            return new WriteOutcome(receipt, false, null);
        }

        var applied = await dataset.Progress.WaitAppliedAsync(position.TopicPartition, position.Offset.Value, _waitTimeout, cancellationToken);
        return applied
            ? new WriteOutcome(receipt with { Applied = true }, false, null)
            : new WriteOutcome(receipt, false, Problems.NotAppliedInTime(receipt, _waitTimeout));
    }

    /// <summary>Where the counted record of the request landed, when this node has applied it.</summary>
    private WriteReceipt? Applied(Dataset dataset, string userId, string requestId)
    {
        using var lease = dataset.Store.Acquire();
        if (UserStore.Read(lease.Version, userId) is not { } state || RequestMemory.First(state, requestId) is not { } first)
        {
            return null;
        }

        var topic = first.Datacenter == _datacenter ? dataset.Topic : TopicNames.Remote(first.Datacenter, dataset.Topic);
        return new WriteReceipt(userId, topic, first.Partition, first.Offset, Applied: true, first.Datacenter);
    }
}

/// <summary>What one write to one dataset came to: its receipt when it was accepted (and, when
/// asked, applied), whether it was a replay of a request applied before, or else the problem.</summary>
internal sealed record WriteOutcome(WriteReceipt? Receipt, bool Replayed, IResult? Problem);
