namespace Sidecar.Cli;

/// <summary>What <c>sidecarctl --help</c> says before the list of commands.</summary>
internal static class RootHelp
{
    public const string Text = """
        sidecarctl: the operator's tool for the sidecar.
          snapshot build|publish|list   make a dataset version offline, put it in a registry, list what is published
          rollout start|status|abort    swap every node to a version with a two-phase commit in Consul
          rollback                      roll out the version committed before the current one
          status                        the whole system as tables: datacenters, nodes, rollouts, replication, proxies
          dashboard                     the same facts as a live web page
          rules check                   validate an ingest rules file offline and show what sample events become
        Every Consul-facing command takes --consul (default $SIDECAR_CONSUL or http://127.0.0.1:8500), --prefix and --token.
        Exit codes: 0 done, 1 the operation failed (or a rollout aborted, or status found a problem), 2 bad input.
        'sidecarctl <command> --help' explains each command and its options.
        """;
}
