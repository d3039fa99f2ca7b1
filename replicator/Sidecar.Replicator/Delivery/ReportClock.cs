namespace Sidecar.Replicator.Delivery;

/// <summary>
/// The time of a batch of delivery reports, read from the <see cref="TimeProvider"/> at the
/// batch's first report rather than per record. Serving or flushing the producer starts a batch.
/// Only the mirror loop's thread uses it.
/// </summary>
internal sealed class ReportClock
{
    private readonly TimeProvider _time;
    private bool _stale = true;
    private long _timestamp;
    private long _unixMs;

    public ReportClock(TimeProvider time) => _time = time;

    /// <summary>The <see cref="TimeProvider.GetTimestamp"/> of the batch, as read by <see cref="Read"/>.</summary>
    public long Timestamp => _timestamp;

    /// <summary>A new batch of reports begins: the next <see cref="Read"/> reads the clock.</summary>
    public void Invalidate() => _stale = true;

    /// <summary>Reads the clock, once per batch.</summary>
    public void Read()
    {
        if (_stale)
        {
            _stale = false;
            _timestamp = _time.GetTimestamp();
            _unixMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        }
    }

    /// <summary>Seconds from a record's origin timestamp to the batch; 0 when the origin's clock is ahead.</summary>
    public double SecondsSince(long originUnixMs) => Math.Max(0, _unixMs - originUnixMs) / 1000.0;
}
