using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Sidecar.Common.Kafka;
using Sidecar.Testing;

namespace Sidecar.Node.Tests.Integration.Rules;

/// <summary>
/// The team's own application: writes JSON click events to a datacenter's source topics with the
/// real Kafka client (never the node's code), keyed by user, and tells the <see cref="ClickModel"/>
/// what each good event must do. Safe to use from several threads.
/// </summary>
internal sealed class ClickProducer : IDisposable
{
    private static readonly string[] Cities = ["Goa", "Pune", "Oslo", "Lima", "Kyiv"];

    private readonly IProducer<string, byte[]> _producer;
    private readonly ClickModel _model;
    private readonly List<Task> _pending = [];

    public ClickProducer(string bootstrap, ClickModel model)
    {
        NativeKafka.EnsureLoaded();
        _producer = new ProducerBuilder<string, byte[]>(TestKafka.ProducerConfig(bootstrap, lingerMs: 2)).Build();
        _model = model;
    }

    private int _produced;

    /// <summary>Events sent so far (good and bad).</summary>
    public int Produced => Volatile.Read(ref _produced);

    /// <summary>One random good event: a search (3 in 5) or a booking of 1-3 rooms, for one of <paramref name="users"/>.</summary>
    public void Random(Random random, string topic, int users)
    {
        var user = $"user-{random.Next(users)}";
        var hotel = $"hotel-{random.Next(1000)}";
        var city = Cities[random.Next(Cities.Length)];
        if (random.Next(5) < 3)
        {
            Search(topic, user, hotel, city);
        }
        else
        {
            Book(topic, user, hotel, city, random.Next(1, 4));
        }
    }

    public void Search(string topic, string user, string hotel, string city)
    {
        var ts = _model.NextTime();
        Send(topic, user, new { type = "hotel_search", ts, user = new { id = user }, hotel = new { id = hotel, city } });
        _model.Searched(user, ts, hotel, city);
    }

    public void Book(string topic, string user, string hotel, string city, int rooms)
    {
        var ts = _model.NextTime();
        Send(topic, user, new { type = "booking", ts, rooms, user = new { id = user }, hotel = new { id = hotel, city } });
        _model.Booked(user, ts, hotel, city, rooms);
    }

    /// <summary>Any event, good or bad, that the model does not count.</summary>
    public void Send(string topic, string? key, object value) => Raw(topic, key, JsonSerializer.SerializeToUtf8Bytes(value));

    public void Raw(string topic, string? key, byte[] value)
    {
        var sent = _producer.ProduceAsync(topic, new Message<string, byte[]> { Key = key!, Value = value });
        lock (_pending)
        {
            _pending.Add(sent);
        }

        Interlocked.Increment(ref _produced);
    }

    /// <summary>Waits until Kafka acknowledged everything sent so far; throws if anything failed.</summary>
    public async Task FlushAsync()
    {
        Task[] pending;
        lock (_pending)
        {
            pending = [.. _pending];
            _pending.Clear();
        }

        await Task.WhenAll(pending).WaitAsync(TimeSpan.FromSeconds(30));
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(10));
        _producer.Dispose();
    }
}
