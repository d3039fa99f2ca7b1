using System.Net.Http.Json;
using System.Text.Json;
using Sidecar.Chaos.Tests.Topology;

namespace Sidecar.Chaos.Tests.Workload;

/// <summary>
/// An outside producer of clickstream events (hotel searches, bookings, page views no rule maps,
/// a few records that are not JSON) into both datacenters' source topics, through each Kafka
/// container's control API (see tools/Sidecar.KafkaMock: the brokers' advertised names do not
/// resolve on the host). Event times are drawn out of arrival order. Some records are produced
/// twice on purpose, the same bytes at two offsets, as a producer's retry does: they are two
/// events and each counts. Only records the brokers acknowledged enter the <see cref="Ledger"/>;
/// a produce of unknown outcome stops the stream with an error, since exact counts need known ones.
/// </summary>
internal sealed class ClickStream
{
    private static readonly string[] Cities = ["Goa", "Delhi", "Pune", "Jaipur", "Kochi", "Agra", "Shimla", "Udaipur"];
    private static readonly TimeSpan Round = TimeSpan.FromMilliseconds(100);

    private readonly Random _random;
    private readonly IReadOnlyList<Datacenter> _datacenters;
    private readonly Dictionary<string, HashSet<long>> _times = [];

    // Its own client: a produce may wait for a broker connection given up and made again (3 s,
    // see RecordProducer), longer than the services' 5 s client allows under load.
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public ClickStream(string prefix, IReadOnlyList<Datacenter> datacenters, int users = 16, int seed = 15)
    {
        _datacenters = datacenters;
        _random = new Random(seed);
        Users = Enumerable.Range(0, users).Select(i => $"{prefix}-c{i:D2}").ToList();
        Ledger = new ClickLedger(Users);
    }

    public IReadOnlyList<string> Users { get; }

    public ClickLedger Ledger { get; }

    /// <summary>Produces a round into each datacenter's two topics every 100 ms until
    /// <paramref name="stop"/>; one loop per datacenter, so that a slow side does not hold up the other.</summary>
    public Task RunAsync(CancellationToken stop) => Task.WhenAll(_datacenters.Select(dc => Task.Run(() => RunAsync(dc, stop))));

    private async Task RunAsync(Datacenter dc, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            foreach (var topic in ClickRules.Topics)
            {
                await ProduceAsync(dc, topic, Batch(4));
            }

            try
            {
                await Task.Delay(Round, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private List<Click> Batch(int events)
    {
        lock (_times)
        {
            return BatchLocked(events);
        }
    }

    private List<Click> BatchLocked(int events)
    {
        var batch = new List<Click>();
        for (var i = 0; i < events; i++)
        {
            var click = Next();
            batch.Add(click);
            if (_random.NextDouble() < 0.1)
            {
                batch.Add(click); // a producer retry: the same bytes once more
            }
        }

        if (_random.NextDouble() < 0.05)
        {
            batch.Add(new Click(null, ClickKind.Bad, "", "", 0, 0, "{ not json"));
        }

        return batch;
    }

    private Click Next()
    {
        var user = Users[_random.Next(Users.Count)];
        var times = _times.TryGetValue(user, out var t) ? t : _times[user] = [];
        long ts;
        do
        {
            // Up to 20 s in the past (never ahead: the node refuses times beyond its clock drift),
            // unique per user, so that "newest by event time" is one event.
            ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - _random.Next(0, 20_000);
        }
        while (!times.Add(ts));

        var hotel = $"h{_random.Next(30):D2}";
        var city = Cities[_random.Next(Cities.Length)];
        var roll = _random.NextDouble();
        var (kind, type) = roll < 0.6 ? (ClickKind.Search, "hotel_search") : roll < 0.85 ? (ClickKind.Booking, "booking") : (ClickKind.PageView, "page_view");
        var rooms = _random.Next(1, 5);
        var json = JsonSerializer.Serialize(new
        {
            type,
            user = new { id = user },
            hotel = new { id = hotel, city },
            rooms,
            ts,
        });
        return new Click(user, kind, hotel, city, rooms, ts, json);
    }

    private async Task ProduceAsync(Datacenter dc, string topic, List<Click> batch)
    {
        var records = batch.Select(c => new { key = c.User, value = c.Json }).ToList();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        HttpResponseMessage response;
        try
        {
            response = await _http.PostAsJsonAsync(new Uri(dc.Kafka.Http.BaseAddress!, $"/topics/{topic}/records"), records);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            throw new InvalidOperationException($"producing {batch.Count} records to {dc.Name} {topic}: outcome unknown after {clock.Elapsed.TotalSeconds:F1} s", e);
        }

        using var _ = response;
        Ledger.Slowest(dc.Name, clock.Elapsed);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"producing {batch.Count} records to {dc.Name} {topic}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        var positions = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (positions.GetArrayLength() != batch.Count)
        {
            throw new InvalidOperationException($"{dc.Name} {topic}: {batch.Count} records sent, {positions.GetArrayLength()} acknowledged");
        }

        Ledger.Add(dc.Name, batch);
    }
}

internal enum ClickKind
{
    Search,
    Booking,
    PageView,
    Bad,
}

/// <summary>One produced record: what the rules make of it is in <see cref="ClickLedger"/>.</summary>
internal sealed record Click(string? User, ClickKind Kind, string Hotel, string City, int Rooms, long Ts, string Json);
