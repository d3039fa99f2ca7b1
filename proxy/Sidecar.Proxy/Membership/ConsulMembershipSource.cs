using System.Globalization;
using Microsoft.Extensions.Options;
using Sidecar.Common.Consul;
using Sidecar.Common.Contracts;
using Sidecar.Proxy.Configuration;

namespace Sidecar.Proxy.Membership;

/// <summary>
/// One blocking health watch per datacenter (<c>/v1/health/service/&lt;name&gt;?passing&amp;dc=&lt;dc&gt;</c>):
/// each answer replaces that datacenter's part of the membership. An instance that does not
/// validate (no address, a datacenter it should not be in) is left out with a log line rather
/// than refusing the whole answer: one bad registration must not freeze everyone else's.
/// While Consul is unreachable the watch retries (the client backs off) and the last known
/// membership stays in force.
/// </summary>
internal sealed class ConsulMembershipSource : BackgroundService
{
    private readonly ProxyOptions _options;
    private readonly MembershipStore _store;
    private readonly ILogger<ConsulMembershipSource> _logger;

    public ConsulMembershipSource(IOptions<ProxyOptions> options, MembershipStore store, ILogger<ConsulMembershipSource> logger)
    {
        _options = options.Value;
        _store = store;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var client = new ConsulClient(new ConsulClientOptions
        {
            Address = new Uri(_options.Consul.Address!),
            Token = _options.Consul.Token,
            BlockingWait = _options.Consul.BlockingWait,
        });
        await Task.WhenAll(_options.Datacenters.Select(dc => WatchAsync(client, dc, stoppingToken)));
    }

    private async Task WatchAsync(ConsulClient client, string datacenter, CancellationToken stoppingToken)
    {
        var known = _store.Datacenters.ToHashSet(StringComparer.Ordinal);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var answer in client.Health.WatchServiceAsync(_options.Consul.ServiceName, passingOnly: true, new ConsulQuery { Datacenter = datacenter }, stoppingToken))
                {
                    _store.Update("consul:" + datacenter, ToNodes(answer.Value, datacenter, known));
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is ConsulException or HttpRequestException or TimeoutException or System.Text.Json.JsonException)
            {
                // The watch retries transient failures itself; this is a refusal (403, 400) or garbage: say so, try again later.
                _logger.LogError("Consul watch of {Service} in {Datacenter} failed, keeping its last membership: {Reason}", _options.Consul.ServiceName, datacenter, e.Message);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>The node's h2c listener when it announces one and the proxy uses them, else its HTTP/1.1 address.</summary>
    private string Address(string host, HealthService service)
    {
        host = host.Contains(':') ? $"[{host}]" : host;
        return _options.Forwarder.UseH2c && service.Meta?.GetValueOrDefault(ServiceMetaKeys.H2cPort) is { } meta
            && int.TryParse(meta, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
            ? $"{Node.H2cScheme}{host}:{port}"
            : $"http://{host}:{service.Port}";
    }

    private List<NodeAddress> ToNodes(IReadOnlyList<ServiceHealth> instances, string datacenter, HashSet<string> known)
    {
        var nodes = new List<NodeAddress>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var instance in instances)
        {
            var service = instance.Service;
            var host = string.IsNullOrEmpty(service.Address) ? instance.Node.Address : service.Address;
            var dc = service.Meta?.GetValueOrDefault(ServiceMetaKeys.Datacenter) ?? datacenter;
            var node = new NodeAddress(service.Id, dc, host is null ? "" : Address(host, service));
            var error = dc != datacenter
                ? $"node '{service.Id}' registered in Consul datacenter '{datacenter}' says it is in '{dc}'"
                : MembershipRules.CheckOne(node, known) ?? (seen.Add(node.Id) ? null : $"node id '{node.Id}' appears twice");
            if (error is not null)
            {
                _logger.LogWarning("Consul instance left out of the membership: {Error}", error);
                continue;
            }

            nodes.Add(node);
        }

        return nodes;
    }
}
