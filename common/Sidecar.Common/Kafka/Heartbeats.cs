using Confluent.Kafka;

namespace Sidecar.Common.Kafka;

/// <summary>
/// Heartbeat records: the replicator writes one per source partition at an interval, into the
/// source topic itself, so that they travel the same path as data and replication lag can be
/// measured when there is no traffic. They carry no update; nodes skip them.
/// </summary>
public static class Heartbeats
{
    /// <summary>Header present (value: the writing replicator instance) on every heartbeat.</summary>
    public const string Header = "sc-heartbeat";

    public static bool IsHeartbeat(Headers? headers) => headers is not null && headers.TryGetLastBytes(Header, out _);
}
