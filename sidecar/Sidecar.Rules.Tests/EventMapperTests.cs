using System.Text;
using Sidecar.Common.Envelope;
using Sidecar.Rules.Mapping;

namespace Sidecar.Rules.Tests;

public sealed class EventMapperTests
{
    private static readonly EventMapper Example = Given.Mapper(WorkedExample.Yaml, RuleFileFormat.Yaml);

    [Fact]
    public void A_search_makes_the_ops_of_its_rule()
    {
        var envelope = Assert.Single(Example.Envelopes(Given.Event(
            $$$"""{"type":"hotel_search","user":{"id":"u1"},"ts":{{{Given.RecordMs}}},"hotel":{"id":"h7","city":"Oslo"}}""", "clicks.b2b")));

        Assert.Equal("u1", envelope.UserId);
        Assert.Equal("dc-a", envelope.OriginDc);
        Assert.Equal(EnvelopeSchema.Version, envelope.SchemaVersion);
        Assert.Equal(["push recent h7 20", "set lastCity \"Oslo\"", "incr searches 1"], envelope.Ops.Select(Show));
    }

    [Fact]
    public void A_booking_makes_the_ops_of_its_rule()
    {
        var envelope = Assert.Single(Example.Envelopes(Given.Event(
            """{"type":"booking","user":{"id":"u1"},"rooms":2,"hotel":{"id":42,"city":"Oslo"}}""", "clicks.b2c")));

        Assert.Equal(["set lastBooking \"42@Oslo\"", "incr bookings 2", "del cartHotel"], envelope.Ops.Select(Show));
    }

    [Fact]
    public void Rules_for_one_user_share_one_envelope_in_file_order()
    {
        var mapper = Given.Mapper("""
            { "version": 1, "rules": [
              { "name": "first", "topics": ["t"], "user": "/u", "ops": [{ "set": { "field": "a", "value": "/a" } }, { "incr": { "counter": "n" } }] },
              { "name": "never", "topics": ["t"], "when": "[/a] == 'no'", "user": "/u", "ops": [{ "del": { "field": "x" } }] },
              { "name": "other-topic", "topics": ["elsewhere"], "user": "/u", "ops": [{ "del": { "field": "y" } }] },
              { "name": "second", "topics": ["t"], "user": "/u", "ops": [{ "push": { "list": "l", "item": "/a", "max": 3 } }] }
            ] }
            """);

        var mapped = mapper.Map(Given.Event("""{"u":"u1","a":"v"}"""));

        var envelope = Assert.Single(mapped.Envelopes);
        Assert.Equal(["set a \"v\"", "incr n 1", "push l v 3"], envelope.Ops.Select(Show));
        Assert.Equal([$"{envelope.Id}:0", $"{envelope.Id}:1", $"{envelope.Id}:2"], envelope.Ops.Select(o => o.Id));
        Assert.Equal([("first", true, 2), ("never", false, 0), ("second", true, 1)], mapped.Evaluations.Select(e => (e.Rule.Name, e.Matched, e.Ops)));
        Assert.Null(mapped.DeadLetter);
        Assert.False(mapped.Skipped);
    }

    [Fact]
    public void Rules_for_different_users_make_separate_envelopes()
    {
        var mapper = Given.Mapper("""
            { "version": 1, "rules": [
              { "name": "buyer", "topics": ["t"], "user": "/buyer", "ops": [{ "incr": { "counter": "bought" } }] },
              { "name": "seller", "topics": ["t"], "user": "/seller", "ops": [{ "incr": { "counter": "sold" } }] },
              { "name": "buyer-again", "topics": ["t"], "user": "/buyer", "ops": [{ "set": { "field": "last", "value": "/item" } }] }
            ] }
            """);

        var envelopes = mapper.Envelopes(Given.Event("""{"buyer":"b1","seller":"s1","item":"i9"}"""));

        Assert.Equal(["b1", "s1"], envelopes.Select(e => e.UserId));
        Assert.Equal(["incr bought 1", "set last \"i9\""], envelopes[0].Ops.Select(Show));
        Assert.Equal(["incr sold 1"], envelopes[1].Ops.Select(Show));
        Assert.NotEqual(envelopes[0].Id, envelopes[1].Id);
        Assert.Equal(EventIds.Derive("dc-a", "b1", "t", 0, 7), envelopes[0].Id);
        Assert.Equal(EventIds.Derive("dc-a", "s1", "t", 0, 7), envelopes[1].Id);
        Assert.Equal([$"{envelopes[1].Id}:0"], envelopes[1].Ops.Select(o => o.Id));
    }

