using System.Net;

namespace Sidecar.Common.Consul;

/// <summary><c>/v1/session</c>: create, renew, destroy, info, and a renew loop.</summary>
public sealed class SessionEndpoint
{
    private readonly ConsulHttp _http;

    internal SessionEndpoint(ConsulHttp http) => _http = http;

    /// <summary>Creates the session and returns its id. Not retried: a lost answer would leave a session behind.</summary>
    public async Task<string> CreateAsync(SessionRequest session, string? datacenter = null, CancellationToken cancellationToken = default)
    {
        session.Check();
        var body = new SessionCreateBody(
            session.Name,
            session.Node,
            session.Ttl is { } ttl ? ConsulDuration.Format(ttl) : null,
            session.Checks,
            ConsulDuration.Format(session.LockDelay),
            session.Behavior == SessionBehavior.Delete ? "delete" : "release");
        var request = new ConsulRequest(HttpMethod.Put, "v1/session/create") { Body = ConsulHttp.Json(body, ConsulJson.Default.SessionCreateBody) }.InDatacenter(datacenter);
        return (await _http.SendAsync(request, ConsulJson.Default.SessionCreated, cancellationToken)).Id;
    }

    /// <summary>Resets the session's TTL; false when the session no longer exists (its locks are gone).</summary>
    public async Task<bool> RenewAsync(string id, string? datacenter = null, CancellationToken cancellationToken = default)
    {
        var request = new ConsulRequest(HttpMethod.Put, "v1/session/renew/" + Uri.EscapeDataString(id)) { Idempotent = true, Accept = [HttpStatusCode.NotFound] }.InDatacenter(datacenter);
        var answer = await _http.SendAsync(request, cancellationToken);
        return answer.Found && answer.Read(ConsulJson.Default.ListSessionInfo).Count > 0;
    }

    /// <summary>Ends the session, releasing (or deleting, per its behavior) every key it holds.</summary>
    public async Task<bool> DestroyAsync(string id, string? datacenter = null, CancellationToken cancellationToken = default)
    {
        var request = new ConsulRequest(HttpMethod.Put, "v1/session/destroy/" + Uri.EscapeDataString(id)) { Idempotent = true }.InDatacenter(datacenter);
        return (await _http.SendAsync(request, cancellationToken)).ReadBool();
    }

    /// <summary>The session, or null when it does not exist.</summary>
    public async Task<ConsulResponse<SessionInfo?>> InfoAsync(string id, ConsulQuery? query = null, CancellationToken cancellationToken = default)
    {
        var request = new ConsulRequest(HttpMethod.Get, "v1/session/info/" + Uri.EscapeDataString(id)) { Idempotent = true }.WithQuery(query);
        var answer = await _http.SendAsync(request, cancellationToken);
        return new(answer.Body.Length == 0 ? null : answer.Read(ConsulJson.Default.ListSessionInfo).FirstOrDefault(), answer.Index);
    }

    /// <summary>Renews the session every <paramref name="interval"/> (half its TTL is usual) until it
    /// is lost (returns false) or the token is cancelled (throws). A failed renew is tried again at the next tick.</summary>
    public async Task<bool> KeepAliveAsync(string id, TimeSpan interval, string? datacenter = null, CancellationToken cancellationToken = default)
    {
        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            try
            {
                if (!await RenewAsync(id, datacenter, cancellationToken))
                {
                    return false;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TimeoutException or ConsulException { IsTransient: true })
            {
                // The TTL leaves room for a few missed renewals; Consul invalidates it if they all fail.
            }
        }

        return false;
    }
}
