using System.CommandLine;
using Sidecar.Stack;

// sidecar-stack: what ./run.sh runs. "up" (the default) starts the two-datacenter stack on
// loopback; "load" drives the demo workload through its proxies.
var root = new RootCommand("sidecar-stack: the whole system on one machine (two datacenters on loopback) and a demo workload");
var up = UpCommand.Create();
root.Subcommands.Add(up);
root.Subcommands.Add(LoadCommand.Create());
// "up" handles SIGINT and SIGTERM itself: it must outlive them until every part has stopped.
return await root.Parse(args.Length == 0 ? ["up"] : args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
