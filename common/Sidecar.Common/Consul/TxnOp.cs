using System.Text.Json.Serialization;

namespace Sidecar.Common.Consul;

/// <summary>One KV operation of a <c>/v1/txn</c> transaction; made by the factory methods.</summary>
public sealed class TxnOp
{
    /// <summary>Consul refuses a transaction with more operations than this.</summary>
    public const int MaxOperations = 64;

    private TxnOp(string verb, string key, byte[]? value = null, ulong? index = null, string? session = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        Verb = verb;
        Key = key;
        Value = value;
        Index = index;
        Session = session;
    }

    public string Verb { get; }

    public string Key { get; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public byte[]? Value { get; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ulong? Index { get; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Session { get; }

    public static TxnOp Set(string key, byte[] value) => new("set", key, value);

    /// <summary>Sets the key only if its ModifyIndex is <paramref name="index"/> (0: only if absent).</summary>
    public static TxnOp Cas(string key, byte[] value, ulong index) => new("cas", key, value, index);

    /// <summary>Sets the key and takes its lock for the session, if no other session holds it.</summary>
    public static TxnOp Lock(string key, byte[] value, string session) => new("lock", key, value, session: session);

    public static TxnOp Unlock(string key, byte[] value, string session) => new("unlock", key, value, session: session);

    /// <summary>Returns the entry; fails the transaction if it does not exist.</summary>
    public static TxnOp Get(string key) => new("get", key);

    public static TxnOp GetTree(string prefix) => new("get-tree", prefix);

    /// <summary>Fails the transaction unless the key's ModifyIndex is <paramref name="index"/>.</summary>
    public static TxnOp CheckIndex(string key, ulong index) => new("check-index", key, index: index);

    /// <summary>Fails the transaction unless the key is locked by <paramref name="session"/>.</summary>
    public static TxnOp CheckSession(string key, string session) => new("check-session", key, session: session);

    /// <summary>Fails the transaction if the key exists.</summary>
    public static TxnOp CheckNotExists(string key) => new("check-not-exists", key);

    public static TxnOp Delete(string key) => new("delete", key);

    public static TxnOp DeleteTree(string prefix) => new("delete-tree", prefix);

    /// <summary>Deletes the key only if its ModifyIndex is <paramref name="index"/>.</summary>
    public static TxnOp DeleteCas(string key, ulong index) => new("delete-cas", key, index: index);
}
