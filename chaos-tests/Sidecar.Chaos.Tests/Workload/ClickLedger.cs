namespace Sidecar.Chaos.Tests.Workload;

/// <summary>
/// Every record the brokers acknowledged, folded into what each user's document must hold by the
/// rules (Topology/ClickRules.cs) and the merge rules: counters exactly the number of searches and
/// the sum of booked rooms (a record produced twice counts twice), the list the newest distinct
/// hotels by event time, and each field the value of the newest event by event time.
/// </summary>
internal sealed class ClickLedger
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Expected> _users;
    private readonly Dictionary<string, int> _perDatacenter = [];

    public ClickLedger(IEnumerable<string> users) => _users = users.ToDictionary(u => u, _ => new Expected());

    public int Produced { get; private set; }

    public int Duplicates { get; private set; }

    public int Skipped { get; private set; }

    public int Bad { get; private set; }

    private readonly Dictionary<string, TimeSpan> _slowest = [];

    /// <summary>Notes how long one produce took (the slowest per datacenter is reported).</summary>
    public void Slowest(string datacenter, TimeSpan took)
    {
        lock (_gate)
        {
            if (took > _slowest.GetValueOrDefault(datacenter))
            {
                _slowest[datacenter] = took;
            }
        }
    }

    public void Add(string datacenter, IReadOnlyList<Click> batch)
    {
        lock (_gate)
        {
            _perDatacenter[datacenter] = _perDatacenter.GetValueOrDefault(datacenter) + batch.Count;
            for (var i = 0; i < batch.Count; i++)
            {
                var click = batch[i];
                Produced++;
                if (i > 0 && ReferenceEquals(batch[i - 1], click))
                {
                    Duplicates++;
                }

                switch (click.Kind)
                {
                    case ClickKind.Search:
                        var search = _users[click.User!];
                        search.Searches++;
                        search.Hotels[click.Hotel] = Math.Max(search.Hotels.GetValueOrDefault(click.Hotel), click.Ts);
                        if (click.Ts > search.LastCityTs)
                        {
                            (search.LastCityTs, search.LastCity) = (click.Ts, click.City);
                        }

                        break;
                    case ClickKind.Booking:
                        var booking = _users[click.User!];
                        booking.Rooms += click.Rooms;
                        if (click.Ts > booking.LastBookingTs)
                        {
                            (booking.LastBookingTs, booking.LastBooking) = (click.Ts, $"{click.Hotel}@{click.City}");
                        }

                        break;
                    case ClickKind.PageView:
                        Skipped++;
                        break;
                    default:
                        Bad++;
                        break;
                }
            }
        }
    }

    /// <summary>Records acknowledged so far, per datacenter.</summary>
    public Dictionary<string, int> PerDatacenter()
    {
        lock (_gate)
        {
            return new Dictionary<string, int>(_perDatacenter);
        }
    }

    public Expected For(string user)
    {
        lock (_gate)
        {
            return _users[user].Copy();
        }
    }

    public override string ToString()
    {
        lock (_gate)
        {
            return $"{Produced} records acknowledged ({string.Join(", ", _perDatacenter.Select(d => $"{d.Key} {d.Value}"))}; " +
                $"{Duplicates} produced twice, {Skipped} no rule matches, {Bad} not JSON; slowest produce " +
                string.Join(", ", _slowest.Select(d => $"{d.Key} {d.Value.TotalMilliseconds:F0} ms")) + ")";
        }
    }

    /// <summary>One user's document as the rules must have made it.</summary>
    internal sealed class Expected
    {
        public long Searches { get; set; }

        public long Rooms { get; set; }

        /// <summary>Each searched hotel's newest event time.</summary>
        public Dictionary<string, long> Hotels { get; init; } = [];

        public long LastCityTs { get; set; }

        public string? LastCity { get; set; }

        public long LastBookingTs { get; set; }

        public string? LastBooking { get; set; }

        public IReadOnlyList<string> Recent(int max) =>
            [.. Hotels.OrderByDescending(h => h.Value).Take(max).Select(h => h.Key)];

        public Expected Copy() => new()
        {
            Searches = Searches,
            Rooms = Rooms,
            Hotels = new Dictionary<string, long>(Hotels),
            LastCityTs = LastCityTs,
            LastCity = LastCity,
            LastBookingTs = LastBookingTs,
            LastBooking = LastBooking,
        };
    }
}
