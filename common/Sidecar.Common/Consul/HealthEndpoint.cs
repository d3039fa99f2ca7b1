namespace Sidecar.Common.Consul;

/// <summary><c>/v1/health/service/:name</c>: the instances of a service, in any datacenter, and a watch on them.</summary>
public sealed class HealthEndpoint
{
    private readonly ConsulHttp _http;

    internal HealthEndpoint(ConsulHttp http) => _http = http;

    /// <summary>The instances of the service; with <paramref name="passingOnly"/>, only those whose every check passes.</summary>
    public async Task<ConsulResponse<IReadOnlyList<ServiceHealth>>> ServiceAsync(string name, bool passingOnly = true, ConsulQuery? query = null, CancellationToken cancellationToken = default)
    {
        var request = new ConsulRequest(HttpMethod.Get, "v1/health/service/" + Uri.EscapeDataString(name)) { Idempotent = true }.WithQuery(query);
        if (passingOnly)
        {
            request.With("passing");
        }

        var answer = await _http.SendAsync(request, cancellationToken);
        return new(answer.Read(ConsulJson.Default.ListServiceHealth), answer.Index);
    }

    /// <summary>The instances now and after each change.</summary>
    public IAsyncEnumerable<ConsulResponse<IReadOnlyList<ServiceHealth>>> WatchServiceAsync(string name, bool passingOnly = true, ConsulQuery? query = null, CancellationToken cancellationToken = default) =>
        new ConsulWatch<IReadOnlyList<ServiceHealth>>(_http.Options, query, (q, ct) => ServiceAsync(name, passingOnly, q, ct)).RunAsync(cancellationToken);
}
