using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Sidecar.Node.Storage;
using Sidecar.Node.Versions;
using Sidecar.Testing;

namespace Sidecar.Node.Tests.Versions;

/// <summary>
/// A version's catch-up against a Kafka mock process (librdkafka's mock cluster), with records
/// produced by the test's own Confluent client: every record below the given positions reaches
/// the version, however many batches that takes.
/// </summary>
public sealed class CatchUpTests : IAsyncLifetime
{
    // Small, so that a catch-up of a few dozen records runs through many full batches.
    private const int MaxBatch = 4;

    private readonly TempDir _dir = new();
    private KafkaMockProcess _kafka = null!;
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _kafka = await KafkaMockProcess.StartAsync("updates:2");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Node:Id"] = "n1",
            ["Node:Datacenter"] = "dc-a",
            ["Node:DataRoot"] = _dir.Path,
            ["Kafka:BootstrapServers"] = _kafka.BootstrapServers,
            ["Kafka:MaxBatch"] = MaxBatch.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).Build();
        _services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration)
            .AddSidecarNode(configuration).BuildServiceProvider();
    }

    [Theory]
    [InlineData(3)] // less than one batch
    [InlineData(8)] // exactly two full batches in one partition
    [InlineData(23)] // many full batches and a partial one
    public async Task Every_record_below_the_positions_reaches_the_version_across_full_batches(int records)
    {
        var envelopes = new Envelopes("dc-a");
        var until = new Dictionary<TopicPartition, long>();
        using (var kafka = new TestKafka(_kafka.BootstrapServers))
        {
            for (var i = 0; i < records; i++)
            {
                var partition = i % 2;
                var result = await kafka.ProduceAsync("updates", envelopes.Create($"u{i}", Envelopes.Incr("n", 1)), new Partition(partition));
                until[result.TopicPartition] = result.Offset.Value + 1;
            }
        }

        var store = _services.GetRequiredService<VersionedStore>();
        var version = store.OpenVersion("v2");
        try
        {
            var applied = _services.GetRequiredService<CatchUp>().Run(version, until, CancellationToken.None);

            var missing = Enumerable.Range(0, records).Where(i => UserStore.Read(version, $"u{i}") is null).Select(i => $"u{i}").ToList();
            Assert.Empty(missing);
            Assert.Equal(records, applied);
            foreach (var (tp, end) in until)
            {
                Assert.Equal(end, UserStore.ReadInt64(version.Db, StoreKeys.ConsumePosition(tp.Topic, tp.Partition.Value)));
            }
        }
        finally
        {
            version.Release();
        }
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _kafka.DisposeAsync();
        _dir.Dispose();
    }
}
