using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Google.Protobuf;
using Sidecar.Rules.Mapping;

namespace Sidecar.Rules.Tests;

/// <summary>An event's envelopes are a function of the event alone: a redelivered event is the same bytes on any node.</summary>
public sealed class EventIdTests
{
    [Fact]
    public void The_id_is_e1_and_the_design_hash_of_datacenter_user_topic_partition_and_offset()
    {
        var id = EventIds.Derive("dc-a", "u-é", "clicks.b2c", 3, 0x1_0000_0001);

        Assert.Equal("e1-" + Base64Url(DesignHash("dc-a", "u-é", "clicks.b2c", 3, 0x1_0000_0001)), id);
        Assert.Matches("^e1-[A-Za-z0-9_-]{20}$", id);
    }

    [Fact]
    public void Each_part_of_the_position_changes_the_id()
    {
        var ids = new[]
        {
            EventIds.Derive("dc-a", "u", "t", 0, 1),
            EventIds.Derive("dc-a", "u", "t", 0, 2),
            EventIds.Derive("dc-a", "u", "t", 1, 1),
            EventIds.Derive("dc-a", "u", "t2", 0, 1),
            EventIds.Derive("dc-a", "v", "t", 0, 1),
            EventIds.Derive("dc-b", "u", "t", 0, 1),
            // Length prefixes: the same bytes cut elsewhere between user and topic are another event.
            EventIds.Derive("dc-a", "ut", "", 0, 1),
            EventIds.Derive("dc-a", "", "ut", 0, 1),
        };

        Assert.Equal(ids.Length, ids.Distinct().Count());
    }

    [Fact]
    public void An_envelope_carries_the_id_of_its_event_and_user_and_its_ops_number_from_it()
    {
        var mapper = Given.Mapper(WorkedExample.Json);

        var envelope = Assert.Single(mapper.Envelopes(Given.Event(
            $$$"""{"type":"hotel_search","user":{"id":"u1"},"ts":{{{Given.RecordMs}}},"hotel":{"id":"h7","city":"Oslo"}}""", "clicks.b2c", partition: 5, offset: 99)));

        Assert.Equal(EventIds.Derive("dc-a", "u1", "clicks.b2c", 5, 99), envelope.Id);
        Assert.StartsWith("e1-", envelope.Id);
        Assert.Equal(Enumerable.Range(0, 3).Select(i => $"{envelope.Id}:{i}"), envelope.Ops.Select(o => o.Id));
    }

    [Fact]
    public void Another_offset_is_another_id()
    {
        var mapper = Given.Mapper(WorkedExample.Json);
        const string body = """{"type":"booking","user":{"id":"u1"},"rooms":1,"hotel":{"id":"h","city":"c"}}""";

        var first = Assert.Single(mapper.Envelopes(Given.Event(body, "clicks.b2c", offset: 10)));
        var second = Assert.Single(mapper.Envelopes(Given.Event(body, "clicks.b2c", offset: 11)));

        Assert.NotEqual(first.Id, second.Id);
        Assert.NotEqual(first.Ops[0].Id, second.Ops[0].Id);
    }

    [Fact]
    public void The_same_event_mapped_twice_is_the_same_bytes()
    {
        var mapper = Given.Mapper(WorkedExample.Json);
        var source = Given.Event("""{"type":"booking","user":{"id":"u1"},"rooms":2,"hotel":{"id":42,"city":"Oslo"}}""", "clicks.b2b", 2, 1234);

        var first = Bytes(mapper.Map(source, Given.Now));
        var second = Bytes(mapper.Map(source, Given.Now.AddMinutes(10)));

        Assert.Single(first);
        Assert.Equal(first, second);
    }

    /// <summary>
    /// Any event of the worked example's topics, mapped by two nodes (two mappers, one from the JSON
    /// file, one from the YAML) at different clock readings, becomes byte-identical envelopes, or the
    /// same dead letter, or is skipped by both.
    /// </summary>
    [Property(MaxTest = 300)]
    public Property Any_event_mapped_twice_gives_byte_identical_envelopes() =>
        Prop.ForAll(Events().ToArbitrary(), Gen.Choose(0, 50_000).ToArbitrary(), (source, later) =>
        {
            var one = Given.Mapper(WorkedExample.Json);
            var other = Given.Mapper(WorkedExample.Yaml, RuleFileFormat.Yaml);
            var a = one.Map(source, Given.Now);
            var b = other.Map(source, Given.Now.AddMilliseconds(later));
            var again = one.Map(source, Given.Now);
            return Bytes(a).SequenceEqual(Bytes(b)) && Bytes(a).SequenceEqual(Bytes(again))
                && a.DeadLetter == b.DeadLetter && a.Skipped == b.Skipped
                && a.Envelopes.All(e => e.Id == EventIds.Derive("dc-a", e.UserId, source.Topic, source.Partition, source.Offset));
        });

