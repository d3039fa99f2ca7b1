namespace Sidecar.Common.Consul;

/// <summary>What happens to the keys a session holds when it is invalidated.</summary>
public enum SessionBehavior
{
    /// <summary>The locks are released; the keys stay.</summary>
    Release,

    /// <summary>The keys are deleted.</summary>
    Delete,
}
