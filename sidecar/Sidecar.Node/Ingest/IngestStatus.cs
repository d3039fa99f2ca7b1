namespace Sidecar.Node.Ingest;

/// <summary>What readiness needs to know about ingest.</summary>
internal sealed class IngestStatus
{
    private volatile bool _caughtUp;

    /// <summary>True once topics were discovered and the lag measured within the configured bound.</summary>
    public bool CaughtUp { get => _caughtUp; set => _caughtUp = value; }

    public long Lag { get; set; } = -1;

    public int AssignedPartitions { get; set; }

    public string? LastError { get; set; }
}
