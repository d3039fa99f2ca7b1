namespace Sidecar.Proxy.Health;

/// <summary>
/// Whether a node takes requests. Passive detection takes it out on its first connection
/// failure; only a passing active check puts it back, so a dead node costs at most one failed
/// attempt per proxy (retried elsewhere) rather than one per request.
/// </summary>
public sealed class NodeHealth
{
    private volatile bool _down;
    private volatile string _reason = "not checked yet";

    public bool IsAvailable => !_down;

    public string Reason => _reason;

    public DateTimeOffset Since { get; private set; } = DateTimeOffset.UtcNow;

    /// <summary>Takes the node out; true if it was in.</summary>
    public bool MarkDown(string reason)
    {
        _reason = reason;
        if (_down)
        {
            return false;
        }

        Since = DateTimeOffset.UtcNow;
        _down = true;
        return true;
    }

    /// <summary>Puts the node back; true if it was out.</summary>
    public bool MarkUp(string reason)
    {
        _reason = reason;
        if (!_down)
        {
            return false;
        }

        Since = DateTimeOffset.UtcNow;
        _down = false;
        return true;
    }
}
