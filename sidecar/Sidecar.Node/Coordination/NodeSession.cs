using Sidecar.Common.Consul;

namespace Sidecar.Node.Coordination;

/// <summary>
/// The Consul session that holds this node's votes and, when it coordinates, the leader key. It
/// is bound to the node's readiness check (and the agent's serfHealth): when the node dies or
/// stops being ready the check goes critical within its TTL, Consul invalidates the session and
/// releases every key it held: a dead voter's vote and a dead leader's lock disappear by themselves.
/// </summary>
internal sealed class NodeSession
{
    private readonly NodeConsul _consul;
    private readonly ILogger<NodeSession> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _id;

    public NodeSession(NodeConsul consul, ILogger<NodeSession> logger)
    {
        _consul = consul;
        _logger = logger;
    }

    /// <summary>The live session, created (again) when there is none.</summary>
    public async Task<string> GetAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_id is not null && (await _consul.Client.Sessions.InfoAsync(_id, cancellationToken: cancellationToken)).Value is not null)
            {
                return _id;
            }

            _id = await _consul.Client.Sessions.CreateAsync(new SessionRequest
            {
                Name = $"sidecar {_consul.NodeId}",
                Checks = [SessionRequest.SerfHealth, _consul.ReadyCheckId],
                Behavior = SessionBehavior.Release,
            }, cancellationToken: cancellationToken);
            _logger.LogInformation("Consul session {Session} created", _id);
            return _id;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The current session id without checking it (null before the first one).</summary>
    public string? Current => _id;
}
