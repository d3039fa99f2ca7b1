namespace Sidecar.Common.Consul;

/// <summary>Consul's rules for the index of the next blocking query, from the one sent and the
/// <c>X-Consul-Index</c> returned (API docs, "Blocking Queries", implementation details).</summary>
public static class BlockingIndex
{
    /// <summary>
    /// The index to send next. An index that went backwards (a snapshot restore, a KV list whose
    /// newest entry was deleted, ...) resets to 0: one plain read, then blocking resumes from its
    /// answer. A returned 0 is a Consul bug; sending it would make every query return at once (a
    /// busy loop), so it becomes 1, which blocks until anything changes.
    /// </summary>
    public static ulong Next(ulong sent, ulong returned) =>
        returned < sent ? 0 : Math.Max(returned, 1);

    /// <summary>Whether the answer is worth reporting: the first one, or one whose index moved.</summary>
    public static bool Changed(ulong sent, ulong returned) => sent == 0 || returned != sent;
}
