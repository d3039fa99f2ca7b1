using System.Collections.Concurrent;
using System.Diagnostics;

namespace Sidecar.Bench;

/// <summary>
/// End-to-end latency of sampled records: each probe is a user no other record touches, started
/// the moment its record is handed to the producer; a task then GETs the user's field on the
/// reading node (every millisecond) until it is there. Latency = readable − produced.
/// </summary>
internal sealed class VisibilityProbes(HttpClient reader, string field)
{
    private static readonly TimeSpan GiveUp = TimeSpan.FromSeconds(30);
    private readonly ConcurrentBag<Task<double>> _probes = [];
    private int _timedOut;
    private long _measureFrom = long.MaxValue;

    /// <summary>Probes started before this are warm-up: awaited, not reported.</summary>
    public void MeasureFromNow() => Interlocked.Exchange(ref _measureFrom, Stopwatch.GetTimestamp());

    public void Start(string user)
    {
        var produced = Stopwatch.GetTimestamp();
        if (produced >= Interlocked.Read(ref _measureFrom))
        {
            _probes.Add(Task.Run(() => PollAsync(user, produced)));
        }
    }

    /// <summary>Probes not readable within 30 s (left out of the latencies: the pipeline did not keep up with the rate).</summary>
    public int TimedOut => Volatile.Read(ref _timedOut);

    /// <summary>Every measured probe's latency in milliseconds, once each is readable or given up.</summary>
    public async Task<List<double>> LatenciesAsync() => [.. (await Task.WhenAll(_probes)).Where(ms => !double.IsNaN(ms))];

    private async Task<double> PollAsync(string user, long produced)
    {
        while (true)
        {
            using (var read = await reader.GetAsync($"/v1/users/{user}/fields/{field}"))
            {
                if (read.IsSuccessStatusCode)
                {
                    return Stopwatch.GetElapsedTime(produced).TotalMilliseconds;
                }
            }

            if (Stopwatch.GetElapsedTime(produced) > GiveUp)
            {
                Interlocked.Increment(ref _timedOut);
                return double.NaN;
            }

            await Task.Delay(1);
        }
    }
}
