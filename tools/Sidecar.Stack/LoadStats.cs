using System.Globalization;

namespace Sidecar.Stack;

/// <summary>What the demo load did: counts, errors and a window of latencies for the percentiles.</summary>
internal sealed class LoadStats
{
    private readonly Lock _lock = new();
    private readonly Queue<double> _recentMs = new();

    public long Writes { get; private set; }

    public long Reads { get; private set; }

    public long WriteErrors { get; private set; }

    public long ReadErrors { get; private set; }

    /// <summary>Clickstream events Kafka acknowledged, and those it refused or that timed out.</summary>
    public long Events => Interlocked.Read(ref _events);

    public long EventErrors => Interlocked.Read(ref _eventErrors);

    public long Errors => WriteErrors + ReadErrors + EventErrors;

    private long _events;
    private long _eventErrors;

    public volatile bool Stopping;

    public void Record(bool write, bool ok, TimeSpan elapsed)
    {
        lock (_lock)
        {
            switch (write, ok)
            {
                case (true, true): Writes++; break;
                case (true, false): WriteErrors++; break;
                case (false, true): Reads++; break;
                default: ReadErrors++; break;
            }

            _recentMs.Enqueue(elapsed.TotalMilliseconds);
            if (_recentMs.Count > 2000)
            {
                _recentMs.Dequeue();
            }
        }
    }

    /// <summary>Called from the Kafka client's delivery reports (its own thread).</summary>
    public void RecordEvent(bool ok) => Interlocked.Increment(ref ok ? ref _events : ref _eventErrors);

    public string Line(TimeSpan elapsed)
    {
        double p50, p99;
        lock (_lock)
        {
            var sorted = _recentMs.Order().ToArray();
            p50 = sorted.Length == 0 ? 0 : sorted[sorted.Length / 2];
            p99 = sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * 0.99))];
        }

        var seconds = Math.Max(elapsed.TotalSeconds, 0.001);
        return string.Create(CultureInfo.InvariantCulture,
            $"{elapsed.TotalSeconds,5:F0} s  searches {Writes,7}  reads {Reads,7}  events {Events,7}  errors {Errors,4}  {(Writes + Reads) / seconds,6:F0} req/s  p50 {p50,6:F1} ms  p99 {p99,6:F1} ms");
    }
}
