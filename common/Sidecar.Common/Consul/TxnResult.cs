namespace Sidecar.Common.Consul;

/// <summary>The outcome of a transaction: committed with its results, or rolled back with the reasons.</summary>
public sealed class TxnResult
{
    public TxnResult(bool committed, IReadOnlyList<KvPair> results, IReadOnlyList<TxnError> errors)
    {
        Committed = committed;
        Results = results;
        Errors = errors;
    }

    /// <summary>True when every operation applied; false when Consul rolled all of them back (409).</summary>
    public bool Committed { get; }

    /// <summary>The entries the operations returned, in order (values only for get and get-tree).</summary>
    public IReadOnlyList<KvPair> Results { get; }

    /// <summary>Why the transaction was rolled back; empty when committed.</summary>
    public IReadOnlyList<TxnError> Errors { get; }
}

/// <summary>The operation (by position) that failed a transaction, and Consul's reason.</summary>
public sealed record TxnError(int OpIndex, string What);
