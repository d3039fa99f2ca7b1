using System.Text;
using System.Text.Json.Serialization;

namespace Sidecar.Common.Consul;

/// <summary>One KV entry as Consul stores it.</summary>
public sealed class KvPair
{
    public required string Key { get; init; }

    /// <summary>The raw value; null when the entry holds none.</summary>
    public byte[]? Value { get; init; }

    public ulong CreateIndex { get; init; }

    /// <summary>The index to pass to a CAS write or a check-index.</summary>
    public ulong ModifyIndex { get; init; }

    public ulong LockIndex { get; init; }

    public ulong Flags { get; init; }

    /// <summary>The session holding the entry's lock; null when unlocked.</summary>
    public string? Session { get; init; }

    /// <summary>The value as UTF-8 text (empty when none).</summary>
    [JsonIgnore]
    public string ValueText => Value is null ? "" : Encoding.UTF8.GetString(Value);
}
