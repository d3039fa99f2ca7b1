using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Sidecar.Testing;

namespace Sidecar.Stack;

/// <summary>
/// <c>load</c>: the demo workload. Users search hotels: each search pushes the hotel to the user's
/// bounded "recent" list, sets the last searched city and counts searches; between searches the
/// user's page reads the document back, and one search in four moves the user to a segment
/// (a field and a counter in the named dataset <c>segments</c>, a viewed hotel in <c>recent</c>, read back too). Each user lives in one datacenter (its requests go to
/// that datacenter's proxy). Besides, the users' clickstream (searches, bookings, page views as
/// JSON) goes straight into their datacenter's Kafka topics clicks.b2c / clicks.b2b, which the
/// nodes' ingest rules (compose/rules/clickstream.yaml) turn into updates. Each Kafka's bootstrap
/// is read from the file the running stack wrote in its data folder (<see cref="KafkaBootstrapFile"/>).
/// Bounded by count and by time; a progress line shows what it did.
/// </summary>
internal static class LoadCommand
{
    private static readonly string[] Cities = ["Goa", "Lisbon", "Kyoto", "Oslo", "Lima", "Cairo", "Hanoi", "Quito", "Porto", "Dakar"];

    private static readonly string[] Segments = ["explorer", "planner", "business", "family"];

    public static Command Create()
    {
        var proxies = new Option<string[]>("--proxy")
        {
            Description = "A proxy's URL; users are spread over the proxies given (default: both proxies of ./run.sh's stack)",
            AllowMultipleArgumentsPerToken = true,
            DefaultValueFactory = _ =>
            {
                var layout = new StackLayout(int.TryParse(Environment.GetEnvironmentVariable("SIDECAR_STACK_BASE_PORT"), out var p) ? p : StackLayout.DefaultBasePort, "", 0);
                return [layout.Proxy(0), layout.Proxy(1)];
            },
        };
        var users = new Option<int>("--users") { Description = "How many distinct users search", DefaultValueFactory = _ => 500 };
        var rate = new Option<int>("--rate") { Description = "Searches per second (each one write and one read)", DefaultValueFactory = _ => 100 };
        var duration = new Option<TimeSpan>("--duration") { Description = "Stop after this long (hh:mm:ss)", DefaultValueFactory = _ => TimeSpan.FromSeconds(60) };
        var count = new Option<int>("--count") { Description = "Stop after this many searches", DefaultValueFactory = _ => 100_000 };
        var eventRate = new Option<int>("--event-rate")
        {
            Description = "Clickstream events per second produced into the datacenters' clicks.b2c / clicks.b2b (0: none)",
            DefaultValueFactory = _ => 200,
        };
        var data = new Option<string>("--data")
        {
            Description = $"The running stack's data folder, where it wrote each datacenter's Kafka bootstrap ({KafkaBootstrapFile.Name}; default .data/stack in the repository)",
            DefaultValueFactory = _ => Path.Combine(Repo.Root, ".data", "stack"),
        };
        var command = new Command("load", "Drive a demo workload (users searching hotels: list pushes, field sets, counters, reads) through the proxies, and their clickstream events into Kafka")
        {
            proxies, users, rate, duration, count, eventRate, data,
        };
        command.SetAction((result, ct) => RunAsync(result.GetValue(proxies)!, result.GetValue(users), result.GetValue(rate), result.GetValue(duration), result.GetValue(count),
            result.GetValue(eventRate), result.GetValue(data)!, ct));
        return command;
    }