    [Property(MaxTest = 300)]
    public Property Distinct_positions_give_distinct_ids() =>
        Prop.ForAll(Gen.Choose(0, 1_000_000).Two().ToArbitrary(), Gen.Choose(0, 3).Two().ToArbitrary(), (offsets, partitions) =>
            (offsets.Item1 == offsets.Item2 && partitions.Item1 == partitions.Item2)
            == (EventIds.Derive("dc-a", "u", "t", partitions.Item1, offsets.Item1) == EventIds.Derive("dc-a", "u", "t", partitions.Item2, offsets.Item2)));

    /// <summary>Events of the worked example: searches, bookings and others, with users and values of any text.</summary>
    private static Gen<SourceEvent> Events() =>
        from type in Gen.Elements("hotel_search", "booking", "page_view")
        from user in Text()
        from numericHotel in ArbMap.Default.GeneratorFor<bool>()
        from hotel in Text()
        from hotelNumber in Gen.Choose(0, int.MaxValue)
        from city in Text()
        from rooms in Gen.Choose(-3, 9)
        from age in Gen.Choose(0, 86_400_000)
        from withTime in ArbMap.Default.GeneratorFor<bool>()
        from topic in Gen.Elements("clicks.b2c", "clicks.b2b", "clicks.other")
        from partition in Gen.Choose(0, 63)
        from offset in Gen.Choose(0, int.MaxValue).Select(o => (long)o * 7)
        select Event(type, user, numericHotel ? hotelNumber : hotel, city, rooms, withTime ? Given.RecordMs - age : null, topic, partition, offset);

    private static SourceEvent Event(string type, string user, object hotel, string city, int rooms, long? ts, string topic, int partition, long offset)
    {
        var body = new Dictionary<string, object?>
        {
            ["type"] = type,
            ["user"] = new Dictionary<string, object> { ["id"] = user },
            ["hotel"] = new Dictionary<string, object> { ["id"] = hotel, ["city"] = city },
            ["rooms"] = rooms,
        };
        if (ts is { } t)
        {
            body["ts"] = t;
        }

        return new SourceEvent(topic, partition, offset, Given.RecordMs - 5, JsonSerializer.SerializeToUtf8Bytes(body));
    }

    // Any text, including control characters and empty strings: some events are dead letters, and must be so on both nodes.
    private static Gen<string> Text() =>
        Gen.Frequency(
            (6, Gen.Choose(0x20, 0x2FF).Select(c => (char)c).ArrayOf().Select(c => new string(c))),
            (1, Gen.Elements("", "a\tb", "\"", "'", "@", "é", "🙂", new string('x', 129))));

    private static List<string> Bytes(MappedEvent mapped) => mapped.Envelopes.Select(e => Convert.ToHexString(e.ToByteArray())).ToList();

    // The design's definition, written out here on its own: SHA-256 over the length-prefixed parts, the first 15 bytes.
    private static byte[] DesignHash(string datacenter, string user, string topic, int partition, long offset)
    {
        var d = Encoding.UTF8.GetBytes(datacenter);
        var u = Encoding.UTF8.GetBytes(user);
        var t = Encoding.UTF8.GetBytes(topic);
        using var input = new MemoryStream();
        Span<byte> four = stackalloc byte[4];
        Span<byte> eight = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(four, d.Length);
        input.Write(four);
        input.Write(d);
        BinaryPrimitives.WriteInt32BigEndian(four, u.Length);
        input.Write(four);
        input.Write(u);
        BinaryPrimitives.WriteInt32BigEndian(four, t.Length);
        input.Write(four);
        input.Write(t);
        BinaryPrimitives.WriteInt32BigEndian(four, partition);
        input.Write(four);
        BinaryPrimitives.WriteInt64BigEndian(eight, offset);
        input.Write(eight);
        return SHA256.HashData(input.ToArray())[..15];
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_').TrimEnd('=');
}
