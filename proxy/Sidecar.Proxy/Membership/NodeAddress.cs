namespace Sidecar.Proxy.Membership;

/// <summary>One node as a membership source reports it: id, datacenter and base URL.</summary>
public sealed record NodeAddress(string Id, string Datacenter, string Address);
