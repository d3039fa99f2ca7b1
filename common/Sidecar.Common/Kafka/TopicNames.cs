using Sidecar.Common.Contracts;

namespace Sidecar.Common.Kafka;

/// <summary>
/// Naming of update topics: each datacenter writes its own updates to <c>updates</c>; the
/// replicator lands another datacenter's updates as <c>&lt;origin-dc&gt;.updates</c>.
/// </summary>
public static class TopicNames
{
    /// <summary>Name of the remote (mirrored) topic for an origin datacenter's local topic.</summary>
    public static string Remote(string originDc, string localTopic) => $"{originDc}.{localTopic}";

    /// <summary>
    /// Returns the origin datacenter when <paramref name="topic"/> is the mirror of
    /// <paramref name="localTopic"/> from another datacenter, else null.
    /// </summary>
    public static string? RemoteOrigin(string topic, string localTopic)
    {
        var suffix = "." + localTopic;
        if (!topic.EndsWith(suffix, StringComparison.Ordinal) || topic.Length == suffix.Length)
        {
            return null;
        }

        var origin = topic[..^suffix.Length];
        return DatacenterName.IsValid(origin) ? origin : null;
    }
}
