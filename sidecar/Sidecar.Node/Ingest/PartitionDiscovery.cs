using Confluent.Kafka;
using Microsoft.Extensions.Options;
using Sidecar.Common.Kafka;
using Sidecar.Node.Apply;
using Sidecar.Node.Configuration;
using Sidecar.Node.Storage;

namespace Sidecar.Node.Ingest;

/// <summary>
/// Finds the partitions to consume: the local updates topic and every mirrored
/// <c>&lt;dc&gt;.updates</c> topic of another datacenter, as they appear. Each new partition is
/// assigned at the position the live version stored for it (from the beginning when it has none),
/// whatever any consumer group has committed.
/// </summary>
internal sealed class PartitionDiscovery
{
    private readonly VersionedStore _store;
    private readonly ApplyProgress _progress;
    private readonly IngestStatus _status;
    private readonly KafkaOptions _options;
    private readonly NodeOptions _node;
    private readonly ILogger<PartitionDiscovery> _logger;
    private readonly HashSet<TopicPartition> _assigned = [];

    public PartitionDiscovery(
        VersionedStore store,
        ApplyProgress progress,
        IngestStatus status,
        IOptions<KafkaOptions> options,
        IOptions<NodeOptions> node,
        ILogger<PartitionDiscovery> logger)
    {
        _store = store;
        _progress = progress;
        _status = status;
        _options = options.Value;
        _node = node.Value;
        _logger = logger;
    }

    /// <summary>The partitions assigned so far (only the ingest thread uses it).</summary>
    public IReadOnlyCollection<TopicPartition> Assigned => _assigned;

    /// <summary>The local updates topic, or a mirror of another datacenter's (never a mirror of this one's own).</summary>
    public static bool IsUpdatesTopic(string topic, string updatesTopic, string localDatacenter) =>
        topic == updatesTopic
        || (TopicNames.RemoteOrigin(topic, updatesTopic) is { } origin && origin != localDatacenter);

    private readonly HashSet<string> _layoutWarned = new(StringComparer.Ordinal);

    public void Discover(IAdminClient admin, IConsumer<byte[], byte[]> consumer)
    {
        Confluent.Kafka.Metadata metadata;
        try
        {
            metadata = admin.GetMetadata(TimeSpan.FromSeconds(5));
        }
        catch (KafkaException e)
        {
            _status.LastError = "metadata: " + e.Error.Reason;
            _logger.LogWarning("Topic discovery failed: {Reason}", e.Error.Reason);
            return;
        }

        var added = new List<TopicPartitionOffset>();
        using (var lease = _store.Acquire())
        {
            foreach (var topic in metadata.Topics)
            {
                if (topic.Error.IsError || !IsUpdatesTopic(topic.Topic, _options.UpdatesTopic, _node.Datacenter))
                {
                    continue;
                }

                var layout = lease.Version.Layout;
                if (layout.IsPartitioned && topic.Partitions.Count != layout.Partitions && _layoutWarned.Add(topic.Topic))
                {
                    // Still correct (every record is applied wherever it comes from), but the keys are
                    // not grouped by this topic's partitions: sidecar.ingest.misplaced counts the cost.
                    _logger.LogWarning("Topic {Topic} has {Count} partitions, version {Version} groups its keys by {Layout}: set the dataset's Partitions to the topic's count for the next version",
                        topic.Topic, topic.Partitions.Count, lease.Version.Id, layout.Name);
                }

                foreach (var partition in topic.Partitions)
                {
                    var tp = new TopicPartition(topic.Topic, partition.PartitionId);
                    if (_assigned.Add(tp))
                    {
                        var stored = UserStore.ReadInt64(lease.Version.Db, StoreKeys.ConsumePosition(tp.Topic, tp.Partition.Value));
                        added.Add(new TopicPartitionOffset(tp, stored is { } next ? new Offset(next) : Offset.Beginning));
                        _progress.Advance(tp, stored ?? 0);
                    }
                }
            }
        }

        if (added.Count > 0)
        {
            consumer.IncrementalAssign(added);
            _status.AssignedPartitions = _assigned.Count;
            _logger.LogInformation("Consuming {Partitions}", string.Join(", ", added.Select(a => $"{a.TopicPartition}@{a.Offset}")));
        }
    }
}
