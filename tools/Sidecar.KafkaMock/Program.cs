using Sidecar.Common.Kafka;
using Sidecar.KafkaMock;

// Usage: Sidecar.KafkaMock [--brokers N] [--topic name:partitions ...] [--urls http://127.0.0.1:port]
//                          [--advertise host [--port first]]
// POST /topics/{name}/records with [{"key": "u1", "value": "text"}, ...] produces them (acks=all) and
// answers [{"partition": 0, "offset": 12}, ...]: how a test outside the networks produces records.
// Prints "BOOTSTRAP <servers>" on stdout once the brokers listen, then serves until SIGTERM.
// --advertise (in a container): broker i is advertised as host:(first + i - 1) (first: 9092)
// and reached there through a relay on every interface; the bootstrap printed is then those.
var brokers = 1;
string? advertise = null;
var firstPort = 9092;
var topics = new List<(string Name, int Partitions)>();
var rest = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--brokers" when i + 1 < args.Length:
            brokers = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
            break;
        case "--advertise" when i + 1 < args.Length:
            advertise = args[++i];
            break;
        case "--port" when i + 1 < args.Length:
            firstPort = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
            break;
        case "--topic" when i + 1 < args.Length:
            var parts = args[++i].Split(':');
            topics.Add((parts[0], parts.Length > 1 ? int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : 8));
            break;
        default:
            rest.Add(args[i]);
            break;
    }
}

using var cluster = MockKafkaCluster.Start(brokers);
foreach (var (name, partitions) in topics)
{
    cluster.CreateTopic(name, partitions);
}

var relays = new List<BrokerRelay>();
var bootstrap = cluster.BootstrapServers;
if (advertise is not null)
{
    for (var id = 1; id <= brokers; id++)
    {
        cluster.Advertise(id, advertise, firstPort + id - 1);
        relays.Add(BrokerRelay.Start(firstPort + id - 1, cluster.ListenPort(id)));
    }

    bootstrap = string.Join(',', Enumerable.Range(firstPort, brokers).Select(port => $"{advertise}:{port}"));
}

using var records = new RecordProducer(bootstrap);
var builder = WebApplication.CreateSlimBuilder(rest.ToArray());
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, ControlJson.Default));
builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
// The control API's requests are the tests' business: only problems go to the log.
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
var app = builder.Build();

// Control API: what chaos and fault tests drive.
app.MapGet("/", () => Results.Text(bootstrap));
app.MapPost("/topics/{name}", (string name, int? partitions) =>
{
    cluster.CreateTopic(name, partitions ?? 8);
    return Results.NoContent();
});
// Records from outside (a test on the host cannot reach the advertised broker names): each
// is produced in order and acknowledged by the brokers before the answer, which lists where.
app.MapPost("/topics/{name}/records", async (string name, RecordToProduce[] body, CancellationToken cancellationToken) =>
    Results.Ok(await records.ProduceAsync(name, body, cancellationToken)));
app.MapPost("/brokers/{id:int}/{state}", (int id, string state) =>
{
    if (state is not ("up" or "down"))
    {
        return Results.Problem("state must be 'up' or 'down'", statusCode: StatusCodes.Status400BadRequest);
    }

    cluster.SetBrokerUp(id, state == "up");
    return Results.NoContent();
});

await app.StartAsync();
Console.WriteLine($"BOOTSTRAP {bootstrap}");
Console.Out.Flush();
await app.WaitForShutdownAsync();
foreach (var relay in relays)
{
    await relay.DisposeAsync();
}
