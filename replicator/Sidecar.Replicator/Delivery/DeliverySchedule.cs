namespace Sidecar.Replicator.Delivery;

/// <summary>
/// When the mirror loop serves the target producer's delivery reports, which it does itself, on
/// its own thread (see <c>KafkaClients.TargetProducer</c>), and how long it may wait for a source
/// record meanwhile. Times are the loop's coarse clock (<see cref="Environment.TickCount64"/>, ms).
/// </summary>
internal sealed class DeliverySchedule
{
    // Delivery reports are served after this many records or milliseconds, and whenever the
    // source has none: often enough that the latency histogram hardly sees the wait.
    public const int RecordsPerPoll = 64;
    public const long MillisecondsPerPoll = 5;

    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(100);

    // While records await acknowledgement the loop must come back soon to serve their delivery
    // reports, which it does itself (see KafkaClients.TargetProducer).
    private static readonly TimeSpan InFlightPollTimeout = TimeSpan.FromMilliseconds(5);

    private int _sincePoll;
    private long _lastPoll;

    /// <summary>How long the loop may wait for a source record.</summary>
    /// <param name="inFlight">Records produced and not yet reported.</param>
    public static TimeSpan ConsumeTimeout(int inFlight) => inFlight > 0 ? InFlightPollTimeout : PollTimeout;

    /// <summary>Whether to serve the reports now; counts the record when there was one.</summary>
    /// <param name="consumed">Whether the source had a record.</param>
    /// <param name="now">The loop's clock, in ms.</param>
    public bool Due(bool consumed, long now) => !consumed || ++_sincePoll >= RecordsPerPoll || now - _lastPoll >= MillisecondsPerPoll;

    /// <summary>The reports were served (by the schedule or by waiting on a full queue) at <paramref name="now"/>.</summary>
    public void Served(long now)
    {
        _sincePoll = 0;
        _lastPoll = now;
    }
}
