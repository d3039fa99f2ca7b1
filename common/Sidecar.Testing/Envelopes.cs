using System.Text;
using Google.Protobuf;
using Sidecar.Common.Envelope;

namespace Sidecar.Testing;

/// <summary>Builds update envelopes the way a node stamps them.</summary>
/// <param name="firstHlc">The clock of the first envelope's first op (by default a small one, far
/// in the past: fine for everything but expiry, which reads stamps as times).</param>
public sealed class Envelopes(string origin, ulong firstHlc = 1_000_000)
{
    private ulong _hlc = firstHlc;
    private long _sequence;

    public UpdateEnvelope Create(string userId, params Op[] ops)
    {
        var envelope = Stamped(origin, $"{origin}-test-{++_sequence}", userId, _hlc + 1, ops);
        _hlc += (ulong)ops.Length;
        return envelope;
    }

    /// <summary>An envelope whose ops get consecutive clocks from <paramref name="hlc"/> and ids "id:index".</summary>
    public static UpdateEnvelope Stamped(string origin, string id, string userId, ulong hlc, IEnumerable<Op> ops)
    {
        var envelope = new UpdateEnvelope { SchemaVersion = EnvelopeSchema.Version, UserId = userId, OriginDc = origin, Id = id };
        var i = 0;
        foreach (var op in ops)
        {
            var copy = op.Clone();
            copy.Hlc = hlc + (ulong)i;
            copy.Id = $"{id}:{i++}";
            envelope.Ops.Add(copy);
        }

        return envelope;
    }

    public static Op Set(string field, string json) =>
        new() { Set = new SetField { Field = field, JsonValue = ByteString.CopyFrom(Encoding.UTF8.GetBytes(json)) } };

    public static Op Push(string list, string item, uint max = 5) => new() { Push = new PushItem { List = list, Item = item, Max = max } };

    public static Op Incr(string counter, long by = 1) => new() { Incr = new IncrementCounter { Counter = counter, By = by } };
}
