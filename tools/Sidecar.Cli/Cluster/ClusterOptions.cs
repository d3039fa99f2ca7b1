using System.CommandLine;
using Sidecar.Common.Consul;

namespace Sidecar.Cli.Cluster;

/// <summary>The options of <c>status</c> and <c>dashboard</c>: what to look at besides Consul.</summary>
internal sealed class ClusterOptions
{
    public ClusterOptions(CliOptions shared) => Shared = shared;

    public CliOptions Shared { get; }

    public Option<string> Service { get; } = new("--service")
    {
        Description = "The Consul service the nodes register as (the nodes' Consul:ServiceName)",
        DefaultValueFactory = _ => "sidecar",
    };

    public Option<string[]> Proxies { get; } = new("--proxy")
    {
        Description = "A proxy's URL (repeat for each; default $SIDECAR_PROXIES, comma-separated): request rates, and where a user is routed",
        AllowMultipleArgumentsPerToken = true,
        DefaultValueFactory = _ => FromEnvironment("SIDECAR_PROXIES"),
    };

    public Option<string[]> Replicators { get; } = new("--replicator")
    {
        Description = "A replicator's URL (repeat for each; default $SIDECAR_REPLICATORS, comma-separated): lag per direction",
        AllowMultipleArgumentsPerToken = true,
        DefaultValueFactory = _ => FromEnvironment("SIDECAR_REPLICATORS"),
    };

    public void AddTo(Command command)
    {
        Shared.AddTo(command);
        command.Options.Add(Service);
        command.Options.Add(Proxies);
        command.Options.Add(Replicators);
    }

    /// <summary>A reader for the parsed options; the caller disposes the Consul client and the HTTP client.</summary>
    public (ClusterReader Reader, ConsulClient Consul, HttpClient Http) Reader(ParseResult result)
    {
        var targets = new ClusterTargets(result.GetValue(Service)!, Urls(result.GetValue(Proxies)!, "--proxy"), Urls(result.GetValue(Replicators)!, "--replicator"));
        var consul = Shared.Client(result);
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        return (new ClusterReader(consul, Shared.Keys(result), targets, http, Shared.Time, result.GetValue(Shared.Dataset)!), consul, http);
    }

    private static List<Uri> Urls(string[] values, string option) =>
        values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(v => Uri.TryCreate(v, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                ? uri
                : throw new ArgumentException($"{option} '{v}' is not an absolute http URL"))
            .ToList();

    private static string[] FromEnvironment(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? [value] : [];
}
