namespace Sidecar.Common.Consul;

/// <summary>
/// A typed client over Consul's HTTP API (no NuGet client exists): KV with CAS and session locks,
/// sessions, transactions, agent services and TTL checks, health, status, catalog datacenters, and blocking watches.
/// Thread-safe; one per agent address. Reads and idempotent calls are retried with backoff;
/// CAS and lock writes and transactions never are.
/// </summary>
public sealed class ConsulClient : IDisposable
{
    private readonly ConsulHttp _http;

    /// <param name="options">Validated here; a bad option throws.</param>
    /// <param name="http">A client to send with (its timeout should be infinite: each call has its
    /// own); null: one of its own, disposed with this client.</param>
    public ConsulClient(ConsulClientOptions options, HttpClient? http = null)
    {
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("invalid Consul options: " + string.Join("; ", problems), nameof(options));
        }

        _http = new ConsulHttp(options, http);
        Kv = new KvEndpoint(_http);
        Sessions = new SessionEndpoint(_http);
        Txn = new TxnEndpoint(_http);
        Agent = new AgentEndpoint(_http);
        Health = new HealthEndpoint(_http);
        Status = new StatusEndpoint(_http);
        Catalog = new CatalogEndpoint(_http);
    }

    public ConsulClientOptions Options => _http.Options;

    public KvEndpoint Kv { get; }

    public SessionEndpoint Sessions { get; }

    public TxnEndpoint Txn { get; }

    public AgentEndpoint Agent { get; }

    public HealthEndpoint Health { get; }

    public StatusEndpoint Status { get; }

    public CatalogEndpoint Catalog { get; }

    public void Dispose() => _http.Dispose();
}
