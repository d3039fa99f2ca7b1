namespace Sidecar.Common.Consul;

/// <summary><c>/v1/status</c>: the Raft leader and peers of a datacenter.</summary>
public sealed class StatusEndpoint
{
    private readonly ConsulHttp _http;

    internal StatusEndpoint(ConsulHttp http) => _http = http;

    /// <summary>The leader's address, or empty while the datacenter has none.</summary>
    public Task<string> LeaderAsync(string? datacenter = null, CancellationToken cancellationToken = default) =>
        _http.SendAsync(new ConsulRequest(HttpMethod.Get, "v1/status/leader") { Idempotent = true }.InDatacenter(datacenter), ConsulJson.Default.String, cancellationToken);

    public async Task<IReadOnlyList<string>> PeersAsync(string? datacenter = null, CancellationToken cancellationToken = default) =>
        await _http.SendAsync(new ConsulRequest(HttpMethod.Get, "v1/status/peers") { Idempotent = true }.InDatacenter(datacenter), ConsulJson.Default.ListString, cancellationToken);
}
