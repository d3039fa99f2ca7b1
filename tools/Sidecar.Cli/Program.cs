using System.CommandLine;
using Sidecar.Cli;
using Sidecar.Cli.Cluster;
using Sidecar.Cli.Dashboard;
using Sidecar.Common.Consul;
using Sidecar.Store.Snapshots;

// sidecarctl: snapshot build|publish|list, rollout start|status|abort, rollback, status, dashboard, rules check.
// Exit codes: 0 done, 1 the operation failed or a rollout aborted, 2 bad input.
var shared = new CliOptions();
var root = new RootCommand(RootHelp.Text);
root.Subcommands.Add(SnapshotCommands.Create(shared));
root.Subcommands.Add(RolloutCommands.Create(shared));
root.Subcommands.Add(RolloutCommands.Rollback(shared));
root.Subcommands.Add(Sidecar.Cli.Registry.RegistryCommands.Create());
root.Subcommands.Add(StatusCommand.Create(shared));
root.Subcommands.Add(DashboardCommand.Create(shared));
root.Subcommands.Add(Sidecar.Cli.Rules.RulesCommands.Create(shared));
HelpTexts.Apply(root);

try
{
    return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e) when (e is ArgumentException or FormatException or SnapshotInvalidException or InvalidDataException)
{
    await Console.Error.WriteLineAsync("error: " + e.Message);
    return 2;
}
catch (Exception e) when (e is IOException or ConsulException or HttpRequestException or TimeoutException or InvalidOperationException)
{
    await Console.Error.WriteLineAsync("failed: " + e.Message);
    return 1;
}
