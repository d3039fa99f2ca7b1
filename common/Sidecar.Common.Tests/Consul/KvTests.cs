using Sidecar.Common.Consul;
using static Sidecar.Common.Tests.Consul.ConsulFixture;

namespace Sidecar.Common.Tests.Consul;

[Collection(ConsulCollection.Name)]
public sealed class KvTests(ConsulFixture consul)
{
    private readonly ConsulClient _client = consul.Client;

    [Fact]
    public async Task A_missing_key_reads_as_null_with_an_index()
    {
        var missing = await _client.Kv.GetAsync(Prefix() + "missing");

        Assert.Null(missing.Value);
        Assert.True(missing.Index > 0);
    }

    [Fact]
    public async Task Create_only_cas_succeeds_once()
    {
        var key = Prefix() + "decision";

        Assert.True(await _client.Kv.CasAsync(key, Bytes("commit"), 0));
        Assert.False(await _client.Kv.CasAsync(key, Bytes("abort"), 0));

        var stored = (await _client.Kv.GetAsync(key)).Value;
        Assert.NotNull(stored);
        Assert.Equal("commit", stored.ValueText);
    }

    [Fact]
    public async Task Cas_with_a_stale_index_fails_and_changes_nothing()
    {
        var key = Prefix() + "current";
        await _client.Kv.PutAsync(key, Bytes("v1"));
        var first = (await _client.Kv.GetAsync(key)).Value!;

        Assert.True(await _client.Kv.CasAsync(key, Bytes("v2"), first.ModifyIndex));
        Assert.False(await _client.Kv.CasAsync(key, Bytes("v3"), first.ModifyIndex));

        var now = (await _client.Kv.GetAsync(key)).Value!;
        Assert.Equal("v2", now.ValueText);
        Assert.True(now.ModifyIndex > first.ModifyIndex);
        Assert.Equal(first.CreateIndex, now.CreateIndex);
    }

    [Fact]
    public async Task Delete_with_cas_needs_the_current_index()
    {
        var key = Prefix() + "k";
        await _client.Kv.PutAsync(key, Bytes("x"));
        var entry = (await _client.Kv.GetAsync(key)).Value!;

        Assert.False(await _client.Kv.DeleteCasAsync(key, entry.ModifyIndex - 1));
        Assert.NotNull((await _client.Kv.GetAsync(key)).Value);
        Assert.True(await _client.Kv.DeleteCasAsync(key, entry.ModifyIndex));
        Assert.Null((await _client.Kv.GetAsync(key)).Value);
    }

    [Fact]
    public async Task Recurse_keys_and_delete_tree_cover_a_prefix()
    {
        var prefix = Prefix();
        await _client.Kv.PutAsync(prefix + "votes/n1", Bytes("yes"));
        await _client.Kv.PutAsync(prefix + "votes/n2", Bytes("no"));
        await _client.Kv.PutAsync(prefix + "proposal", Bytes("v7"));

        var votes = (await _client.Kv.ListAsync(prefix + "votes/")).Value;
        Assert.Equal(["yes", "no"], votes.Select(v => v.ValueText));
        Assert.Equal([prefix + "proposal", prefix + "votes/"], (await _client.Kv.KeysAsync(prefix, "/")).Value);
        Assert.Equal(3, (await _client.Kv.KeysAsync(prefix)).Value.Count);

        Assert.True(await _client.Kv.DeleteTreeAsync(prefix));
        Assert.Empty((await _client.Kv.ListAsync(prefix)).Value);
    }

    [Fact]
    public async Task Keys_with_reserved_characters_round_trip()
    {
        var key = Prefix() + "user id/with?odd&chars#%";
        await _client.Kv.PutAsync(key, [0, 1, 2, 255]);

        var entry = (await _client.Kv.GetAsync(key)).Value!;
        Assert.Equal(key, entry.Key);
        Assert.Equal([0, 1, 2, 255], entry.Value);
    }
}
