namespace Sidecar.Proxy.Health;

/// <summary>
/// Whether a node takes requests. Passive detection takes it out on its first connection
/// failure; only a passing active check puts it back, so a dead node costs at most one failed
/// attempt per proxy (retried elsewhere) rather than one per request.
/// </summary>
public sealed class NodeHealth
{
    private readonly TimeProvider _time;
    private volatile bool _down;
    private volatile string _reason = "not checked yet";

    /// <param name="time">The clock of <see cref="Since"/>; the system's by default.</param>
    public NodeHealth(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        Since = _time.GetUtcNow();
    }

    public bool IsAvailable => !_down;

    public string Reason => _reason;

    public DateTimeOffset Since { get; private set; }

    /// <summary>Takes the node out; true if it was in.</summary>
    public bool MarkDown(string reason)
    {
        _reason = reason;
        if (_down)
        {
            return false;
        }

        Since = _time.GetUtcNow();
        _down = true;
        return true;
    }

    /// <summary>
    /// An active check failed: the node goes out after <paramref name="fall"/> failures in a row
    /// (one slow answer on a busy host must not move users); true if this took it out.
    /// </summary>
    public bool ActiveCheckFailed(string reason, int fall) =>
        Interlocked.Increment(ref _activeFailures) >= fall && MarkDown(reason);

    /// <summary>An active check passed: puts the node back; true if it was out.</summary>
    public bool ActiveCheckPassed()
    {
        Interlocked.Exchange(ref _activeFailures, 0);
        return MarkUp("active check passed");
    }

    private int _activeFailures;

    /// <summary>Puts the node back; true if it was out.</summary>
    public bool MarkUp(string reason)
    {
        _reason = reason;
        if (!_down)
        {
            return false;
        }

        Since = _time.GetUtcNow();
        _down = false;
        return true;
    }
}
