using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Sidecar.Common.Consul;
using Sidecar.Node.Configuration;

namespace Sidecar.Node.Coordination;

/// <summary>
/// The Consul session that holds this node's votes and, when it coordinates, the leader key, in
/// the rollout keys' datacenter. Either way it ends when the node dies or stops being ready, and
/// Consul then releases every key it held: a dead voter's vote and a dead leader's lock disappear
/// by themselves.
/// <list type="bullet">
/// <item>Rollout keys in this node's datacenter: the session is bound to the node's readiness
/// check and the agent's serfHealth; the check goes critical within its TTL.</item>
/// <item>Rollout keys in another datacenter (a global rollout coordinated there): a session can
/// only be used in the KV of the datacenter it was created in, and there it cannot be bound to
/// this node's checks (they are in its own datacenter's catalog). So it is created there with
/// <c>?dc=</c>, on one of that datacenter's servers (a session needs a registered node), with
/// no checks and a TTL that this node renews while it is ready. It destroys the session when it
/// stops being ready or shuts down; a killed node's session ends within twice the TTL.</item>
/// </list>
/// </summary>
internal sealed class NodeSession : IDisposable
{
    private readonly NodeConsul _consul;
    private readonly HealthCheckService _health;
    private readonly TimeSpan _remoteTtl;
    private readonly ILogger<NodeSession> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private string? _id;

    public NodeSession(NodeConsul consul, HealthCheckService health, IOptions<RolloutOptions> options, IHostApplicationLifetime lifetime, ILogger<NodeSession> logger)
    {
        _consul = consul;
        _health = health;
        _remoteTtl = options.Value.RemoteSessionTtl;
        _logger = logger;
        if (consul.IsRemote)
        {
            // A graceful stop ends the remote session at once (a local one ends with the deregistration).
            lifetime.ApplicationStopping.Register(() => DestroyRemoteAsync().Wait(TimeSpan.FromSeconds(3)));
        }
    }

    /// <summary>The live session, created (again) when there is none.</summary>
    public async Task<string> GetAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_id is not null && (await _consul.Rollout.Sessions.InfoAsync(_id, cancellationToken: cancellationToken)).Value is not null)
            {
                return _id;
            }

            _id = _consul.IsRemote ? await CreateRemoteAsync(cancellationToken) : await CreateLocalAsync(cancellationToken);
            _logger.LogInformation("Consul session {Session} created in {Datacenter}", _id, _consul.RolloutDatacenter);
            return _id;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
        _gate.Dispose();
    }

    private Task<string> CreateLocalAsync(CancellationToken cancellationToken) =>
        _consul.Client.Sessions.CreateAsync(new SessionRequest
        {
            Name = $"sidecar {_consul.NodeId}",
            Checks = [SessionRequest.SerfHealth, _consul.ReadyCheckId],
            Behavior = SessionBehavior.Release,
        }, cancellationToken: cancellationToken);

    private async Task<string> CreateRemoteAsync(CancellationToken cancellationToken)
    {
        if (!await IsReadyAsync(cancellationToken))
        {
            // Like a local session, whose creation Consul refuses while the readiness check is critical.
            throw new NodeNotReadyException("this node is not ready: it holds no session and cannot vote or coordinate");
        }

        // Any node registered in that datacenter will do; its servers are always registered.
        var servers = (await _consul.Rollout.Health.ServiceAsync("consul", passingOnly: true, cancellationToken: cancellationToken)).Value;
        var anchor = servers.Select(s => s.Node.Name).Order(StringComparer.Ordinal).FirstOrDefault()
            ?? throw new NodeNotReadyException($"datacenter {_consul.RolloutDatacenter} lists no passing Consul server");
        var id = await _consul.Rollout.Sessions.CreateAsync(new SessionRequest
        {
            Name = $"sidecar {_consul.NodeId} ({_consul.Datacenter})",
            Node = anchor,
            Ttl = _remoteTtl,
            Checks = [],
            Behavior = SessionBehavior.Release,
        }, cancellationToken: cancellationToken);
        _ = Task.Run(() => KeepAsync(id), CancellationToken.None);
        return id;
    }

    /// <summary>Renews the remote session three times per TTL while this node is ready; destroys it as soon as it is not.</summary>
    private async Task KeepAsync(string id)
    {
        using var timer = new PeriodicTimer(_remoteTtl / 3);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                try
                {
                    if (!await IsReadyAsync(_stopping.Token))
                    {
                        _logger.LogWarning("Not ready: destroying the session {Session} in {Datacenter} (its votes and locks are released)", id, _consul.RolloutDatacenter);
                        await _consul.Rollout.Sessions.DestroyAsync(id, cancellationToken: _stopping.Token);
                        return;
                    }

                    if (!await _consul.Rollout.Sessions.RenewAsync(id, cancellationToken: _stopping.Token))
                    {
                        _logger.LogWarning("Session {Session} in {Datacenter} was lost", id, _consul.RolloutDatacenter);
                        return;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TimeoutException or ConsulException)
                {
                    // The TTL leaves room for a missed renewal; Consul ends the session if they all fail.
                    _logger.LogWarning("Renewing session {Session} failed: {Error}", id, e.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task DestroyRemoteAsync()
    {
        if (_id is not { } id)
        {
            return;
        }

        try
        {
            _stopping.Cancel();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            await _consul.Rollout.Sessions.DestroyAsync(id, cancellationToken: timeout.Token);
            _logger.LogInformation("Destroyed the session {Session} in {Datacenter}", id, _consul.RolloutDatacenter);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or ConsulException or OperationCanceledException)
        {
            _logger.LogWarning("Could not destroy the session {Session}: {Error}", id, e.Message);
        }
    }

    private async Task<bool> IsReadyAsync(CancellationToken cancellationToken) =>
        (await _health.CheckHealthAsync(c => c.Tags.Contains("ready"), cancellationToken)).Status == HealthStatus.Healthy;
}
