using System.Text.Json.Nodes;

namespace Sidecar.Common.Consul;

/// <summary><c>/v1/agent</c> of the agent the client talks to: services, TTL checks, joins, self.
/// These calls set a state, so repeating one is safe and they are retried.</summary>
public sealed class AgentEndpoint
{
    private readonly ConsulHttp _http;

    internal AgentEndpoint(ConsulHttp http) => _http = http;

    /// <summary>Registers (or replaces) the service and its checks on this agent.</summary>
    public Task RegisterServiceAsync(ServiceRegistration service, CancellationToken cancellationToken = default) =>
        SendAsync("v1/agent/service/register", ConsulHttp.Json(service, ConsulJson.Default.ServiceRegistration), cancellationToken);

    public Task DeregisterServiceAsync(string serviceId, CancellationToken cancellationToken = default) =>
        SendAsync("v1/agent/service/deregister/" + Uri.EscapeDataString(serviceId), null, cancellationToken);

    /// <summary>Reports a TTL check's state (<c>/v1/agent/check/update/:id</c>), restarting its TTL.</summary>
    public Task UpdateCheckAsync(string checkId, CheckStatus status, string output = "", CancellationToken cancellationToken = default) =>
        SendAsync("v1/agent/check/update/" + Uri.EscapeDataString(checkId), ConsulHttp.Json(new CheckUpdate(status.ToConsul(), output), ConsulJson.Default.CheckUpdate), cancellationToken);

    public Task PassAsync(string checkId, string output = "", CancellationToken cancellationToken = default) =>
        UpdateCheckAsync(checkId, CheckStatus.Passing, output, cancellationToken);

    public Task WarnAsync(string checkId, string output = "", CancellationToken cancellationToken = default) =>
        UpdateCheckAsync(checkId, CheckStatus.Warning, output, cancellationToken);

    public Task FailAsync(string checkId, string output = "", CancellationToken cancellationToken = default) =>
        UpdateCheckAsync(checkId, CheckStatus.Critical, output, cancellationToken);

    /// <summary>Joins this agent to another (<paramref name="wan"/>: server to server across datacenters).</summary>
    public Task JoinAsync(string address, bool wan, CancellationToken cancellationToken = default)
    {
        var request = new ConsulRequest(HttpMethod.Put, "v1/agent/join/" + Uri.EscapeDataString(address)) { Idempotent = true, PerDatacenter = false };
        if (wan)
        {
            request.With("wan", "1");
        }

        return _http.SendAsync(request, cancellationToken);
    }

    /// <summary>This agent's node name and datacenter (from <c>/v1/agent/self</c>).</summary>
    public async Task<(string NodeName, string Datacenter)> SelfAsync(CancellationToken cancellationToken = default)
    {
        var answer = await _http.SendAsync(new ConsulRequest(HttpMethod.Get, "v1/agent/self") { Idempotent = true, PerDatacenter = false }, cancellationToken);
        var config = JsonNode.Parse(answer.Body)?["Config"];
        return ((string?)config?["NodeName"] ?? "", (string?)config?["Datacenter"] ?? "");
    }

    private Task SendAsync(string path, byte[]? body, CancellationToken cancellationToken) =>
        _http.SendAsync(new ConsulRequest(HttpMethod.Put, path) { Body = body, Idempotent = true, PerDatacenter = false }, cancellationToken);
}
