using System.Collections.Concurrent;
using System.Diagnostics;
using Sidecar.Testing;

namespace Sidecar.Proxy.Tests.Integration;

/// <summary>
/// GETs in a loop through one or more proxies, from a few concurrent workers, for a fixed set
/// of users; counts answers by status and keeps every answer's serving node, so a test can
/// check "zero 5xx" and where each user was served after a fault.
/// </summary>
internal sealed class LoadLoop : IAsyncDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(20) };
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _workers;
    private readonly ConcurrentQueue<string> _failures = new();
    private long _requests;
    private long _serverErrors;
    private long _transportErrors;

    public LoadLoop(IReadOnlyList<ProxyProcess> proxies, IReadOnlyList<string> users, int workers = 6, string method = "GET")
    {
        Clock = Stopwatch.StartNew();
        _workers = Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            var i = w;
            while (!_stop.IsCancellationRequested)
            {
                var proxy = i % proxies.Count;
                var user = users[(i / proxies.Count) % users.Count];
                i += workers;
                await OnceAsync(proxies[proxy], proxy, user, method);
            }
        })).ToArray();
    }

    public Stopwatch Clock { get; }

    /// <summary>
    /// Every answer: when its request was sent and when the answer was in (ms since start: a
    /// request sent after the proxy published a change is routed by it, one answered before the
    /// next change was made was routed before it), through which proxy, for which user, which
    /// node served, status.
    /// </summary>
    public ConcurrentQueue<(long SentMs, long DoneMs, int Proxy, string User, string Node, string Datacenter, int Status)> Answers { get; } = new();

    public long Requests => Interlocked.Read(ref _requests);

    public long ServerErrors => Interlocked.Read(ref _serverErrors);

    public long TransportErrors => Interlocked.Read(ref _transportErrors);

    public string Failures => string.Join("\n", _failures.Take(20));

    /// <summary>Waits until at least <paramref name="more"/> further answers arrived (so a phase of a test really ran under load).</summary>
    public async Task RunForAsync(TimeSpan atLeast, long more = 200)
    {
        var target = Requests + more;
        var until = Clock.Elapsed + atLeast;
        while (Clock.Elapsed < until || Requests < target)
        {
            if (Clock.Elapsed > until + TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"load loop stalled at {Requests} requests");
            }

            await Task.Delay(50);
        }
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
    }

    public void AssertNoErrors()
    {
        Assert.True(Requests > 0, "no request ran");
        Assert.True(ServerErrors == 0 && TransportErrors == 0,
            $"{ServerErrors} 5xx and {TransportErrors} transport errors of {Requests} requests:\n{Failures}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        _http.Dispose();
        _stop.Dispose();
    }

    private async Task OnceAsync(ProxyProcess proxy, int index, string user, string method)
    {
        var sent = Clock.ElapsedMilliseconds;
        try
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), $"{proxy.Url}/v1/users/{user}");
            using var response = await _http.SendAsync(request, _stop.Token);
            await response.Content.ReadAsByteArrayAsync(_stop.Token);
            Interlocked.Increment(ref _requests);
            var status = (int)response.StatusCode;
            var node = response.Headers.TryGetValues("X-Sidecar-Node", out var n) ? n.First() : "";
            var dc = response.Headers.TryGetValues("X-Sidecar-Datacenter", out var d) ? d.First() : "";
            Answers.Enqueue((sent, Clock.ElapsedMilliseconds, index, user, node, dc, status));
            if (status >= 500)
            {
                Interlocked.Increment(ref _serverErrors);
                _failures.Enqueue($"{Clock.ElapsedMilliseconds} ms proxy {index} user {user}: {status} from '{node}'");
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopped.
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Interlocked.Increment(ref _requests);
            Interlocked.Increment(ref _transportErrors);
            _failures.Enqueue($"{Clock.ElapsedMilliseconds} ms proxy {index} user {user}: {e.GetType().Name}: {e.Message}");
        }
    }
}
