namespace Sidecar.Testing;

/// <summary>A standalone Kafka (librdkafka's mock cluster) in its own process, so that it
/// outlives the nodes the tests kill.</summary>
public sealed class KafkaMockProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private KafkaMockProcess(ChildProcess process, string bootstrap, string controlUrl)
    {
        _process = process;
        BootstrapServers = bootstrap;
        ControlUrl = controlUrl;
    }

    /// <summary>The host's process (its PID and output).</summary>
    public ChildProcess Process => _process;

    public string BootstrapServers { get; }

    /// <summary>The host's control API (topics, broker faults).</summary>
    public string ControlUrl { get; }

    /// <summary>Takes broker <paramref name="id"/> down (connections refused) or back up.</summary>
    public async Task SetBrokerAsync(int id, bool up)
    {
        using var response = await Http.PostAsync($"{ControlUrl}/brokers/{id}/{(up ? "up" : "down")}", null);
        response.EnsureSuccessStatusCode();
    }

    public async Task CreateTopicAsync(string name, int partitions)
    {
        using var response = await Http.PostAsync($"{ControlUrl}/topics/{Uri.EscapeDataString(name)}?partitions={partitions}", null);
        response.EnsureSuccessStatusCode();
    }

    public static async Task<KafkaMockProcess> StartAsync(params string[] topics)
    {
        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var controlUrl = $"http://127.0.0.1:{ChildProcess.FreePort()}";
        var args = new List<string> { "--brokers", "1", "--urls", controlUrl };
        foreach (var topic in topics)
        {
            args.Add("--topic");
            args.Add(topic);
        }

        var process = ChildProcess.StartDotnet("kafka", Repo.Program("tools/Sidecar.KafkaMock", "Sidecar.KafkaMock"), args, onLine: line =>
        {
            if (line.StartsWith("BOOTSTRAP ", StringComparison.Ordinal))
            {
                ready.TrySetResult(line["BOOTSTRAP ".Length..].Trim());
            }
        });
        try
        {
            return new KafkaMockProcess(process, await ready.Task.WaitAsync(Wait.StartTimeout), controlUrl);
        }
        catch (TimeoutException)
        {
            await process.DisposeAsync();
            throw new InvalidOperationException("Kafka mock did not start:\n" + process.Output);
        }
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
