using Google.Protobuf;
using RocksDbSharp;
using Sidecar.Store.State;

namespace Sidecar.Node.Storage;

/// <summary>Reads and writes users and offsets in one version's database.</summary>
internal static class UserStore
{
    private static readonly ISpanDeserializer<UserState> StateDeserializer = new UserStateDeserializer();

    /// <summary>A user's stored state, in the version's key layout.</summary>
    public static UserState? Read(StoreVersion version, string userId) => version.Db.Get(version.Layout.User(userId), StateDeserializer);

    public static UserState? Read(RocksDb db, byte[] userKey) => db.Get(userKey, StateDeserializer);

    public static long? ReadInt64(RocksDb db, byte[] key) => StoreKeys.ReadInt64(db.Get(key));

    private sealed class UserStateDeserializer : ISpanDeserializer<UserState>
    {
        public UserState Deserialize(ReadOnlySpan<byte> buffer) => UserState.Parser.ParseFrom(buffer);
    }
}
