using Sidecar.Common.Kafka;

// Usage: Sidecar.KafkaMock [--brokers N] [--topic name:partitions ...] [--urls http://127.0.0.1:port]
// Prints "BOOTSTRAP <servers>" on stdout once the brokers listen, then serves until SIGTERM.
var brokers = 1;
var topics = new List<(string Name, int Partitions)>();
var rest = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--brokers" when i + 1 < args.Length:
            brokers = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
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

var builder = WebApplication.CreateSlimBuilder(rest.ToArray());
builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
// The control API's requests are the tests' business: only problems go to the log.
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
var app = builder.Build();

// Control API: what chaos and fault tests drive.
app.MapGet("/", () => Results.Text(cluster.BootstrapServers));
app.MapPost("/topics/{name}", (string name, int? partitions) =>
{
    cluster.CreateTopic(name, partitions ?? 8);
    return Results.NoContent();
});
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
Console.WriteLine($"BOOTSTRAP {cluster.BootstrapServers}");
Console.Out.Flush();
await app.WaitForShutdownAsync();
