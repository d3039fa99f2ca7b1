using Sidecar.Chaos.Tests.Topology;

namespace Sidecar.Chaos.Tests.Scenarios;

/// <summary>
/// One deployment (1 Consul server per datacenter) shared by the scenarios of the
/// <see cref="SharedDeploymentCollection"/>, one after the other: bringing twelve containers up
/// costs more than most scenarios, and the suite must fit in CI's budget. Each scenario writes
/// its own users, leaves the deployment healed, and checks every invariant (including identical
/// digests over all data) before the next one starts.
/// </summary>
public sealed class SharedDeployment : IAsyncLifetime
{
    private readonly ChaosRun _run = new("chaos");

    internal Deployment Deployment { get; private set; } = null!;

    public async Task InitializeAsync() => Deployment = await Deployment.StartAsync(_run);

    public async Task DisposeAsync() => await _run.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class SharedDeploymentCollection : ICollectionFixture<SharedDeployment>
{
    public const string Name = "shared deployment";
}
