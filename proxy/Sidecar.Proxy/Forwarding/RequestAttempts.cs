using Sidecar.Proxy.Membership;

namespace Sidecar.Proxy.Forwarding;

/// <summary>The state of one request across its attempts: the user and the nodes already tried.</summary>
internal sealed class RequestAttempts(HttpContext context, ulong user, long startTimestamp, bool retriable)
{
    // Most requests make one attempt: the array exists only from the second on.
    private Node?[] _tried = new Node?[1];
    private int _count;

    public HttpContext Context { get; } = context;

    public ulong User { get; } = user;

    public long StartTimestamp { get; } = startTimestamp;

    /// <summary>Whether the request may be sent to another node at all (idempotent, body buffered).</summary>
    public bool Retriable { get; } = retriable;

    public ReadOnlySpan<Node?> Tried => _tried.AsSpan(0, _count);

    public void Add(Node node)
    {
        if (_count == _tried.Length)
        {
            Array.Resize(ref _tried, _count * 2);
        }

        _tried[_count++] = node;
    }
}
