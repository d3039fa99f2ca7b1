using Microsoft.Extensions.Options;
using Sidecar.Common.Contracts;

namespace Sidecar.Proxy.Configuration;

[OptionsValidator]
public sealed partial class ProxyOptionsAnnotations : IValidateOptions<ProxyOptions>;

/// <summary>Rules across fields that annotations cannot say.</summary>
public sealed class ProxyOptionsValidator : IValidateOptions<ProxyOptions>
{
    public ValidateOptionsResult Validate(string? name, ProxyOptions options)
    {
        var failures = new List<string>();
        var annotations = new ProxyOptionsAnnotations().Validate(name, options);
        if (annotations.Failed)
        {
            failures.AddRange(annotations.Failures);
        }

        foreach (var dc in options.Datacenters)
        {
            if (!DatacenterName.IsValid(dc))
            {
                failures.Add(DatacenterName.Problem($"Proxy:Datacenters: '{dc}'"));
            }
        }

        if (options.Datacenters.Distinct(StringComparer.Ordinal).Count() != options.Datacenters.Count)
        {
            failures.Add("Proxy:Datacenters names a datacenter twice.");
        }

        if (!options.Datacenters.Contains(options.Datacenter))
        {
            failures.Add($"Proxy:Datacenters must include the local datacenter '{options.Datacenter}'.");
        }

        var consul = options.Consul.Address;
        if (string.IsNullOrWhiteSpace(consul) && string.IsNullOrWhiteSpace(options.MembershipFile))
        {
            failures.Add("No membership: set Proxy:Consul:Address, Proxy:MembershipFile, or both.");
        }

        if (!string.IsNullOrWhiteSpace(consul) && !(Uri.TryCreate(consul, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            failures.Add($"Proxy:Consul:Address '{consul}' is not an http(s) URL.");
        }

        if (options.ActiveHealth.Timeout > options.ActiveHealth.Interval * 10)
        {
            failures.Add("Proxy:ActiveHealth:Timeout must be at most ten intervals.");
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
