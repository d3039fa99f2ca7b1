using Sidecar.Chaos.Tests.Topology;

namespace Sidecar.Chaos.Tests.Workload;

/// <summary>Reads users through a proxy in a loop and counts the answers by class: what a
/// datacenter's loss must never surface is a 5xx (or no answer) for an idempotent read.</summary>
internal sealed class ReadProbe
{
    private readonly Service _proxy;
    private readonly IReadOnlyList<string> _users;
    private int _ok;
    private int _notFound;
    private int _errors;
    private string _lastError = "";

    public ReadProbe(Service proxy, IReadOnlyList<string> users)
    {
        _proxy = proxy;
        _users = users;
    }

    public int Ok => _ok;

    public int NotFound => _notFound;

    /// <summary>5xx answers, timeouts and lost connections.</summary>
    public int Errors => _errors;

    public string LastError => _lastError;

    public async Task RunAsync(CancellationToken stop)
    {
        var i = 0;
        while (!stop.IsCancellationRequested)
        {
            var user = _users[i++ % _users.Count];
            try
            {
                using var response = await _proxy.Http.GetAsync($"/v1/users/{user}", CancellationToken.None);
                var status = (int)response.StatusCode;
                if (status == 404)
                {
                    Interlocked.Increment(ref _notFound);
                }
                else if (status is >= 200 and < 300)
                {
                    Interlocked.Increment(ref _ok);
                }
                else
                {
                    Interlocked.Increment(ref _errors);
                    _lastError = $"{status} {await response.Content.ReadAsStringAsync(CancellationToken.None)}";
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Interlocked.Increment(ref _errors);
                _lastError = e.Message;
            }
        }
    }

    public override string ToString() => $"{_ok} ok, {_notFound} not found, {_errors} errors{(_errors > 0 ? $" (last: {_lastError})" : "")}";
}
