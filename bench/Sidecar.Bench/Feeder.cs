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

    private Feeder(string bootstrap, string topic, int perSecond, Func<long, Message<byte[], byte[]>> make)
    {
        _loop = Task.Factory.StartNew(() => Run(bootstrap, topic, perSecond, make), TaskCreationOptions.LongRunning);
    }

    public long Produced => Interlocked.Read(ref _produced);

    public long Failed => Interlocked.Read(ref _failed);

    public static Feeder Start(string bootstrap, string topic, int perSecond, Func<long, UpdateEnvelope> make) =>
        new(bootstrap, topic, perSecond, n => Message(make(n)));

    /// <summary>Any records, e.g. a team's JSON events for ingest rules; <paramref name="make"/> runs just before each is produced.</summary>
    public static Feeder StartRecords(string bootstrap, string topic, int perSecond, Func<long, Message<byte[], byte[]>> make) =>
        new(bootstrap, topic, perSecond, make);

    public static IProducer<byte[], byte[]> Producer(string bootstrap) =>
        new ProducerBuilder<byte[], byte[]>(TestKafka.ProducerConfig(bootstrap, lingerMs: 2)).Build();

    public static Message<byte[], byte[]> Message(UpdateEnvelope envelope) =>
        new() { Key = Encoding.UTF8.GetBytes(envelope.UserId), Value = envelope.ToByteArray() };

    private void Run(string bootstrap, string topic, int perSecond, Func<long, Message<byte[], byte[]>> make)
    {
        using var producer = Producer(bootstrap);
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
