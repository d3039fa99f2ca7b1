using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Sidecar.Common.Consul;
using Sidecar.Common.Contracts;
using Sidecar.Node.Configuration;
using Sidecar.Node.Datasets;

namespace Sidecar.Node.Coordination;

/// <summary>
/// Registers the node as a Consul service (datacenter and every dataset's live version in its
/// metadata, and the port of the h2c listener for proxies when there is one) with a TTL check that is kept passing only while <c>/health/ready</c> would answer
/// healthy, and deregisters it on shutdown. Consul being away never stops the node: it keeps
/// serving and registers again when the agent answers.
/// </summary>
internal sealed class ConsulRegistration : BackgroundService
{
    private readonly NodeConsul _consul;
    private readonly HealthCheckService _health;
    private readonly IServer _server;
    private readonly NodeDatasets _datasets;
    private readonly ILogger<ConsulRegistration> _logger;
    private readonly int? _h2cPort;
    private string? _registeredVersion;
    private CheckStatus? _reported;
    private volatile bool _stopping;

    public ConsulRegistration(NodeConsul consul, HealthCheckService health, IServer server, NodeDatasets datasets, IOptions<ApiOptions> api, IHostApplicationLifetime lifetime, ILogger<ConsulRegistration> logger)
    {
        _h2cPort = H2cEndpoint.Parse(api.Value.H2cUrl)?.Port;
        _consul = consul;
        _health = health;
        _server = server;
        _datasets = datasets;
        _logger = logger;
        // Stopping fires before any hosted service (Kestrel included) stops: the node leaves every
        // proxy's view while it still answers the requests in flight.
        lifetime.ApplicationStopping.Register(() => DeregisterAsync().Wait(TimeSpan.FromSeconds(3)));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Reports three times per TTL, so one slow report does not turn the check critical.
        using var timer = new PeriodicTimer(_consul.Options.CheckTtl / 3);
        do
        {
            try
            {
                await ReportAsync(stoppingToken);
            }
            catch (Exception e) when (e is HttpRequestException or TimeoutException or ConsulException && !stoppingToken.IsCancellationRequested)
            {
                _logger.LogWarning("Consul registration failed, trying again: {Error}", e.Message);
                _registeredVersion = null;
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private async Task DeregisterAsync()
    {
        _stopping = true;
        if (_registeredVersion is null)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            await _consul.Client.Agent.DeregisterServiceAsync(_consul.ServiceId, timeout.Token);
            _logger.LogInformation("Deregistered {Service} from Consul", _consul.ServiceId);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or ConsulException or OperationCanceledException)
        {
            _logger.LogWarning("Could not deregister from Consul: {Error}", e.Message);
        }
    }

    private async Task ReportAsync(CancellationToken cancellationToken)
    {
        if (_stopping)
        {
            return;
        }

        var report = await _health.CheckHealthAsync(c => c.Tags.Contains("ready"), cancellationToken);
        var status = report.Status == HealthStatus.Healthy ? CheckStatus.Passing : CheckStatus.Critical;
        // Every dataset's live version, in one string: a swap of any of them registers again.
        var version = string.Join(",", _datasets.All.Select(d => $"{d.Name}={d.Store.LiveVersionId}"));
        if (_registeredVersion != version)
        {
            if (Endpoint() is not { } endpoint)
            {
                return; // Kestrel has not bound its addresses yet.
            }

            await _consul.Client.Agent.RegisterServiceAsync(Registration(endpoint, status), cancellationToken);
            _registeredVersion = version;
            _logger.LogInformation("Registered {Service} in Consul at {Address}:{Port}, versions {Versions}",
                _consul.ServiceId, endpoint.Host, endpoint.Port, version);
        }

        var output = string.Join("; ", report.Entries.Select(e => $"{e.Key}: {e.Value.Description}"));
        await _consul.Client.Agent.UpdateCheckAsync(_consul.ReadyCheckId, status, output, cancellationToken);
        if (_reported != status)
        {
            _logger.LogInformation("Consul readiness check is {Status}", status);
            _reported = status;
        }
    }

    private ServiceRegistration Registration(Uri endpoint, CheckStatus status) => new()
    {
        Id = _consul.ServiceId,
        Name = _consul.Options.ServiceName,
        Address = string.IsNullOrWhiteSpace(_consul.Options.ServiceAddress) ? endpoint.Host : _consul.Options.ServiceAddress,
        Port = endpoint.Port,
        Meta = Meta(),
        Checks =
        [
            new TtlCheck
            {
                Id = _consul.ReadyCheckId,
                Name = "sidecar ready",
                Ttl = _consul.Options.CheckTtl,
                // Re-registering (a new version in the metadata) must not flip a passing check
                // to critical: sessions bound to it would be invalidated and votes lost.
                Status = status,
                DeregisterCriticalServiceAfter = _consul.Options.DeregisterCriticalAfter,
            },
        ],
    };

    private Dictionary<string, string> Meta()
    {
        var meta = new Dictionary<string, string>
        {
            [ServiceMetaKeys.Datacenter] = _consul.Datacenter,
            [ServiceMetaKeys.Version] = _datasets.Default.Store.LiveVersionId,
            [ServiceMetaKeys.Node] = _consul.NodeId,
            [ServiceMetaKeys.RolloutDatacenter] = _consul.RolloutDatacenter,
        };
        foreach (var (dataset, _) in _datasets.Named)
        {
            meta[ServiceMetaKeys.DatasetVersion(dataset.Name)] = dataset.Store.LiveVersionId;
        }

        if (_h2cPort is { } port)
        {
            meta[ServiceMetaKeys.H2cPort] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return meta;
    }

    /// <summary>The first HTTP/1.1 address Kestrel bound (the h2c one is announced in the metadata).</summary>
    private Uri? Endpoint() =>
        (_server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
            .Select(a => new Uri(a.Replace("://+", "://127.0.0.1").Replace("://*", "://127.0.0.1").Replace("://[::]", "://127.0.0.1")))
            .FirstOrDefault(uri => uri.Port != _h2cPort);
}
