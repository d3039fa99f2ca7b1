using System.CommandLine;
using Sidecar.Common.Consul;
using Sidecar.Common.Contracts;
using Sidecar.Store.Rollout;

namespace Sidecar.Cli;

/// <summary>Options every Consul-facing command shares, and the client they make.</summary>
internal sealed class CliOptions
{
    public Option<string> Consul { get; } = new("--consul")
    {
        Description = "Consul agent HTTP address (default $SIDECAR_CONSUL or http://127.0.0.1:8500)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SIDECAR_CONSUL") is { Length: > 0 } env ? env : "http://127.0.0.1:8500",
    };

    public Option<string> Prefix { get; } = new("--prefix")
    {
        Description = "Consul KV prefix of the project's keys (the nodes' Consul:KvPrefix)",
        DefaultValueFactory = _ => "sidecar",
    };

    public Option<string> Dataset { get; } = new("--dataset")
    {
        Description = "Dataset whose versions and rounds to work on (a node's Datasets:<name>); default the dataset 'default', today's keys",
        DefaultValueFactory = _ => DatasetName.Default,
    };

    public Option<string?> Token { get; } = new("--token") { Description = "Consul ACL token (default $CONSUL_HTTP_TOKEN)" };

    public Option<string?> Datacenter { get; } = new("--dc")
    {
        Description = "Datacenter whose Consul KV holds the keys (the nodes' Rollout:Datacenter, for global rollouts); default the agent's own",
    };

    /// <summary>The clock of the times the CLI writes (requests, decisions, index entries) and of default version ids.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    public void AddTo(Command command)
    {
        command.Options.Add(Consul);
        command.Options.Add(Prefix);
        command.Options.Add(Dataset);
        command.Options.Add(Token);
        command.Options.Add(Datacenter);
    }

    public ConsulClient Client(ParseResult result)
    {
        var address = result.GetValue(Consul)!;
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri))
        {
            throw new ArgumentException($"--consul '{address}' is not an absolute URL");
        }

        return new ConsulClient(new ConsulClientOptions
        {
            Address = uri,
            Token = result.GetValue(Token) ?? Environment.GetEnvironmentVariable("CONSUL_HTTP_TOKEN"),
            Datacenter = result.GetValue(Datacenter) is { Length: > 0 } dc ? dc : null,
        });
    }

    public RolloutKeys Keys(ParseResult result)
    {
        var dataset = result.GetValue(Dataset)!;
        return DatasetName.IsValid(dataset)
            ? new RolloutKeys(result.GetValue(Prefix)!, dataset)
            : throw new ArgumentException(DatasetName.Problem($"--dataset '{dataset}'"));
    }
}