    [Fact]
    public void A_topic_no_rule_reads_is_skipped()
    {
        var mapped = Example.Map(Given.Event("""{"type":"booking"}""", "clicks.b2x"));

        Assert.True(mapped.Skipped);
        Assert.Empty(mapped.Envelopes);
        Assert.Empty(mapped.Evaluations);
        Assert.Null(mapped.DeadLetter);
    }

    [Fact]
    public void An_event_whose_conditions_are_false_is_skipped_with_its_evaluations()
    {
        var mapped = Example.Map(Given.Event("""{"type":"page_view","user":{"id":"u1"}}""", "clicks.b2c"));

        Assert.True(mapped.Skipped);
        Assert.Empty(mapped.Envelopes);
        Assert.Null(mapped.DeadLetter);
        Assert.Equal([("hotel-search", false, 0), ("booking", false, 0)], mapped.Evaluations.Select(e => (e.Rule.Name, e.Matched, e.Ops)));
        Assert.All(mapped.Evaluations, e => Assert.True(e.Elapsed >= TimeSpan.Zero));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("")]
    [InlineData("{\"u\": ")]
    [InlineData("{\"u\":\"a\"} trailing")]
    public void An_event_that_is_not_json_is_a_dead_letter_of_no_rule(string body)
    {
        var dead = Given.Mapper(Given.OneRule("\"ops\": [{ \"incr\": { \"counter\": \"c\" } }]")).DeadLetter(Given.Event(body));

        Assert.Null(dead.Rule);
        Assert.StartsWith("not JSON: ", dead.Reason);
    }

    [Fact]
    public void An_event_that_is_not_utf8_is_a_dead_letter_of_no_rule()
    {
        var mapper = Given.Mapper(Given.OneRule("\"ops\": [{ \"incr\": { \"counter\": \"c\" } }]"));
        var bytes = new byte[] { (byte)'{', (byte)'"', (byte)'u', (byte)'"', (byte)':', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)'}' };

        var mapped = mapper.Map(new SourceEvent("t", 0, 1, Given.RecordMs, bytes), Given.Now);

