namespace Sidecar.Common.Consul;

/// <summary>A read's result and its <c>X-Consul-Index</c> (0 when Consul sent none).</summary>
public sealed record ConsulResponse<T>(T Value, ulong Index);
