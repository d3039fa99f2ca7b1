namespace Sidecar.Chaos.Tests.Topology;

/// <summary>
/// The ingest rules every node of the deployment runs (copied into its container at
/// <see cref="Path"/>), the source topics they read (created in both datacenters' Kafka), and the
/// names they write, which the click checker reads back. The other scenarios never produce to
/// these topics: for them the rules consumer idles.
/// </summary>
internal static class ClickRules
{
    public const string Path = "/etc/sidecar/rules.yaml";

    public const string B2c = "clicks.b2c";
    public const string B2b = "clicks.b2b";

    public const int Partitions = 4;

    public const string RecentList = "recent";
    public const int RecentMax = 20;
    public const string Searches = "searches";
    public const string Rooms = "rooms";
    public const string LastCity = "lastCity";
    public const string LastBooking = "lastBooking";

    public static readonly string[] Topics = [B2c, B2b];

    // Both rules take the event's own time (/ts, Unix ms): the newest search by event time wins
    // lastCity and heads the list, whatever order the events arrived in.
    public static readonly string Yaml = $$"""
        version: 1
        rules:
          - name: hotel-search
            topics: [{{B2c}}, {{B2b}}]
            when: "[/type] == 'hotel_search'"
            user: /user/id
            time: /ts
            ops:
              - push: { list: {{RecentList}}, item: /hotel/id, max: {{RecentMax}} }
              - set:  { field: {{LastCity}}, value: /hotel/city }
              - incr: { counter: {{Searches}} }
          - name: booking
            topics: [{{B2c}}, {{B2b}}]
            when: "[/type] == 'booking'"
            user: /user/id
            time: /ts
            ops:
              - set:  { field: {{LastBooking}}, value: { expr: "[/hotel/id] + '@' + [/hotel/city]" } }
              - incr: { counter: {{Rooms}}, by: { expr: "[/rooms]" } }

        """;
}
