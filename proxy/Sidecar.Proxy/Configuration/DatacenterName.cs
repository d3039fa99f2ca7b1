namespace Sidecar.Proxy.Configuration;

/// <summary>What a datacenter name may look like (the same rule as the node's and the replicator's).</summary>
public static class DatacenterName
{
    public const string Pattern = "^[a-z0-9-]{1,32}$";

    public static bool IsValid(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= 32 && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');
}
