using Sidecar.Common.Consul;
using static Sidecar.Common.Tests.Consul.ConsulFixture;

namespace Sidecar.Common.Tests.Consul;

[Collection(ConsulCollection.Name)]
public sealed class BlockingQueryTests(ConsulFixture consul)
{
    // Far longer than any test may take: a query that returns before it did so because of a change.
    private static readonly TimeSpan LongWait = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly ConsulClient _client = consul.Client;

    [Fact]
    public async Task A_blocking_read_wakes_up_on_a_change()
    {
        var key = Prefix() + "current";
        await _client.Kv.PutAsync(key, Bytes("v1"));
        var before = await _client.Kv.GetAsync(key);

        var blocked = _client.Kv.GetAsync(key, new ConsulQuery { Index = before.Index, Wait = LongWait });
        await Task.Delay(200);
        Assert.False(blocked.IsCompleted, "the query returned before anything changed");
        await _client.Kv.PutAsync(key, Bytes("v2"));

        var after = await blocked.WaitAsync(Bound);
        Assert.True(after.Index > before.Index);
        Assert.Equal("v2", after.Value!.ValueText);
    }

    [Fact]
    public async Task A_blocking_read_returns_on_its_wait_with_the_same_index()
    {
        var key = Prefix() + "quiet";
        await _client.Kv.PutAsync(key, Bytes("v1"));
        var before = await _client.Kv.GetAsync(key);

        var after = await _client.Kv.GetAsync(key, new ConsulQuery { Index = before.Index, Wait = TimeSpan.FromSeconds(1) }).WaitAsync(Bound);

        Assert.Equal(before.Index, after.Index);
        Assert.Equal("v1", after.Value!.ValueText);
    }

    [Fact]
    public async Task A_key_watch_yields_the_first_state_then_each_change_including_deletion()
    {
        var key = Prefix() + "watched";
        using var cts = new CancellationTokenSource(Bound);
        await using var watch = _client.Kv.WatchAsync(key, cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);

        Assert.True(await watch.MoveNextAsync());
        Assert.Null(watch.Current.Value);

        await _client.Kv.PutAsync(key, Bytes("v1"));
        Assert.True(await watch.MoveNextAsync());
        Assert.Equal("v1", watch.Current.Value!.ValueText);

        await _client.Kv.PutAsync(key, Bytes("v2"));
        Assert.True(await watch.MoveNextAsync());
        Assert.Equal("v2", watch.Current.Value!.ValueText);

        await _client.Kv.DeleteAsync(key);
        Assert.True(await watch.MoveNextAsync());
        Assert.Null(watch.Current.Value);
    }

    [Fact]
    public async Task A_prefix_watch_sees_entries_come_and_go()
    {
        var prefix = Prefix();
        using var cts = new CancellationTokenSource(Bound);
        await using var watch = _client.Kv.WatchPrefixAsync(prefix, cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);

        Assert.True(await watch.MoveNextAsync());
        Assert.Empty(watch.Current.Value);

        await _client.Kv.PutAsync(prefix + "a", Bytes("1"));
        await NextUntilAsync(watch, entries => entries.Count == 1);
        await _client.Kv.PutAsync(prefix + "b", Bytes("2"));
        await NextUntilAsync(watch, entries => entries.Count == 2);
        await _client.Kv.DeleteTreeAsync(prefix);
        await NextUntilAsync(watch, entries => entries.Count == 0);
    }

    [Fact]
    public async Task A_watch_ends_when_cancelled()
    {
        using var cts = new CancellationTokenSource();
        var seen = 0;
        var watching = Task.Run(async () =>
        {
            await foreach (var _ in _client.Kv.WatchAsync(Prefix() + "x", cancellationToken: cts.Token))
            {
                seen++;
            }
        });
        await EventuallyAsync("first result", () => Task.FromResult(seen > 0));

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watching.WaitAsync(Bound));
        Assert.Equal(1, seen);
    }

    [Theory]
    [InlineData(0UL, 7UL, 7UL)] // first read
    [InlineData(7UL, 7UL, 7UL)] // timed out, nothing changed
    [InlineData(7UL, 9UL, 9UL)] // changed
    [InlineData(9UL, 4UL, 0UL)] // went backwards: reset, read afresh
    [InlineData(9UL, 0UL, 0UL)] // 0 is below anything sent: reset
    [InlineData(0UL, 0UL, 1UL)] // 0 would never block: 1 does
    public void The_next_index_follows_consuls_rules(ulong sent, ulong returned, ulong next)
    {
        Assert.Equal(next, BlockingIndex.Next(sent, returned));
    }

    [Fact]
    public void Only_a_moved_index_counts_as_a_change()
    {
        Assert.True(BlockingIndex.Changed(0, 5));
        Assert.False(BlockingIndex.Changed(5, 5));
        Assert.True(BlockingIndex.Changed(5, 6));
        Assert.True(BlockingIndex.Changed(5, 3));
    }

    private static async Task NextUntilAsync(IAsyncEnumerator<ConsulResponse<IReadOnlyList<KvPair>>> watch, Func<IReadOnlyList<KvPair>, bool> done)
    {
        do
        {
            Assert.True(await watch.MoveNextAsync());
        }
        while (!done(watch.Current.Value));
    }
}