    private static async Task<int> RunAsync(string[] proxies, int users, int rate, TimeSpan duration, int count, int eventRate, string data, CancellationToken ct)
    {
        if (proxies.Length == 0 || users < 1 || rate is < 1 or > 20_000 || count < 1 || duration <= TimeSpan.Zero || duration > TimeSpan.FromHours(24) || eventRate is < 0 or > 100_000)
        {
            await Console.Error.WriteLineAsync("need at least one --proxy, --users >= 1, --rate 1-20000, --count >= 1, --event-rate 0-100000 and a --duration up to 24 h");
            return 2;
        }

        IReadOnlyList<string> kafka = [];
        if (eventRate > 0)
        {
            try
            {
                var bootstrap = KafkaBootstrapFile.Read(Path.GetFullPath(data));
                // In the stack's order, the order of the default proxies: users of dc-a's proxy produce into dc-a's Kafka.
                kafka = StackLayout.Datacenters.Select(dc => bootstrap.TryGetValue(dc, out var b) ? b : throw new ArgumentException($"{KafkaBootstrapFile.Name} names no Kafka for {dc}")).ToList();
            }
            catch (Exception e) when (e is ArgumentException or IOException or System.Text.Json.JsonException)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return 2;
            }
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(duration);
        var stats = new LoadStats();
        var clock = Stopwatch.StartNew();
        var workers = Math.Clamp(rate / 20, 2, 64);
        var perWorker = TimeSpan.FromSeconds(workers / (double)rate);
        var issued = 0;
        Console.WriteLine($"load: {users} users searching hotels through {string.Join(", ", proxies)}, {rate}/s for up to {duration} or {count} searches; one in four also moves the user's segment in the dataset {StackLayout.Segments}, one in two also adds the hotel to the user's views in {StackLayout.Recent} (30-day expiry)");
        if (kafka.Count > 0)
        {
            Console.WriteLine($"load: {eventRate} clickstream events/s into {string.Join(", ", StackLayout.SourceTopics)} of {string.Join(" and ", StackLayout.Datacenters.Zip(kafka, (dc, b) => $"{dc} ({b})"))}");
        }

        using var clicks = kafka.Count > 0 ? new ClickstreamProducer(kafka, stats) : null;
        var events = clicks?.RunAsync(users, eventRate, duration, clock, cts.Token) ?? Task.CompletedTask;
        var progress = ProgressAsync(stats, clock, duration, count, cts.Token);
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async w =>
        {
            var random = new Random(w);
            var next = clock.Elapsed;
            while (!cts.IsCancellationRequested && Interlocked.Increment(ref issued) <= count)
            {
                var user = random.Next(users);
                var proxy = proxies[user % proxies.Length];
                await SearchAsync(http, proxy, $"user-{user:D5}", random, stats, cts.Token);
                next += perWorker;
                var wait = next - clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    try
                    {
                        await Task.Delay(wait, cts.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }
            }
        }));
        await cts.CancelAsync();
        await events;
        await progress;
        Console.WriteLine();
        Console.WriteLine(stats.Line(clock.Elapsed));
        return stats.Errors == 0 ? 0 : 1;
    }

    private static async Task SearchAsync(HttpClient http, string proxy, string user, Random random, LoadStats stats, CancellationToken ct)
    {
        var hotel = $"hotel-{random.Next(5000):D4}";
        var city = Cities[random.Next(Cities.Length)];
        var body = $$"""{"ops":[{"op":"push","list":"recent","item":"{{hotel}}","max":20},{"op":"set","field":"last_city","value":"{{city}}"},{"op":"incr","counter":"searches","by":1}]}""";
        await TimedAsync(stats, true, () => http.PostAsync($"{proxy}/v1/users/{user}/updates", new StringContent(body, Encoding.UTF8, "application/json"), ct), ct);
        await TimedAsync(stats, false, () => http.GetAsync($"{proxy}/v1/users/{user}", ct), ct);
        if (random.Next(4) == 0)
        {
            var segment = $$"""{"ops":[{"op":"set","field":"segment","value":"{{Segments[random.Next(Segments.Length)]}}"},{"op":"incr","counter":"moves","by":1}]}""";
            var path = $"{proxy}/v1/datasets/{StackLayout.Segments}/users/{user}";
            await TimedAsync(stats, true, () => http.PostAsync($"{path}/updates", new StringContent(segment, Encoding.UTF8, "application/json"), ct), ct);
            await TimedAsync(stats, false, () => http.GetAsync(path, ct), ct);
        }

        if (random.Next(2) == 0)
        {
            var viewed = $$"""{"ops":[{"op":"push","list":"hotels","item":"{{hotel}}","max":10}]}""";
            var path = $"{proxy}/v1/datasets/{StackLayout.Recent}/users/{user}";
            await TimedAsync(stats, true, () => http.PostAsync($"{path}/updates", new StringContent(viewed, Encoding.UTF8, "application/json"), ct), ct);
            await TimedAsync(stats, false, () => http.GetAsync(path, ct), ct);
        }
    }

    private static async Task TimedAsync(LoadStats stats, bool write, Func<Task<HttpResponseMessage>> send, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await send();
            // A read of a user whose first write is not applied yet is a 404: expected, not an error.
            var ok = response.IsSuccessStatusCode || (!write && response.StatusCode == System.Net.HttpStatusCode.NotFound);
            stats.Record(write, ok, Stopwatch.GetElapsedTime(started));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            // Cut off by the load's own end (its duration or count): not a failure of the system. The
            // token, not only the progress loop's flag: a worker can see the cancellation first.
            if (e is TaskCanceledException && (ct.IsCancellationRequested || stats.Stopping))
            {
                return;
            }

            stats.Record(write, false, Stopwatch.GetElapsedTime(started));
        }
    }

    private static async Task ProgressAsync(LoadStats stats, Stopwatch clock, TimeSpan duration, int count, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                var done = Math.Max(clock.Elapsed / duration, (stats.Writes + stats.WriteErrors) / (double)count);
                Console.Write("\r" + Bar(done) + " " + stats.Line(clock.Elapsed) + "   ");
            }
        }
        catch (OperationCanceledException)
        {
            stats.Stopping = true;
        }
    }

    private static string Bar(double fraction)
    {
        const int width = 20;
        var filled = (int)Math.Round(Math.Clamp(fraction, 0, 1) * width);
        return "[" + new string('#', filled) + new string('.', width - filled) + "] " + string.Create(CultureInfo.InvariantCulture, $"{Math.Clamp(fraction, 0, 1) * 100,3:F0}%");
    }
}
