using Sidecar.Common.Consul;
using static Sidecar.Common.Tests.Consul.ConsulFixture;

namespace Sidecar.Common.Tests.Consul;

[Collection(ConsulCollection.Name)]
public sealed class AgentHealthTests(ConsulFixture consul)
{
    private readonly ConsulClient _client = consul.Client;

    [Fact]
    public async Task A_service_is_listed_as_passing_only_while_its_ttl_check_passes()
    {
        var (service, check) = await RegisterAsync();
        try
        {
            Assert.Empty(await PassingAsync(service.Name)); // a TTL check starts critical
            Assert.Single((await _client.Health.ServiceAsync(service.Name, passingOnly: false)).Value);

            await _client.Agent.PassAsync(check, "ready");
            var entry = Assert.Single(await PassingAsync(service.Name));
            Assert.Equal(service.Id, entry.Service.Id);
            Assert.Equal(7001, entry.Service.Port);
            Assert.Equal("dc-test", entry.Service.Meta!["datacenter"]);
            Assert.Equal("dc-test", entry.Node.Datacenter);
            Assert.Contains(entry.Checks, c => c.Id == check && c.Status == "passing" && c.Output == "ready");

            await _client.Agent.WarnAsync(check);
            Assert.Empty(await PassingAsync(service.Name));

            await _client.Agent.PassAsync(check);
            Assert.Single(await PassingAsync(service.Name));
            await _client.Agent.FailAsync(check, "broken");
            Assert.Empty(await PassingAsync(service.Name));
        }
        finally
        {
            await _client.Agent.DeregisterServiceAsync(service.Id);
        }

        Assert.Empty((await _client.Health.ServiceAsync(service.Name, passingOnly: false)).Value);
    }

    [Fact]
    public async Task A_health_watch_sees_an_instance_become_healthy()
    {
        var (service, check) = await RegisterAsync();
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await using var watch = _client.Health.WatchServiceAsync(service.Name, cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);
            Assert.True(await watch.MoveNextAsync());
            Assert.Empty(watch.Current.Value);

            await _client.Agent.PassAsync(check);

            do
            {
                Assert.True(await watch.MoveNextAsync());
            }
            while (watch.Current.Value.Count == 0);
            Assert.Equal(service.Id, Assert.Single(watch.Current.Value).Service.Id);
        }
        finally
        {
            await _client.Agent.DeregisterServiceAsync(service.Id);
        }
    }

    [Fact]
    public async Task A_session_bound_to_a_service_check_ends_when_the_check_goes_critical()
    {
        var (service, check) = await RegisterAsync();
        var key = Prefix() + "vote";
        try
        {
            await _client.Agent.PassAsync(check);
            var session = await _client.Sessions.CreateAsync(new SessionRequest { Checks = [SessionRequest.SerfHealth, check] });
            Assert.Contains(check, (await _client.Sessions.InfoAsync(session)).Value!.CheckIds);
            Assert.True(await _client.Kv.AcquireAsync(key, Bytes("ready"), session));
            Assert.Equal(session, (await _client.Kv.GetAsync(key)).Value!.Session);

            await _client.Agent.FailAsync(check);

            await EventuallyAsync("lock release", async () => (await _client.Kv.GetAsync(key)).Value!.Session is null);
            Assert.Null((await _client.Sessions.InfoAsync(session)).Value);
            Assert.False(await _client.Sessions.RenewAsync(session));
        }
        finally
        {
            await _client.Agent.DeregisterServiceAsync(service.Id);
        }
    }

    [Fact]
    public async Task A_session_with_a_ttl_that_is_not_renewed_ends()
    {
        var key = Prefix() + "vote";
        var session = await _client.Sessions.CreateAsync(new SessionRequest { Ttl = SessionRequest.MinTtl });
        Assert.True(await _client.Kv.AcquireAsync(key, Bytes("ready"), session));

        // Consul invalidates between TTL and 2 x TTL after the last renewal.
        await EventuallyAsync("TTL expiry", async () => (await _client.Kv.GetAsync(key)).Value!.Session is null, TimeSpan.FromSeconds(60));
        Assert.False(await _client.Sessions.RenewAsync(session));
    }

    private async Task<(ServiceRegistration Service, string Check)> RegisterAsync()
    {
        var id = "node-" + Guid.NewGuid().ToString("n")[..8];
        var check = id + ":alive";
        var service = new ServiceRegistration
        {
            Id = id,
            Name = "sidecar-" + id, // one service per test, so tests do not see each other's instances
            Address = "127.0.0.1",
            Port = 7001,
            Tags = ["test"],
            Meta = new Dictionary<string, string> { ["datacenter"] = "dc-test", ["version"] = "v1" },
            Checks = [new TtlCheck { Id = check, Name = "alive", Ttl = TimeSpan.FromMinutes(5), DeregisterCriticalServiceAfter = TimeSpan.FromMinutes(10) }],
        };
        await _client.Agent.RegisterServiceAsync(service);
        return (service, check);
    }

    private async Task<IReadOnlyList<ServiceHealth>> PassingAsync(string name) =>
        (await _client.Health.ServiceAsync(name, passingOnly: true, new ConsulQuery { Consistency = ConsulConsistency.Consistent })).Value;
}
