namespace Sidecar.Rules.Tests;

/// <summary>The worked example of the design (hotel-search + booking), in both of a rules file's syntaxes.</summary>
internal static class WorkedExample
{
    public const string Yaml = """
        version: 1
        rules:
          - name: hotel-search                 # [A-Za-z0-9._-]{1,64}, unique
            topics: [clicks.b2c, clicks.b2b]   # source topics
            when: "[/type] == 'hotel_search'"
            user: /user/id
            time: /ts
            ops:
              - push: { list: recent, item: /hotel/id, max: 20 }
              - set:  { field: lastCity, value: /hotel/city }
              - incr: { counter: searches }            # by defaults to 1
          - name: booking
            topics: [clicks.b2c, clicks.b2b]
            when: "[/type] == 'booking'"
            user: /user/id
            ops:
              - set:  { field: lastBooking, value: { expr: "[/hotel/id] + '@' + [/hotel/city]" } }
              - incr: { counter: bookings, by: { expr: "[/rooms]" } }
              - del:  { field: cartHotel }
        """;

    public const string Json = """
        {
          // comments and trailing commas are allowed in a JSON rules file
          "version": 1,
          "rules": [
            {
              "name": "hotel-search",
              "topics": ["clicks.b2c", "clicks.b2b"],
              "when": "[/type] == 'hotel_search'",
              "user": "/user/id",
              "time": "/ts",
              "ops": [
                { "push": { "list": "recent", "item": "/hotel/id", "max": 20 } },
                { "set": { "field": "lastCity", "value": "/hotel/city" } },
                { "incr": { "counter": "searches" } },
              ]
            },
            {
              "name": "booking",
              "topics": ["clicks.b2c", "clicks.b2b"],
              "when": "[/type] == 'booking'",
              "user": "/user/id",
              "ops": [
                { "set": { "field": "lastBooking", "value": { "expr": "[/hotel/id] + '@' + [/hotel/city]" } } },
                { "incr": { "counter": "bookings", "by": { "expr": "[/rooms]" } } },
                { "del": { "field": "cartHotel" } }
              ]
            }
          ]
        }
        """;
}
