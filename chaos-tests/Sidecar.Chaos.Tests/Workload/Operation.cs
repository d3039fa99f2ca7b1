namespace Sidecar.Chaos.Tests.Workload;

internal enum OpKind
{
    /// <summary>Sets a field no other operation writes ("c{client}-{seq}").</summary>
    Set,

    /// <summary>Deletes a field its client set earlier (and saw acknowledged).</summary>
    Delete,

    /// <summary>Pushes a unique item to the list "recent".</summary>
    Push,

    /// <summary>Increments the counter "views" by one.</summary>
    Increment,

    /// <summary>Sets the field "shared", which every client writes: last writer wins.</summary>
    SetShared,
}

internal enum Outcome
{
    /// <summary>2xx: the node produced the update; it must never be lost.</summary>
    Ok,

    /// <summary>4xx: refused before anything was produced; it must never appear.</summary>
    Failed,

    /// <summary>5xx, timeout, connection lost on every attempt: it may or may not have been produced.</summary>
    Unknown,
}

/// <summary>One operation of the history: what a client asked, when, and what it was told at
/// the last of its <paramref name="Attempts"/> (all with the same idempotency key).</summary>
internal sealed record Operation(
    string Client, long Seq, string User, OpKind Kind, string Name, string Value,
    DateTime Start, DateTime End, Outcome Outcome, int Status, int Attempts = 1);
