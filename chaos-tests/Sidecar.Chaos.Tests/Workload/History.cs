using System.Collections.Concurrent;

namespace Sidecar.Chaos.Tests.Workload;

/// <summary>Every operation the clients issued, with its outcome (a Jepsen-style history).</summary>
internal sealed class History
{
    private readonly ConcurrentQueue<Operation> _operations = new();

    public void Add(Operation operation) => _operations.Enqueue(operation);

    public IReadOnlyList<Operation> Operations => [.. _operations];

    public int Acknowledged => _operations.Count(o => o.Outcome == Outcome.Ok);

    public int Unknown => _operations.Count(o => o.Outcome == Outcome.Unknown);

    /// <summary>Operations answered only after a retry with the same key.</summary>
    public int Retried => _operations.Count(o => o.Attempts > 1);

    public override string ToString() =>
        $"{_operations.Count} operations: {Acknowledged} acknowledged ({Retried} after retries with the same key), {Unknown} unknown, {_operations.Count(o => o.Outcome == Outcome.Failed)} refused";
}
