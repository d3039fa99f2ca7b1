namespace Sidecar.Node.Tests.Integration.Rules;

/// <summary>
/// What the rules of <see cref="RuleFiles.Clicks"/> must make of the events a test produced: per
/// user the number of searches, the sum of booked rooms, the newest searched hotels and the newest
/// city and booking. Event times are unique and increasing, so "newest" is one answer on every node.
/// </summary>
internal sealed class ClickModel
{
    public const int RecentMax = 20;

    private readonly object _gate = new();
    private readonly Dictionary<string, Expected> _users = new(StringComparer.Ordinal);

    // A minute in the past: never ahead of a node's clock, so no event is refused for drift.
    private readonly long _base = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 60_000;
    private long _sequence;

    /// <summary>The next event time (Unix ms): unique over the test, whichever datacenter the event goes to.</summary>
    public long NextTime() => _base + Interlocked.Increment(ref _sequence);

    public void Searched(string user, long ts, string hotel, string city)
    {
        lock (_gate)
        {
            var e = Get(user);
            e.Searches++;
            e.Recent.Add((ts, hotel));
            if (ts > e.CityAt)
            {
                (e.CityAt, e.LastCity) = (ts, city);
            }
        }
    }

    public void Booked(string user, long ts, string hotel, string city, int rooms)
    {
        lock (_gate)
        {
            var e = Get(user);
            e.Bookings += rooms;
            if (ts > e.BookingAt)
            {
                (e.BookingAt, e.LastBooking) = (ts, $"{hotel}@{city}");
            }
        }
    }

    public IReadOnlyList<string> Users
    {
        get
        {
            lock (_gate)
            {
                return [.. _users.Keys.Order(StringComparer.Ordinal)];
            }
        }
    }

    public Expected Of(string user)
    {
        lock (_gate)
        {
            return _users[user].Copy();
        }
    }

    private Expected Get(string user)
    {
        if (!_users.TryGetValue(user, out var e))
        {
            _users[user] = e = new Expected();
        }

        return e;
    }

    internal sealed class Expected
    {
        public long Searches;
        public long Bookings;
        public readonly List<(long Ts, string Hotel)> Recent = [];
        public long CityAt = long.MinValue;
        public string? LastCity;
        public long BookingAt = long.MinValue;
        public string? LastBooking;

        /// <summary>The list as the node keeps it: an item once, at its newest push; the newest
        /// <see cref="RecentMax"/> items, newest first.</summary>
        public IReadOnlyList<string> RecentNewestFirst =>
            [.. Recent.GroupBy(r => r.Hotel).Select(g => (Ts: g.Max(r => r.Ts), Hotel: g.Key)).OrderByDescending(r => r.Ts).Take(RecentMax).Select(r => r.Hotel)];

        public Expected Copy()
        {
            var copy = new Expected
            {
                Searches = Searches, Bookings = Bookings, CityAt = CityAt, LastCity = LastCity, BookingAt = BookingAt, LastBooking = LastBooking,
            };
            copy.Recent.AddRange(Recent);
            return copy;
        }
    }
}
