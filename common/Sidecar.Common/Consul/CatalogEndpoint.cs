namespace Sidecar.Common.Consul;

/// <summary><c>/v1/catalog</c>: what the cluster knows beyond one agent.</summary>
public sealed class CatalogEndpoint
{
    private readonly ConsulHttp _http;

    internal CatalogEndpoint(ConsulHttp http) => _http = http;

    /// <summary>Every datacenter this one is WAN-joined with, itself included.</summary>
    public async Task<IReadOnlyList<string>> DatacentersAsync(CancellationToken cancellationToken = default) =>
        await _http.SendAsync(new ConsulRequest(HttpMethod.Get, "v1/catalog/datacenters") { Idempotent = true, PerDatacenter = false }, ConsulJson.Default.ListString, cancellationToken);
}
