namespace Sidecar.Node.Coordination.Decisions;

/// <summary>
/// Bounded exponential backoff for the agent's Consul writes (votes, acknowledgements): each
/// failure doubles the wait, from <see cref="Initial"/> up to <see cref="Max"/>; a success resets
/// it. Bounded so that a participant whose Consul server comes back votes within a few seconds,
/// well inside <c>Rollout:VoteTimeout</c>. Thread-safe: the agent's loop and its preparation
/// (which writes its vote the moment it is ready) both write.
/// </summary>
internal sealed class WriteBackoff
{
    private readonly Lock _lock = new();

    public static readonly TimeSpan Initial = TimeSpan.FromMilliseconds(250);

    public static readonly TimeSpan Max = TimeSpan.FromSeconds(5);

    private TimeSpan _next = Initial;
    private DateTimeOffset _retryAt = DateTimeOffset.MinValue;

    /// <summary>No write is tried before this (MinValue: try now).</summary>
    public DateTimeOffset RetryAt
    {
        get
        {
            lock (_lock)
            {
                return _retryAt;
            }
        }
    }

    /// <summary>Records a failure at <paramref name="now"/> and returns the wait before the next try.</summary>
    public TimeSpan Failed(DateTimeOffset now)
    {
        lock (_lock)
        {
            var wait = _next;
            _retryAt = now + wait;
            _next = TimeSpan.FromTicks(Math.Min(_next.Ticks * 2, Max.Ticks));
            return wait;
        }
    }

    public void Succeeded()
    {
        lock (_lock)
        {
            _next = Initial;
            _retryAt = DateTimeOffset.MinValue;
        }
    }
}
