using Sidecar.Common.Clocks;
using Sidecar.Rules.Mapping;

namespace Sidecar.Rules.Tests;

/// <summary>The HLC an event's ops carry: event time (or the record's), and the offset's low 16 bits.</summary>
public sealed class EventStampTests
{
    private static readonly EventMapper Timed = Given.Mapper(Given.OneRule("\"time\": \"/ts\", \"ops\": [{ \"incr\": { \"counter\": \"a\" } }, { \"del\": { \"field\": \"b\" } }]", name: "timed"));

    private static readonly EventMapper Untimed = Given.Mapper(Given.OneRule("\"ops\": [{ \"incr\": { \"counter\": \"a\" } }]", name: "untimed"));

    [Fact]
    public void The_stamp_is_the_event_time_in_unix_milliseconds()
    {
        var ms = Given.RecordMs - 60_000;
        var envelope = Assert.Single(Timed.Envelopes(Given.Event($$$"""{"u":"u1","ts":{{{ms}}}}""", offset: 3)));

        Assert.All(envelope.Ops, op => Assert.Equal(HybridLogicalClock.Encode(ms, 3), op.Hlc));
    }

    [Theory]
    [InlineData("2026-12-01T11:59:00.250Z", 250)]
    [InlineData("2026-12-01T12:59:00.250+01:00", 250)]
    [InlineData("2026-12-01T11:59:00Z", 0)]
    public void The_stamp_is_the_event_time_of_an_RFC_3339_string(string time, int milliseconds)
    {
        var op = Timed.Envelopes(Given.Event($$"""{"u":"u1","ts":"{{time}}"}""", offset: 1))[0].Ops[0];

        var expected = new DateTimeOffset(2026, 12, 1, 11, 59, 0, milliseconds, TimeSpan.Zero).ToUnixTimeMilliseconds();
        Assert.Equal(expected, HybridLogicalClock.UnixMilliseconds(op.Hlc));
        Assert.Equal(1, HybridLogicalClock.Logical(op.Hlc));
    }

    [Fact]
    public void Without_time_the_stamp_is_the_record_timestamp()
    {
        var op = Untimed.SingleOp(Given.Event("""{"u":"u1","ts":5}""", offset: 9, timestampMs: Given.RecordMs - 12_345));

        Assert.Equal(HybridLogicalClock.Encode(Given.RecordMs - 12_345, 9), op.Hlc);
    }

    [Fact]
    public void A_record_without_a_timestamp_is_stamped_when_it_is_mapped()
    {
        var source = new SourceEvent("t", 0, 4, null, """{"u":"u1"}"""u8.ToArray());

        var op = Assert.Single(Assert.Single(Untimed.Map(source, Given.Now).Envelopes).Ops);

        Assert.Equal(HybridLogicalClock.Encode(Given.Now.ToUnixTimeMilliseconds(), 4), op.Hlc);
    }

    [Theory]
    [InlineData(0L, 0)]
    [InlineData(65_535L, 65_535)]
    [InlineData(65_536L, 0)]
    [InlineData(0x12_3456L, 0x3456)]
    [InlineData(0x7FFF_FFFF_FFFF_FFFFL, 0xFFFF)]
    public void The_logical_part_is_the_low_16_bits_of_the_offset(long offset, int logical)
    {
        var op = Untimed.SingleOp(Given.Event("""{"u":"u1"}""", offset: offset));

        Assert.Equal(logical, HybridLogicalClock.Logical(op.Hlc));
        Assert.Equal(Given.RecordMs, HybridLogicalClock.UnixMilliseconds(op.Hlc));
    }

    [Fact]
    public void Each_rule_stamps_its_own_ops()
    {
        var mapper = Given.Mapper("""
            { "version": 1, "rules": [
              { "name": "by-event", "topics": ["t"], "user": "/u", "time": "/ts", "ops": [{ "incr": { "counter": "a" } }] },
              { "name": "by-record", "topics": ["t"], "user": "/u", "ops": [{ "incr": { "counter": "b" } }] }
            ] }
            """);

        var envelope = Assert.Single(mapper.Envelopes(Given.Event($$$"""{"u":"u1","ts":{{{Given.RecordMs - 7_000}}}}""", offset: 2)));

        Assert.Equal([HybridLogicalClock.Encode(Given.RecordMs - 7_000, 2), HybridLogicalClock.Encode(Given.RecordMs, 2)], envelope.Ops.Select(o => o.Hlc));
    }

    [Fact]
    public void An_event_time_too_far_ahead_is_a_dead_letter_naming_the_drift_option()
    {
        var limit = RuleLimits.Default.MaxClockDrift;
        var now = Given.Now.ToUnixTimeMilliseconds();

        // At the bound it is taken; a millisecond beyond, refused.
        Assert.Equal(HybridLogicalClock.Encode(now + (long)limit.TotalMilliseconds, 7),
            Timed.Envelopes(Given.Event($$$"""{"u":"u1","ts":{{{now + (long)limit.TotalMilliseconds}}}}"""))[0].Ops[0].Hlc);
        var dead = Timed.DeadLetter(Given.Event($$$"""{"u":"u1","ts":{{{now + (long)limit.TotalMilliseconds + 1}}}}"""));

        Assert.Equal("timed", dead.Rule);
        Assert.Contains("Node:MaxClockDrift", dead.Reason, StringComparison.Ordinal);
        Assert.Contains($"{(long)limit.TotalMilliseconds + 1} ms ahead", dead.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_record_timestamp_too_far_ahead_is_a_dead_letter_too()
    {
        var dead = Untimed.DeadLetter(Given.Event("""{"u":"u1"}""", timestampMs: Given.Now.AddMinutes(5).ToUnixTimeMilliseconds()));

        Assert.Equal("untimed", dead.Rule);
        Assert.Contains("Node:MaxClockDrift", dead.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_drift_bound_is_the_node_option()
    {
        var limits = new RuleLimits { MaxClockDrift = TimeSpan.FromHours(1) };
        var mapper = Given.Mapper(Given.OneRule("\"time\": \"/ts\", \"ops\": [{ \"incr\": { \"counter\": \"a\" } }]"), limits: limits);
        var ahead = Given.Now.AddMinutes(30).ToUnixTimeMilliseconds();

        Assert.Equal(ahead, HybridLogicalClock.UnixMilliseconds(mapper.SingleOp(Given.Event($$$"""{"u":"u1","ts":{{{ahead}}}}""")).Hlc));
    }

    [Theory]
    [InlineData("""{"u":"u1"}""", "time: /ts is not in the event")]
    [InlineData("""{"u":"u1","ts":1.5}""", "time /ts is 1.5, not whole Unix milliseconds")]
    [InlineData("""{"u":"u1","ts":"yesterday"}""", "time /ts is \"yesterday\": neither Unix milliseconds nor an RFC 3339 time")]
    [InlineData("""{"u":"u1","ts":true}""", "time /ts is true: neither Unix milliseconds nor an RFC 3339 time")]
    [InlineData("""{"u":"u1","ts":0}""", "time 0 is not a Unix time in milliseconds after 1970")]
    [InlineData("""{"u":"u1","ts":-5}""", "time -5 is not a Unix time in milliseconds after 1970")]
    [InlineData("""{"u":"u1","ts":"1969-12-31T00:00:00Z"}""", "time -86400000 is not a Unix time in milliseconds after 1970")]
    public void An_event_time_that_is_not_a_time_is_a_dead_letter(string body, string reason) =>
        Assert.Equal(new Mapping.RuleDeadLetter("timed", reason), Timed.DeadLetter(Given.Event(body)));
}
