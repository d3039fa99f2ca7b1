namespace Sidecar.Node.Rules;

/// <summary>
/// Per-rule totals since the node started and the rate of matches over the last
/// <see cref="RateWindow"/>, for the admin status (and through it sidecarctl and the dashboard).
/// Written by the rules loop, read by status requests.
/// </summary>
internal sealed class RuleCounts
{
    public static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(10);

    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private readonly Dictionary<string, Totals> _rules = new(StringComparer.Ordinal);
    private long _skipped;

    public RuleCounts(TimeProvider time) => _time = time;

    public long Skipped => Interlocked.Read(ref _skipped);

    public void Add(string rule, long matched, long ops, long deadLettered)
    {
        lock (_gate)
        {
            var totals = Get(rule);
            totals.Matched += matched;
            totals.Ops += ops;
            totals.DeadLettered += deadLettered;
        }
    }

    public void AddSkipped(long count) => Interlocked.Add(ref _skipped, count);

    /// <summary>Takes a sample of every rule's matches for the rate; the loop calls it about once a second.</summary>
    public void Sample()
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            foreach (var totals in _rules.Values)
            {
                totals.Samples.Enqueue((now, totals.Matched));
                while (totals.Samples.Count > 2 && now - totals.Samples.Peek().At > RateWindow)
                {
                    totals.Samples.Dequeue();
                }
            }
        }
    }

    public (long Matched, long Ops, long DeadLettered, double MatchedPerSecond) Of(string rule)
    {
        lock (_gate)
        {
            if (!_rules.TryGetValue(rule, out var totals))
            {
                return (0, 0, 0, 0);
            }

            return (totals.Matched, totals.Ops, totals.DeadLettered, Rate(totals.Samples));
        }
    }

    /// <summary>Matches per second between the oldest and newest sample kept; 0 with fewer than two.</summary>
    public static double Rate(IEnumerable<(DateTimeOffset At, long Matched)> samples)
    {
        var list = samples.ToList();
        if (list.Count < 2)
        {
            return 0;
        }

        var seconds = (list[^1].At - list[0].At).TotalSeconds;
        return seconds <= 0 ? 0 : Math.Max(0, list[^1].Matched - list[0].Matched) / seconds;
    }

    private Totals Get(string rule)
    {
        if (!_rules.TryGetValue(rule, out var totals))
        {
            _rules[rule] = totals = new Totals();
        }

        return totals;
    }

    private sealed class Totals
    {
        public long Matched;
        public long Ops;
        public long DeadLettered;
        public readonly Queue<(DateTimeOffset At, long Matched)> Samples = new();
    }
}