        Assert.Null(Assert.IsType<RuleDeadLetter>(mapped.DeadLetter).Rule);
        Assert.StartsWith("not JSON: ", mapped.DeadLetter!.Reason);
    }

    [Theory]
    [InlineData("""{"v":1}""", "user: /u is not in the event")]
    [InlineData("""{"u":null}""", "user is null, not a string or a number")]
    [InlineData("""{"u":{"id":1}}""", "user is an object, not a string or a number")]
    [InlineData("""{"u":[1]}""", "user is an array, not a string or a number")]
    [InlineData("""{"u":""}""", "user: user id is empty")]
    [InlineData("""{"u":"a\u0001b"}""", "user: user id contains control characters")]
    public void An_event_without_a_user_is_a_dead_letter_of_its_rule(string body, string reason)
    {
        var dead = Given.Mapper(Given.OneRule("\"ops\": [{ \"incr\": { \"counter\": \"c\" } }]", name: "counting")).DeadLetter(Given.Event(body));

        Assert.Equal(new RuleDeadLetter("counting", reason), dead);
    }

    [Fact]
    public void A_user_over_the_byte_limit_is_a_dead_letter_of_its_rule()
    {
        var mapper = Given.Mapper(Given.OneRule("\"ops\": [{ \"incr\": { \"counter\": \"c\" } }]", name: "counting"));

        // 64 two-byte characters are 128 bytes, the default limit; one more is over it.
        Assert.Equal(new string('é', 64), Assert.Single(mapper.Envelopes(Given.Event($$"""{"u":"{{new string('é', 64)}}"}"""))).UserId);
        Assert.Equal(new RuleDeadLetter("counting", "user: user id is longer than 128 bytes"),
            mapper.DeadLetter(Given.Event($$"""{"u":"{{new string('é', 65)}}"}""")));

        var small = Given.Mapper(Given.OneRule("\"ops\": [{ \"incr\": { \"counter\": \"c\" } }]"), limits: new RuleLimits { Model = new Store.Model.ModelLimits { MaxUserIdBytes = 4 } });
        Assert.Equal("user: user id is longer than 4 bytes", small.DeadLetter(Given.Event("""{"u":"abcde"}""")).Reason);
    }

    [Fact]
    public void A_user_id_may_be_a_number_as_written()
    {
        var mapper = Given.Mapper(Given.OneRule("\"ops\": [{ \"incr\": { \"counter\": \"c\" } }]"));
        Assert.Equal("1234567890123", Assert.Single(mapper.Envelopes(Given.Event("""{"u":1234567890123}"""))).UserId);
    }

    [Fact]
    public void A_failing_condition_is_a_dead_letter_of_its_rule()
    {
        var dead = Given.Mapper(Given.OneRule("\"when\": \"'abc' > 3\", \"ops\": [{ \"incr\": { \"counter\": \"c\" } }]", name: "compare")).DeadLetter(Given.Event("""{"u":"u1"}"""));

        Assert.Equal("compare", dead.Rule);
        Assert.StartsWith("''abc' > 3' failed: ", dead.Reason);
    }

    [Fact]
    public void A_condition_that_is_not_true_or_false_is_a_dead_letter_of_its_rule()
    {
        var dead = Given.Mapper(Given.OneRule("\"when\": \"[/n] + 1\", \"ops\": [{ \"incr\": { \"counter\": \"c\" } }]", name: "sum")).DeadLetter(Given.Event("""{"u":"u1","n":2}"""));

        Assert.Equal(new RuleDeadLetter("sum", "'[/n] + 1' is not true or false"), dead);
    }

    [Theory]
    [InlineData("""{"u":"u1","by":1.5}""", "incr c is a number 1.5, not a whole number")]
    [InlineData("""{"u":"u1","by":"2"}""", "incr c is a string, not a whole number")]
    [InlineData("""{"u":"u1","by":1e30}""", "incr c is a number 1e30, not a whole number")]
    [InlineData("""{"u":"u1"}""", "incr c: /by is not in the event")]
    public void An_increment_by_what_is_not_a_whole_number_is_a_dead_letter_of_its_rule(string body, string reason)
    {
        var dead = Given.Mapper(Given.OneRule("\"ops\": [{ \"incr\": { \"counter\": \"c\", \"by\": \"/by\" } }]", name: "inc")).DeadLetter(Given.Event(body));

        Assert.Equal(new RuleDeadLetter("inc", reason), dead);
    }

    [Fact]
    public void An_increment_by_a_whole_number_from_the_event_or_the_file()
    {
        var mapper = Given.Mapper(Given.OneRule("""
            "ops": [{ "incr": { "counter": "a", "by": "/by" } }, { "incr": { "counter": "b", "by": -3 } }, { "incr": { "counter": "c", "by": { "const": 5 } } }, { "incr": { "counter": "d", "by": { "expr": "[/by] * 2" } } }]
            """));

        Assert.Equal(["incr a 4", "incr b -3", "incr c 5", "incr d 8"], Assert.Single(mapper.Envelopes(Given.Event("""{"u":"u1","by":4}"""))).Ops.Select(Show));
    }

    [Fact]
    public void One_failing_rule_makes_the_whole_event_a_dead_letter()
    {
        var mapper = Given.Mapper("""
            { "version": 1, "rules": [
              { "name": "good", "topics": ["t"], "user": "/u", "ops": [{ "incr": { "counter": "c" } }] },
              { "name": "bad", "topics": ["t"], "user": "/u", "ops": [{ "set": { "field": "f", "value": "/missing" } }] },
              { "name": "later", "topics": ["t"], "user": "/u", "ops": [{ "incr": { "counter": "d" } }] }
            ] }
            """);

        var mapped = mapper.Map(Given.Event("""{"u":"u1"}"""));

        Assert.Equal(new RuleDeadLetter("bad", "set f: /missing is not in the event"), mapped.DeadLetter);
        Assert.Empty(mapped.Envelopes);
        Assert.False(mapped.Skipped);
        Assert.Equal([("good", true, 1), ("bad", true, 0)], mapped.Evaluations.Select(e => (e.Rule.Name, e.Matched, e.Ops)));
    }

    [Fact]
    public void Optional_ops_are_left_out_when_their_value_is_missing()
    {
        var mapper = Given.Mapper(Given.OneRule("""
            "ops": [
              { "set": { "field": "city", "value": "/city" }, "optional": true },
              { "incr": { "counter": "seen" } },
              { "push": { "list": "tags", "item": "/tag" }, "optional": true },
              { "incr": { "counter": "rooms", "by": "/rooms" }, "optional": true }
            ]
            """));

        var without = Assert.Single(mapper.Envelopes(Given.Event("""{"u":"u1"}""")));
        Assert.Equal(["incr seen 1"], without.Ops.Select(Show));
        Assert.Equal([$"{without.Id}:0"], without.Ops.Select(o => o.Id));

        var with = Assert.Single(mapper.Envelopes(Given.Event("""{"u":"u1","city":"Rome","tag":"t1","rooms":3}""")));
        Assert.Equal(["set city \"Rome\"", "incr seen 1", "push tags t1 100", "incr rooms 3"], with.Ops.Select(Show));

        // Optional leaves out a missing value, not a wrong one.
        Assert.Equal("incr rooms is a string, not a whole number", mapper.DeadLetter(Given.Event("""{"u":"u1","rooms":"3"}""")).Reason);
    }

    [Fact]
    public void A_user_whose_ops_were_all_left_out_gets_no_envelope()
    {
        var mapper = Given.Mapper(Given.OneRule("\"ops\": [{ \"set\": { \"field\": \"city\", \"value\": \"/city\" }, \"optional\": true }]"));

        var mapped = mapper.Map(Given.Event("""{"u":"u1"}"""));

        Assert.Empty(mapped.Envelopes);
        Assert.Null(mapped.DeadLetter);
        Assert.Equal([(true, 0)], mapped.Evaluations.Select(e => (e.Matched, e.Ops)));
    }

    [Fact]
    public void A_set_of_an_event_value_keeps_its_json_bytes()
    {
        const string value = """{ "a" : [1, 2.50, -0, 1E3], "b":"\u00e9\n", "c" : null }""";
        var mapper = Given.Mapper(Given.OneRule("\"ops\": [{ \"set\": { \"field\": \"f\", \"value\": \"/v\" } }]"));

        var op = mapper.SingleOp(Given.Event($$$"""{"u":"u1","v":{{{value}}}}"""));

        Assert.Equal(value, op.Set.JsonValue.ToStringUtf8());
    }

    [Theory]
    [InlineData("\"text\"")]
    [InlineData("12.50")]
    [InlineData("true")]
    [InlineData("null")]
    [InlineData("[1,\"x\",{}]")]
    public void A_set_of_any_json_value_keeps_it(string value)
    {
        var mapper = Given.Mapper(Given.OneRule("\"ops\": [{ \"set\": { \"field\": \"f\", \"value\": \"/v\" } }]"));
        Assert.Equal(value, mapper.SingleOp(Given.Event($$$"""{"u":"u1","v":{{{value}}}}""")).Set.JsonValue.ToStringUtf8());
    }

    [Fact]
    public void A_set_of_a_constant_writes_the_file_value()
    {
        var mapper = Given.Mapper(Given.OneRule("\"ops\": [{ \"set\": { \"field\": \"f\", \"value\": { \"const\": {\"plan\": \"gold\", \"n\": [1, 2]} } } }]"));
        Assert.Equal("""{"plan": "gold", "n": [1, 2]}""", mapper.SingleOp(Given.Event("""{"u":"u1"}""")).Set.JsonValue.ToStringUtf8());
    }

    [Theory]
    [InlineData("\"h7\"", "h7")]
    [InlineData("42", "42")]
    [InlineData("4.20", "4.20")]
    [InlineData("false", "false")]
    public void A_pushed_item_is_the_value_as_text(string item, string expected)
    {
        var mapper = Given.Mapper(Given.OneRule("\"ops\": [{ \"push\": { \"list\": \"l\", \"item\": \"/i\", \"max\": 5 } }]"));
        Assert.Equal(expected, mapper.SingleOp(Given.Event($$$"""{"u":"u1","i":{{{item}}}}""")).Push.Item);
    }

    [Theory]
    [InlineData("{}", "push l is an object, not a string or a number")]
    [InlineData("null", "push l is null, not a string or a number")]
    public void A_pushed_item_that_is_not_text_is_a_dead_letter(string item, string reason)
    {
        var mapper = Given.Mapper(Given.OneRule("\"ops\": [{ \"push\": { \"list\": \"l\", \"item\": \"/i\", \"max\": 5 } }]"));
        Assert.Equal(new RuleDeadLetter("r", reason), mapper.DeadLetter(Given.Event($$$"""{"u":"u1","i":{{{item}}}}""")));
    }

    [Fact]
    public void A_mapper_maps_many_events_in_turn_without_carrying_values_over()
    {
        // Compiled expressions keep their parameters between calls: a value missing from the second event must not be the first one's.
        var mapper = Given.Mapper(Given.OneRule("\"ops\": [{ \"set\": { \"field\": \"f\", \"value\": { \"expr\": \"if([/a] == 'x', 'had-x', 'no-x')\" } } }]"));

        Assert.Equal("\"had-x\"", mapper.SingleOp(Given.Event("""{"u":"u1","a":"x"}""")).Set.JsonValue.ToStringUtf8());
        Assert.Equal("\"no-x\"", mapper.SingleOp(Given.Event("""{"u":"u1"}""")).Set.JsonValue.ToStringUtf8());
    }

    private static string Show(Op op) => op.KindCase switch
    {
        Op.KindOneofCase.Set => $"set {op.Set.Field} {Encoding.UTF8.GetString(op.Set.JsonValue.Span)}",
        Op.KindOneofCase.Del => $"del {op.Del.Field}",
        Op.KindOneofCase.Push => $"push {op.Push.List} {op.Push.Item} {op.Push.Max}",
        Op.KindOneofCase.Incr => $"incr {op.Incr.Counter} {op.Incr.By}",
        var kind => kind.ToString(),
    };
}
