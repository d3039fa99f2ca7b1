namespace Sidecar.Replicator.Mirroring;

/// <summary>
/// Something the mirror loop does every period (heartbeats, group commits). Times are the loop's
/// coarse clock (<see cref="Environment.TickCount64"/>, ms), which the loop reads once a turn.
/// </summary>
internal sealed class Periodic
{
    private readonly long _period;
    private long _next;

    /// <param name="period">Milliseconds from one time to the next.</param>
    /// <param name="first">When it is first due.</param>
    public Periodic(long period, long first)
    {
        _period = period;
        _next = first;
    }

    /// <summary>Whether it is due at <paramref name="now"/>; if so the next period starts now.</summary>
    public bool Due(long now)
    {
        if (now < _next)
        {
            return false;
        }

        _next = now + _period;
        return true;
    }
}
