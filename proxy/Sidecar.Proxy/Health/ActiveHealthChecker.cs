using System.Net;
using Microsoft.Extensions.Options;
using Sidecar.Proxy.Configuration;
using Sidecar.Proxy.Membership;

namespace Sidecar.Proxy.Health;

/// <summary>
/// Polls every member's readiness endpoint (<c>/health/ready</c>) each interval, all nodes at
/// once, and right away when membership changes. A node is in while its check answers 2xx and
/// out after <see cref="ActiveHealthOptions.Fall"/> failures in a row; a pass is also the only way
/// back in after passive detection took a node out.
/// </summary>
internal sealed class ActiveHealthChecker : BackgroundService
{
    private readonly ActiveHealthOptions _options;
    private readonly MembershipStore _membership;
    private readonly ILogger<ActiveHealthChecker> _logger;
    private readonly HttpClient _http;
    private readonly SemaphoreSlim _wake = new(0, 1);

    public ActiveHealthChecker(IOptions<ProxyOptions> options, MembershipStore membership, ILogger<ActiveHealthChecker> logger)
    {
        _options = options.Value.ActiveHealth;
        _membership = membership;
        _logger = logger;
        _http = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            ConnectTimeout = _options.Timeout,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        })
        { Timeout = _options.Timeout };
        membership.Changed += _ => Wake();
    }

    /// <summary>Runs a round of checks now (also used when passive detection takes a node out, to shorten its absence).</summary>
    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // A round is already due.
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.WhenAll(_membership.Current.All.Select(node => CheckAsync(node, stoppingToken)));
            try
            {
                await _wake.WaitAsync(_options.Interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public override void Dispose()
    {
        _http.Dispose();
        _wake.Dispose();
        base.Dispose();
    }

    private async Task CheckAsync(Node node, CancellationToken stoppingToken)
    {
        string? failure;
        try
        {
            // Over the protocol requests use: an h2c listener answers nothing else.
            using var request = new HttpRequestMessage(HttpMethod.Get, node.Prefix + _options.Path)
            {
                Version = node.Http2 ? HttpVersion.Version20 : HttpVersion.Version11,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            };
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stoppingToken);
            failure = response.IsSuccessStatusCode ? null : $"active check: {(int)response.StatusCode}";
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            failure = e is TaskCanceledException ? $"active check: no answer in {_options.Timeout.TotalSeconds:0.###} s" : "active check: " + e.Message;
        }

        if (failure is null)
        {
            if (node.Health.ActiveCheckPassed())
            {
                _logger.LogInformation("Node {Node} is back in ({Address})", node, node.Address);
            }
        }
        else if (node.Health.ActiveCheckFailed(failure, _options.Fall))
        {
            _logger.LogWarning("Node {Node} taken out: {Reason}", node, failure);
        }
    }
}
