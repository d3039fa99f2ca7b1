namespace Sidecar.Node.Tests.Infrastructure;

/// <summary>A standalone Kafka (librdkafka's mock cluster) in its own process, so that it
/// outlives the nodes the tests kill.</summary>
internal sealed class KafkaMockProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private KafkaMockProcess(ChildProcess process, string bootstrap)
    {
        _process = process;
        BootstrapServers = bootstrap;
    }

    public string BootstrapServers { get; }

    public static async Task<KafkaMockProcess> StartAsync(params string[] topics)
    {
        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var args = new List<string> { "--brokers", "1", "--urls", $"http://127.0.0.1:{ChildProcess.FreePort()}" };
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
            return new KafkaMockProcess(process, await ready.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        }
        catch (TimeoutException)
        {
            await process.DisposeAsync();
            throw new InvalidOperationException("Kafka mock did not start:\n" + process.Output);
        }
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
