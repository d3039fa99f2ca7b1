using System.Net;
using Sidecar.Common.Consul;
using static Sidecar.Common.Tests.Consul.ConsulFixture;

namespace Sidecar.Common.Tests.Consul;

[Collection(ConsulCollection.Name)]
public sealed class SessionTests(ConsulFixture consul)
{
    private readonly ConsulClient _client = consul.Client;

    [Fact]
    public async Task A_held_key_cannot_be_acquired_by_another_session_until_released()
    {
        var key = Prefix() + "vote";
        var first = await _client.Sessions.CreateAsync(new SessionRequest { Name = "first", Ttl = TimeSpan.FromSeconds(30) });
        var second = await _client.Sessions.CreateAsync(new SessionRequest { Name = "second", Ttl = TimeSpan.FromSeconds(30) });
        try
        {
            Assert.True(await _client.Kv.AcquireAsync(key, Bytes("yes"), first));
            Assert.False(await _client.Kv.AcquireAsync(key, Bytes("no"), second));
            var held = (await _client.Kv.GetAsync(key)).Value!;
            Assert.Equal(first, held.Session);
            Assert.Equal("yes", held.ValueText);

            Assert.False(await _client.Kv.ReleaseAsync(key, Bytes("yes"), second));
            Assert.True(await _client.Kv.ReleaseAsync(key, Bytes("withdrawn"), first));
            Assert.Null((await _client.Kv.GetAsync(key)).Value!.Session);

            Assert.True(await _client.Kv.AcquireAsync(key, Bytes("no"), second));
            Assert.Equal(second, (await _client.Kv.GetAsync(key)).Value!.Session);
        }
        finally
        {
            await _client.Sessions.DestroyAsync(first);
            await _client.Sessions.DestroyAsync(second);
        }
    }

    [Fact]
    public async Task Destroying_a_session_releases_its_locks_and_renew_reports_it_gone()
    {
        var key = Prefix() + "vote";
        var session = await _client.Sessions.CreateAsync(new SessionRequest { Ttl = TimeSpan.FromSeconds(30) });
        Assert.True(await _client.Kv.AcquireAsync(key, Bytes("yes"), session));
        Assert.True(await _client.Sessions.RenewAsync(session));

        Assert.True(await _client.Sessions.DestroyAsync(session));

        var entry = (await _client.Kv.GetAsync(key)).Value!;
        Assert.Null(entry.Session);
        Assert.Equal("yes", entry.ValueText); // behavior release keeps the key
        Assert.False(await _client.Sessions.RenewAsync(session));
        Assert.Null((await _client.Sessions.InfoAsync(session)).Value);
    }

    [Fact]
    public async Task Keep_alive_renews_until_the_session_is_lost()
    {
        var session = await _client.Sessions.CreateAsync(new SessionRequest { Ttl = TimeSpan.FromSeconds(30) });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var keepAlive = _client.Sessions.KeepAliveAsync(session, TimeSpan.FromMilliseconds(100), cancellationToken: cts.Token);
        await Task.Delay(500);
        Assert.False(keepAlive.IsCompleted, "keep-alive ended while the session was alive");

        await _client.Sessions.DestroyAsync(session);

        Assert.False(await keepAlive);
    }

    [Fact]
    public async Task A_delete_behavior_session_removes_its_keys_when_it_ends()
    {
        var key = Prefix() + "ephemeral";
        var session = await _client.Sessions.CreateAsync(new SessionRequest { Ttl = TimeSpan.FromSeconds(30), Behavior = SessionBehavior.Delete });
        Assert.True(await _client.Kv.AcquireAsync(key, Bytes("x"), session));

        await _client.Sessions.DestroyAsync(session);

        Assert.Null((await _client.Kv.GetAsync(key)).Value);
    }

    [Fact]
    public async Task Info_describes_the_session_as_created()
    {
        var session = await _client.Sessions.CreateAsync(new SessionRequest { Name = "described", Ttl = TimeSpan.FromSeconds(15) });
        try
        {
            var info = (await _client.Sessions.InfoAsync(session)).Value!;
            Assert.Equal(session, info.Id);
            Assert.Equal("described", info.Name);
            Assert.Equal(consul.Agent.NodeName, info.Node);
            Assert.Equal(TimeSpan.FromSeconds(15), ConsulDuration.Parse(info.Ttl!));
            Assert.Equal("release", info.Behavior);
            Assert.Equal([SessionRequest.SerfHealth], info.CheckIds);
        }
        finally
        {
            await _client.Sessions.DestroyAsync(session);
        }
    }

    [Fact]
    public async Task A_session_bound_to_an_unknown_check_is_refused_with_a_typed_error()
    {
        var error = await Assert.ThrowsAsync<ConsulException>(() =>
            _client.Sessions.CreateAsync(new SessionRequest { Checks = [SessionRequest.SerfHealth, "no-such-check"] }));

        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Contains("no-such-check", error.Body);
    }

    [Fact]
    public async Task A_ttl_outside_consuls_bounds_is_refused_before_sending()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            _client.Sessions.CreateAsync(new SessionRequest { Ttl = TimeSpan.FromSeconds(5) }));
    }
}
