using Sidecar.Common.Consul;
using static Sidecar.Common.Tests.Consul.ConsulFixture;

namespace Sidecar.Common.Tests.Consul;

[Collection(ConsulCollection.Name)]
public sealed class TxnTests(ConsulFixture consul)
{
    private readonly ConsulClient _client = consul.Client;

    [Fact]
    public async Task A_failing_check_rolls_back_every_operation()
    {
        var prefix = Prefix();
        await _client.Kv.PutAsync(prefix + "current", Bytes("v1"));
        var current = (await _client.Kv.GetAsync(prefix + "current")).Value!;

        var result = await _client.Txn.ExecuteAsync(
        [
            TxnOp.Set(prefix + "a", Bytes("1")),
            TxnOp.Cas(prefix + "current", Bytes("v2"), current.ModifyIndex),
            TxnOp.CheckIndex(prefix + "current", current.ModifyIndex + 1000),
        ]);

        Assert.False(result.Committed);
        Assert.Empty(result.Results);
        var error = Assert.Single(result.Errors);
        Assert.Equal(2, error.OpIndex);
        Assert.NotEmpty(error.What);
        Assert.Null((await _client.Kv.GetAsync(prefix + "a")).Value);
        Assert.Equal("v1", (await _client.Kv.GetAsync(prefix + "current")).Value!.ValueText);
    }

    [Fact]
    public async Task A_commit_checks_votes_by_session_and_cases_the_current_version()
    {
        var prefix = Prefix();
        var session = await _client.Sessions.CreateAsync(new SessionRequest { Ttl = TimeSpan.FromSeconds(30) });
        try
        {
            Assert.True(await _client.Kv.AcquireAsync(prefix + "votes/n1", Bytes("ready"), session));
            await _client.Kv.PutAsync(prefix + "current", Bytes("v1"));
            var current = (await _client.Kv.GetAsync(prefix + "current")).Value!;

            var result = await _client.Txn.ExecuteAsync(
            [
                TxnOp.CheckSession(prefix + "votes/n1", session),
                TxnOp.Cas(prefix + "current", Bytes("v2"), current.ModifyIndex),
                TxnOp.CheckNotExists(prefix + "decision"),
                TxnOp.Set(prefix + "decision", Bytes("commit v2")),
                TxnOp.Get(prefix + "current"),
            ]);

            Assert.True(result.Committed, string.Join("; ", result.Errors));
            Assert.Empty(result.Errors);
            Assert.Equal("v2", result.Results[^1].ValueText);
            Assert.Equal("commit v2", (await _client.Kv.GetAsync(prefix + "decision")).Value!.ValueText);
        }
        finally
        {
            await _client.Sessions.DestroyAsync(session);
        }
    }

    [Fact]
    public async Task A_vote_whose_session_died_fails_the_commit()
    {
        var prefix = Prefix();
        var session = await _client.Sessions.CreateAsync(new SessionRequest { Ttl = TimeSpan.FromSeconds(30) });
        Assert.True(await _client.Kv.AcquireAsync(prefix + "votes/n1", Bytes("ready"), session));
        await _client.Sessions.DestroyAsync(session);

        var result = await _client.Txn.ExecuteAsync(
        [
            TxnOp.CheckSession(prefix + "votes/n1", session),
            TxnOp.Cas(prefix + "current", Bytes("v2"), 0),
        ]);

        Assert.False(result.Committed);
        Assert.Equal(0, Assert.Single(result.Errors).OpIndex);
        Assert.Null((await _client.Kv.GetAsync(prefix + "current")).Value);
    }

    [Fact]
    public async Task Sixty_four_operations_commit_and_sixty_five_are_refused_before_sending()
    {
        var prefix = Prefix();
        var ops = Enumerable.Range(0, TxnOp.MaxOperations).Select(i => TxnOp.Set($"{prefix}k{i}", Bytes("x"))).ToList();

        Assert.True((await _client.Txn.ExecuteAsync(ops)).Committed);

        ops.Add(TxnOp.Set(prefix + "one-too-many", Bytes("x")));
        await Assert.ThrowsAsync<ArgumentException>(() => _client.Txn.ExecuteAsync(ops));
        await Assert.ThrowsAsync<ArgumentException>(() => _client.Txn.ExecuteAsync([]));
        Assert.Null((await _client.Kv.GetAsync(prefix + "one-too-many")).Value);
    }
}
