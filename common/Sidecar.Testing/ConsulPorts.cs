namespace Sidecar.Testing;

/// <summary>
/// Every port a Consul dev agent binds (DNS and gRPC are off). A launcher that owns a block of
/// ports passes its own, so that no other launcher's free-port pick can land on one of them
/// between the check and the agent's bind.
/// </summary>
public sealed record ConsulPorts(int Http, int SerfLan, int SerfWan, int Server)
{
    /// <summary>Four ports from <see cref="FreePorts"/>.</summary>
    public static ConsulPorts Free() => new(FreePorts.Next(), FreePorts.Next(), FreePorts.Next(), FreePorts.Next());
}
