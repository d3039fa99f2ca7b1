namespace Sidecar.Node.Coordination;

/// <summary>This node may not hold a session now (it is not ready): it neither votes nor coordinates until it is.</summary>
internal sealed class NodeNotReadyException : Exception
{
    public NodeNotReadyException(string message)
        : base(message)
    {
    }
}
