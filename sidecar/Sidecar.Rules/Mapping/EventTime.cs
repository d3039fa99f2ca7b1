using System.Globalization;
using System.Text.Json;
using Sidecar.Common.Clocks;
using Sidecar.Rules.Values;

namespace Sidecar.Rules.Mapping;

/// <summary>
/// The timestamp an event's ops carry, so that last-writer-wins follows event time: the rule's
/// <c>time</c> value when it has one, else the record's Kafka timestamp (fixed when it was
/// produced). Both are the same on every redelivery, so a second copy makes the same bytes. The
/// logical part is the low 16 bits of the source offset: events of one partition within one
/// millisecond keep their order.
/// </summary>
internal static class EventTime
{
    // The HLC holds 48 bits of milliseconds.
    private const long MaxMs = (1L << 47) - 1;

    public static ulong Stamp(Rule rule, JsonElement root, in SourceEvent source, DateTimeOffset now, TimeSpan maxDrift)
    {
        long ms;
        if (rule.Time is { } pointer)
        {
            if (!pointer.TryResolve(root, out var value))
            {
                throw new MappingException($"time: {pointer.Text} is not in the event");
            }

            ms = Milliseconds(value, pointer.Text);
        }
        else
        {
            // A record without a timestamp (rare: message format v0) is stamped when it is mapped.
            ms = source.TimestampMs is > 0 and var t ? t : now.ToUnixTimeMilliseconds();
        }

        if (ms <= 0 || ms > MaxMs)
        {
            throw new MappingException($"time {ms} is not a Unix time in milliseconds after 1970");
        }

        var ahead = ms - now.ToUnixTimeMilliseconds();
        if (ahead > (long)maxDrift.TotalMilliseconds)
        {
            throw new MappingException($"time {DateTimeOffset.FromUnixTimeMilliseconds(ms):O} is {ahead} ms ahead of this node's clock, more than Node:MaxClockDrift ({maxDrift})");
        }

        return HybridLogicalClock.Encode(ms, (int)(source.Offset & 0xFFFF));
    }

    private static long Milliseconds(JsonElement value, string pointer)
    {
        if (value.ValueKind == JsonValueKind.Number)
        {
            return value.TryGetInt64(out var ms) ? ms : throw new MappingException($"time {pointer} is {value.GetRawText()}, not whole Unix milliseconds");
        }

        if (value.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return at.ToUnixTimeMilliseconds();
        }

        throw new MappingException($"time {pointer} is {value.GetRawText()}: neither Unix milliseconds nor an RFC 3339 time");
    }
}
