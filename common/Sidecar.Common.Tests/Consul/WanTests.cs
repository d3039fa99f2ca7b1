using Sidecar.Common.Consul;
using Sidecar.Testing;
using static Sidecar.Common.Tests.Consul.ConsulFixture;

namespace Sidecar.Common.Tests.Consul;

/// <summary>Two WAN-joined datacenters: <c>?dc=</c> reaches the other one's KV, sessions and health.</summary>
public sealed class WanTests : IAsyncLifetime
{
    private ConsulAgent? _a;
    private ConsulAgent? _b;

    public async Task InitializeAsync() => (_a, _b) = await ConsulAgent.StartWanPairAsync("dc-a", "dc-b");

    public async Task DisposeAsync()
    {
        foreach (var agent in new[] { _a, _b })
        {
            if (agent is not null)
            {
                await agent.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Kv_and_sessions_are_per_datacenter_and_reached_with_dc()
    {
        using var a = _a!.Client();
        using var b = _b!.Client();
        var key = Prefix() + "vote";

        var session = await a.Sessions.CreateAsync(new SessionRequest { Ttl = TimeSpan.FromSeconds(30), Node = _b!.NodeName }, "dc-b");
        Assert.True(await a.Kv.AcquireAsync(key, Bytes("ready"), session, "dc-b"));

        var inB = (await b.Kv.GetAsync(key)).Value!;
        Assert.Equal(session, inB.Session);
        Assert.Null((await a.Kv.GetAsync(key)).Value);
        Assert.Equal("ready", (await a.Kv.GetAsync(key, new ConsulQuery { Datacenter = "dc-b" })).Value!.ValueText);

        var txn = await a.Txn.ExecuteAsync([TxnOp.CheckSession(key, session), TxnOp.Cas(key + "-decision", Bytes("commit"), 0)], "dc-b");
        Assert.True(txn.Committed);
        Assert.Equal("commit", (await b.Kv.GetAsync(key + "-decision")).Value!.ValueText);
    }

    [Fact]
    public async Task The_default_datacenter_option_applies_to_every_call()
    {
        using var aToB = _a!.Client(o => o.Datacenter = "dc-b");
        using var b = _b!.Client();
        var key = Prefix() + "k";

        Assert.True(await aToB.Kv.CasAsync(key, Bytes("x"), 0));

        Assert.Equal("x", (await b.Kv.GetAsync(key)).Value!.ValueText);
        Assert.NotEqual("", await aToB.Status.LeaderAsync());
        Assert.Equal(["dc-a", "dc-b"], (await aToB.Catalog.DatacentersAsync()).Order());
    }
}
