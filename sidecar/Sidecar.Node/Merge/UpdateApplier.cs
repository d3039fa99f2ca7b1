using Sidecar.Common.Envelope;
using Sidecar.Common.Kafka;
using Sidecar.Store.State;

namespace Sidecar.Node.Merge;

/// <summary>
/// Applies one update envelope, first written at <c>origin</c>, to a user's state. Each op is
/// merged as the piece of state it stands for (see <see cref="StateMerge"/>).
/// </summary>
/// <remarks>
/// Counter increments are the one op that is not idempotent by itself: they land once per
/// origin record because the shard they land in is versioned by the origin offset, and an
/// envelope at or below a shard's offset is already included; and they count once per request
/// because <see cref="RequestMemory"/> remembers the request's records and only the first counts.
/// </remarks>
internal static class UpdateApplier
{
    /// <summary>Applies the envelope; true when its request id had been applied already (a
    /// retry or a second copy: it changes no count, and its other ops are idempotent).</summary>
    public static bool Apply(UserState state, UpdateEnvelope envelope, OriginPosition origin, int listCap)
    {
        foreach (var op in envelope.Ops)
        {
            var stamp = new Stamp { Hlc = op.Hlc, Origin = envelope.OriginDc, Id = op.Id };
            switch (op.KindCase)
            {
                case Op.KindOneofCase.Set:
                    StateMerge.MergeField(state, new FieldEntry { Name = op.Set.Field, Stamp = stamp, JsonValue = op.Set.JsonValue });
                    break;
                case Op.KindOneofCase.Del:
                    StateMerge.MergeField(state, new FieldEntry { Name = op.Del.Field, Stamp = stamp, Tombstone = true });
                    break;
                case Op.KindOneofCase.Push:
                    var list = StateMerge.List(state, op.Push.List);
                    StateMerge.MergeListMax(list, stamp, op.Push.Max);
                    StateMerge.MergeListItem(list, op.Push.Item, stamp);
                    break;
                case Op.KindOneofCase.DeleteUser:
                    StateMerge.MergeDeleted(state, stamp);
                    foreach (var seen in op.DeleteUser.Observed)
                    {
                        StateMerge.MergeShard(StateMerge.Counter(state, seen.Counter), new CounterShard
                        {
                            Origin = seen.OriginDc,
                            Partition = seen.OriginPartition,
                            Offset = -1,
                            BaseOffset = seen.OriginOffset,
                            BaseValue = seen.Value,
                        });
                        RequestMemory.BaselineMoved(StateMerge.Shard(StateMerge.Counter(state, seen.Counter), seen.OriginDc, seen.OriginPartition));
                    }

                    break;
                case Op.KindOneofCase.Incr:
                    // Handled below, summed per counter.
                    break;
                default:
                    throw new InvalidOperationException($"op kind {op.KindCase} passed validation but has no merge rule");
            }
        }

        // Summed per counter once: one envelope is one origin offset, and the request memory
        // records the same sums.
        var increments = Increments(envelope);
        ApplyIncrements(state, increments, origin);
        StateMerge.Normalize(state, listCap);
        return RequestMemory.Record(state, envelope, origin, increments);
    }

    private static void ApplyIncrements(UserState state, IReadOnlyList<(string Counter, long By)> increments, OriginPosition origin)
    {
        foreach (var (counter, by) in increments)
        {
            var shard = StateMerge.Shard(StateMerge.Counter(state, counter), origin.Datacenter, origin.Partition);
            if (origin.Offset > shard.Offset)
            {
                shard.Value = unchecked(shard.Value + by);
                shard.Offset = origin.Offset;
            }
        }
    }

    private static readonly (string, long)[] NoIncrements = [];

    /// <summary>The envelope's increments summed per counter, in the order counters first appear.</summary>
    private static IReadOnlyList<(string Counter, long By)> Increments(UpdateEnvelope envelope)
    {
        List<(string Counter, long By)>? sums = null;
        foreach (var op in envelope.Ops)
        {
            if (op.KindCase != Op.KindOneofCase.Incr)
            {
                continue;
            }

            sums ??= [];
            var index = sums.FindIndex(s => s.Counter == op.Incr.Counter);
            if (index < 0)
            {
                sums.Add((op.Incr.Counter, op.Incr.By));
            }
            else
            {
                sums[index] = (op.Incr.Counter, checked(sums[index].By + op.Incr.By));
            }
        }

        return sums ?? (IReadOnlyList<(string, long)>)NoIncrements;
    }
}
