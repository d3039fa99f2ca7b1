namespace Sidecar.Node.Tests.Integration.Rules;

/// <summary>The rules files the integration tests give their nodes.</summary>
internal static class RuleFiles
{
    public static readonly string[] SourceTopics = ["clicks.b2c:4", "clicks.b2b:4"];

    /// <summary>Searches and bookings from both source topics, as <see cref="ClickModel"/> expects them.</summary>
    public static readonly string Clicks = Header + HotelSearch + Booking(extraOp: "");

    /// <summary><see cref="Clicks"/> changed: the booking rule also keeps the booked city, and a new
    /// rule counts bookings of three rooms or more. The search rule is as it was.</summary>
    public static readonly string ClicksChanged = Header + HotelSearch + Booking(extraOp: "      - set:  { field: bookedCity, value: /hotel/city }\n") + """
          - name: big-booking
            topics: [clicks.b2c]
            when: "[/type] == 'booking' && [/rooms] >= 3"
            user: /user/id
            ops:
              - incr: { counter: bigBookings }

        """;

    private const string Header = """
        version: 1
        rules:

        """;

    // A property, not a field: the public fields above are initialised first, in file order.
    private static string HotelSearch => $$"""
          - name: hotel-search
            topics: [clicks.b2c, clicks.b2b]
            when: "[/type] == 'hotel_search'"
            user: /user/id
            time: /ts
            ops:
              - push: { list: recent, item: /hotel/id, max: {{ClickModel.RecentMax}} }
              - set:  { field: lastCity, value: /hotel/city }
              - incr: { counter: searches }

        """;

    private static string Booking(string extraOp) => """
          - name: booking
            topics: [clicks.b2c, clicks.b2b]
            when: "[/type] == 'booking'"
            user: /user/id
            time: /ts
            ops:
              - set:  { field: lastBooking, value: { expr: "[/hotel/id] + '@' + [/hotel/city]" } }

        """ + extraOp + """
              - incr: { counter: bookings, by: { expr: "[/rooms]" } }

        """;

    /// <summary>A file that must be refused whole: every problem in it is named.</summary>
    public const string Bad = """
        version: 1
        rules:
          - name: hotel-search
            topics: [clicks.b2c, clicks.b2b]
            when: "nosuchfunction([/type]) == 'hotel_search'"
            user: /user/id
            ops:
              - push: { list: recent, item: /hotel/id, max: 0 }
          - name: booking
            topics: [clicks.b2c]
            user: /user/id
            ops:
              - incr: { counter: bookings }
          - name: booking
            topics: [clicks.b2b]
            user: /user/id
            ops:
              - incr: { counter: bookings }
          - name: own-topic
            topics: [updates]
            user: /user/id
            ops:
              - incr: { counter: searches }
        """;

    /// <summary>Writes a rules file as an editor's save should: whole, by a rename.</summary>
    public static void Write(string path, string text)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }
}
