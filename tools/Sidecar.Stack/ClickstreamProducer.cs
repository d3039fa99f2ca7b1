using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Sidecar.Common.Kafka;

namespace Sidecar.Stack;

/// <summary>
/// The clickstream half of <c>load</c>: its own Kafka producer per datacenter (as a team's site
/// would have; none of the node's code), events keyed by user into that user's datacenter's
/// clicks.b2c or clicks.b2b at a steady rate. Stops when told or after <c>rate x duration</c>
/// events, whichever is first; what Kafka acknowledged or refused is counted in the stats.
/// </summary>
internal sealed class ClickstreamProducer : IDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(10);

    private readonly IProducer<byte[], byte[]>[] _producers;
    private readonly LoadStats _stats;

    /// <param name="bootstrap">Bootstrap servers per datacenter, in the order users are spread over them.</param>
    public ClickstreamProducer(IReadOnlyList<string> bootstrap, LoadStats stats)
    {
        NativeKafka.EnsureLoaded();
        _stats = stats;
        _producers = bootstrap.Select(b => new ProducerBuilder<byte[], byte[]>(new ProducerConfig
        {
            BootstrapServers = b,
            Acks = Acks.All,
            EnableIdempotence = true,
            LingerMs = 5,
            MessageTimeoutMs = 10_000,
        }).Build()).ToArray();
    }

    /// <summary>Produces <paramref name="rate"/> events a second for users 0..<paramref name="users"/>-1; user u goes to datacenter u mod count.</summary>
    public async Task RunAsync(int users, int rate, TimeSpan duration, Stopwatch clock, CancellationToken ct)
    {
        var random = new Random(7);
        var max = (long)Math.Ceiling(rate * duration.TotalSeconds);
        long produced = 0;
        using var timer = new PeriodicTimer(Tick);
        try
        {
            while (produced < max && await timer.WaitForNextTickAsync(ct))
            {
                var due = Math.Min(max, (long)(clock.Elapsed.TotalSeconds * rate));
                // At most one second's worth per tick: a stalled machine catches up, it does not burst unboundedly.
                for (var n = 0; produced < due && n < rate; n++, produced++)
                {
                    var user = random.Next(users);
                    Produce(user, random);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Told to stop: what is produced gets flushed below.
        }

        foreach (var producer in _producers)
        {
            producer.Flush(FlushTimeout);
        }
    }

    private void Produce(int user, Random random)
    {
        var id = $"user-{user:D5}";
        var producer = _producers[user % _producers.Length];
        var message = new Message<byte[], byte[]>
        {
            Key = Encoding.UTF8.GetBytes(id),
            Value = ClickstreamEvents.Next(id, random, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()),
        };
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                producer.Produce(ClickstreamEvents.TopicOf(user), message, report => _stats.RecordEvent(!report.Error.IsError));
                return;
            }
            catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull && attempt < 100)
            {
                // The client's queue is full (Kafka is slow): wait for acknowledgements, a bounded number of times.
                producer.Poll(TimeSpan.FromMilliseconds(10));
            }
            catch (ProduceException<byte[], byte[]>)
            {
                _stats.RecordEvent(false);
                return;
            }
        }
    }

    public void Dispose()
    {
        foreach (var producer in _producers)
        {
            producer.Dispose();
        }
    }
}
