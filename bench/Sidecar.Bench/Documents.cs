using Sidecar.Common.Envelope;
using Sidecar.Testing;

namespace Sidecar.Bench;

/// <summary>The users and updates the benchmarks write.</summary>
internal static class Documents
{
    /// <summary>Ops that make a user's document about 1 KB as JSON: fields, a recent list, counters.</summary>
    public static Op[] OneKilobyte(int user)
    {
        var ops = new List<Op>();
        for (var f = 0; f < 8; f++)
        {
            ops.Add(Envelopes.Set($"pref{f}", $"\"{new string((char)('a' + f), 84)}-{user}\""));
        }

        for (var i = 0; i < 10; i++)
        {
            ops.Add(Envelopes.Push("recent", $"hotel-{user % 1000}-{i}", 20));
        }

        ops.Add(Envelopes.Incr("views", 1));
        ops.Add(Envelopes.Incr("searches", 1));
        return [.. ops];
    }

    /// <summary>A streamed update that keeps the document's size: a counter and a timestamp field.</summary>
    public static Op[] Touch(long n) => [Envelopes.Incr("views", 1), Envelopes.Set("lastSeen", n.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    /// <summary>One op of each kind in turn, as a clickstream would write them.</summary>
    public static Op Mixed(long n) => (n % 10) switch
    {
        < 5 => Envelopes.Incr("views", 1),
        < 8 => Envelopes.Set($"f{n % 7}", $"\"v{n}\""),
        _ => Envelopes.Push("recent", $"hotel-{n % 5000}", 20),
    };

    /// <summary>A set op whose envelope is about <paramref name="bytes"/> bytes on the wire.</summary>
    public static Op Padded(long n, int bytes) => Envelopes.Set("blob", $"\"{new string('x', Math.Max(1, bytes - 90))}{n}\"");
}
