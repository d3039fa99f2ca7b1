using Google.Protobuf;
using Sidecar.Node.Apply;
using Sidecar.Node.Merge;
using Sidecar.Store.State;

namespace Sidecar.Node.Tests.Merge;

/// <summary>
/// One user's state as a node builds it: each origin record applied once, skipped when its
/// origin offset is at or below the highest applied (the node's BatchApplier does the same in
/// RocksDB; <see cref="Integration.BatchApplierTests"/> covers that path).
/// </summary>
internal sealed class Replica
{
    public const int ListCap = 4;

    private readonly Dictionary<(string, int), long> _highest = [];

    public UserState State { get; } = new();

    public static Replica Of(IEnumerable<LoggedUpdate> delivery)
    {
        var replica = new Replica();
        foreach (var update in delivery)
        {
            replica.Apply(update);
        }

        return replica;
    }

    public void Apply(LoggedUpdate update)
    {
        var key = (update.Origin.Datacenter, update.Origin.Partition);
        if (_highest.TryGetValue(key, out var highest) && update.Origin.Offset <= highest)
        {
            return;
        }

        UpdateApplier.Apply(State, update.Envelope, update.Origin, ListCap);
        _highest[key] = update.Origin.Offset;
    }

    public static UserState Join(UserState a, UserState b)
    {
        var result = a.Clone();
        StateMerge.Join(result, b, ListCap);
        return result;
    }

    public static string Bytes(UserState state) => Convert.ToHexString(state.ToByteArray());
}
