namespace Sidecar.Common.Contracts;

/// <summary>
/// The headers of the request-id contract (README, "Request ids"): the node reads and answers
/// them, the proxy retries a write on another node only when it carries a key.
/// </summary>
public static class IdempotencyHeaders
{
    /// <summary>The client's key of a write request; the node returns the key it used in the same header.</summary>
    public const string Key = "Idempotency-Key";

    /// <summary>Set to <c>true</c> on an answer given from the request memory, without producing.</summary>
    public const string Replayed = "Idempotent-Replayed";
}
