using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Google.Protobuf;
using Sidecar.Common.Envelope;
using Sidecar.Testing;

namespace Sidecar.Bench;

/// <summary>
/// Produces update envelopes into a topic at a steady rate (as nodes would, key = user id)
/// until stopped: the background write load of a benchmark.
/// </summary>
internal sealed class Feeder : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _produced;
    private long _failed;

    private Feeder(string bootstrap, string topic, int perSecond, Func<long, Message<byte[], byte[]>> make, Partitioner? partitioner = null)
    {
        _loop = Task.Factory.StartNew(() => Run(bootstrap, topic, perSecond, make, partitioner), TaskCreationOptions.LongRunning);
    }

    public long Produced => Interlocked.Read(ref _produced);

    public long Failed => Interlocked.Read(ref _failed);

    /// <param name="partitioner">null: the client's default (crc32); see <see cref="TestKafka(string, Partitioner?)"/>.</param>
    public static Feeder Start(string bootstrap, string topic, int perSecond, Func<long, UpdateEnvelope> make, Partitioner? partitioner = null) =>
        new(bootstrap, topic, perSecond, n => Message(make(n)), partitioner);

    /// <summary>Any records, e.g. a team's JSON events for ingest rules; <paramref name="make"/> runs just before each is produced.</summary>
    public static Feeder StartRecords(string bootstrap, string topic, int perSecond, Func<long, Message<byte[], byte[]>> make) =>
        new(bootstrap, topic, perSecond, make);

    public static IProducer<byte[], byte[]> Producer(string bootstrap, Partitioner? partitioner = null)
    {
        var config = TestKafka.ProducerConfig(bootstrap, lingerMs: 2);
        if (partitioner is { } p)
        {
            config.Partitioner = p;
        }

        return new ProducerBuilder<byte[], byte[]>(config).Build();
    }

    public static Message<byte[], byte[]> Message(UpdateEnvelope envelope) =>
        new() { Key = Encoding.UTF8.GetBytes(envelope.UserId), Value = envelope.ToByteArray() };

    private void Run(string bootstrap, string topic, int perSecond, Func<long, Message<byte[], byte[]>> make, Partitioner? partitioner)
    {
        using var producer = Producer(bootstrap, partitioner);
        var started = Stopwatch.GetTimestamp();
        long sent = 0;
        while (!_stop.IsCancellationRequested)
        {
            var due = (long)(Stopwatch.GetElapsedTime(started).TotalSeconds * perSecond);
            for (; sent < due; sent++)
            {
                producer.Produce(topic, make(sent), r =>
                {
                    if (r.Error.IsError)
                    {
                        Interlocked.Increment(ref _failed);
                    }
                    else
                    {
                        Interlocked.Increment(ref _produced);
                    }
                });
            }

            Thread.Sleep(1);
        }

        producer.Flush(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
