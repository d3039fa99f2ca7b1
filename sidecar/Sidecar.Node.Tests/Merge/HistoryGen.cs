using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;
using Sidecar.Common.Envelope;
using Sidecar.Common.Kafka;
using Sidecar.Testing;

namespace Sidecar.Node.Tests.Merge;

/// <summary>An update as it sits in its origin partition's log.</summary>
public sealed record LoggedUpdate(UpdateEnvelope Envelope, OriginPosition Origin);

/// <summary>
/// Random histories of one user's updates from two datacenters and two partitions each, over
/// small alphabets so that ops collide on the same fields, items and counters.
/// </summary>
public static class HistoryGen
{
    private static readonly string[] Fields = ["a", "b", "c"];
    private static readonly string[] Values = ["1", "\"x\"", "true", "null", "[1,2]", "{\"k\":\"v\"}"];
    private static readonly string[] Lists = ["l1", "l2"];
    private static readonly string[] Items = ["i1", "i2", "i3", "i4", "i5", "i6"];
    private static readonly string[] Counters = ["c1", "c2"];
    private static readonly string[] Origins = ["dc-a", "dc-b"];

    public static Gen<Op> Op() => Gen.Frequency(
        (4, from f in Gen.Elements(Fields) from v in Gen.Elements(Values)
            select new Op { Set = new SetField { Field = f, JsonValue = ByteString.CopyFrom(Encoding.UTF8.GetBytes(v)) } }),
        (1, from f in Gen.Elements(Fields) select new Op { Del = new DeleteField { Field = f } }),
        (4, from l in Gen.Elements(Lists) from i in Gen.Elements(Items) from m in Gen.Choose(1, 5)
            select new Op { Push = new PushItem { List = l, Item = i, Max = (uint)m } }),
        (4, from c in Gen.Elements(Counters) from amount in Gen.Choose(-3, 5)
            select new Op { Incr = new IncrementCounter { Counter = c, By = amount } }),
        (1, from observed in Observation().ListOf().Select(l => l.Take(3).ToList())
            select DeleteUser(observed)));

    private static Gen<CounterObservation> Observation() =>
        from c in Gen.Elements(Counters)
        from o in Gen.Elements(Origins)
        from p in Gen.Choose(0, 1)
        from offset in Gen.Choose(0, 8)
        from value in Gen.Choose(-5, 20)
        select new CounterObservation { Counter = c, OriginDc = o, OriginPartition = p, OriginOffset = offset, Value = value };

    private static Op DeleteUser(IEnumerable<CounterObservation> observed)
    {
        var delete = new DeleteUser();
        delete.Observed.AddRange(observed);
        return new Op { DeleteUser = delete };
    }

    /// <summary>
    /// A history: each update gets the next offset of its origin partition. Some updates are
    /// another record of an earlier request (same id): the same bytes again in the same partition
    /// (a producer's retry), or the request accepted anew, with its own clock, in any partition
    /// of either datacenter (a retry on another node).
    /// </summary>
    public static Gen<List<LoggedUpdate>> History() =>
        (from origin in Gen.Elements(Origins)
         from partition in Gen.Choose(0, 1)
         from hlc in Gen.Choose(1, 30)
         from ops in Op().NonEmptyListOf().Select(l => l.Take(4).ToList())
         from copy in Gen.Frequency((6, Gen.Constant(Copy.None)), (1, Gen.Constant(Copy.SameBytes)), (1, Gen.Constant(Copy.Retry)))
         from earlier in Gen.Choose(0, 1000)
         select (origin, partition, hlc, ops, copy, earlier))
        .ListOf()
        .Select(items =>
        {
            var offsets = new Dictionary<(string, int), long>();
            var history = new List<LoggedUpdate>();
            var n = 0;
            foreach (var (origin, partition, hlc, ops, copy, earlier) in items.Take(40))
            {
                LoggedUpdate? of = history.Count > 0 && copy != Copy.None ? history[earlier % history.Count] : null;
                var key = of is not null && copy == Copy.SameBytes ? (of.Origin.Datacenter, of.Origin.Partition) : (origin, partition);
                var offset = offsets.GetValueOrDefault(key);
                offsets[key] = offset + 1;
                // Small HLCs so that concurrent writes really race; ids keep stamps unique.
                var envelope = of is null
                    ? Envelopes.Stamped(origin, $"{origin}-{n++}", "u", (ulong)(hlc * 8), ops)
                    : copy == Copy.SameBytes
                        ? of.Envelope
                        : Envelopes.Stamped(origin, of.Envelope.Id, "u", (ulong)(hlc * 8), of.Envelope.Ops);

                history.Add(new LoggedUpdate(envelope, new OriginPosition(key.Item1, key.Item2, offset)));
            }

            return history;
        });

    /// <summary>The count a reader must see: every request's increments once (those of its first record).</summary>
    public static long ExpectedCount(IEnumerable<LoggedUpdate> history, string counter) =>
        history.GroupBy(u => u.Envelope.Id)
            .Select(g => g.OrderBy(u => u.Envelope.Ops[0].Hlc).ThenBy(u => u.Origin.Datacenter, StringComparer.Ordinal)
                .ThenBy(u => u.Origin.Partition).ThenBy(u => u.Origin.Offset).First())
            .SelectMany(u => u.Envelope.Ops)
            .Where(o => o.KindCase == Sidecar.Common.Envelope.Op.KindOneofCase.Incr && o.Incr.Counter == counter)
            .Sum(o => o.Incr.By);

    private enum Copy
    {
        None,
        SameBytes,
        Retry,
    }

    /// <summary>
    /// An order in which a node may receive the history: each origin partition in its own order,
    /// partitions interleaved at random, and earlier records delivered again at random (what
    /// at-least-once mirroring and consumer restarts do).
    /// </summary>
    public static Gen<List<LoggedUpdate>> Delivery(List<LoggedUpdate> history) =>
        from picks in Gen.Choose(0, 1000).ArrayOf(history.Count * 2)
        select Interleave(history, picks);

    private static List<LoggedUpdate> Interleave(List<LoggedUpdate> history, int[] picks)
    {
        var logs = history.GroupBy(u => (u.Origin.Datacenter, u.Origin.Partition)).Select(g => new Queue<LoggedUpdate>(g)).ToList();
        var delivered = new List<LoggedUpdate>();
        var pick = 0;
        while (logs.Any(l => l.Count > 0))
        {
            var choice = picks[pick++ % picks.Length];
            var open = logs.Where(l => l.Count > 0).ToList();
            delivered.Add(open[choice % open.Count].Dequeue());
            if (choice % 5 == 0)
            {
                // Redeliver an earlier record.
                delivered.Add(delivered[choice % delivered.Count]);
            }
        }

        return delivered;
    }
}
