using Sidecar.Node.Storage;
using Sidecar.Store.State;

namespace Sidecar.Node.Tests.Storage;

/// <summary>The cache's one promise: an entry is absent or the user's last committed state.</summary>
public sealed class UserCacheTests
{
    [Fact]
    public void A_state_read_before_a_write_is_not_kept_after_the_write_published()
    {
        var cache = new UserCache(capacity: 1);
        cache.AddIfUnchanged("other", State("x"), cache.Stamp("other")); // full
        var stamp = cache.Stamp("u");              // a reader starts, reads the old state...
        var old = State("old");
        cache.Publish("u", State("new"));          // ...the applier commits and publishes (no room: not kept)...
        var served = cache.AddIfUnchanged("u", old, stamp);

        Assert.Same(old, served.State);            // ...the reader still answers with what it read,
        Assert.NotEqual("old", Name(cache.Get("u"))); // but never caches it.
    }

    [Fact]
    public void A_state_read_before_an_eviction_of_a_newer_one_is_not_kept()
    {
        var cache = new UserCache(capacity: 16);
        var readerStamp = cache.Stamp("u");
        cache.Publish("u", State("new"));           // published into free room
        for (var i = 0; i < 40; i++)                // other readers fill the cache and evict
        {
            cache.AddIfUnchanged($"other-{i}", State("x"), cache.Stamp($"other-{i}"));
        }

        cache.AddIfUnchanged("u", State("old"), readerStamp);
        Assert.NotEqual("old", Name(cache.Get("u")));
    }

    [Fact]
    public void Publish_replaces_a_cached_entry_and_fills_free_room_only()
    {
        var cache = new UserCache(capacity: 2);
        cache.AddIfUnchanged("a", State("a1"), cache.Stamp("a"));
        var before = cache.Get("a")!;
        cache.Publish("a", State("a2"));
        Assert.Equal("a2", Name(cache.Get("a")));
        Assert.Equal("a1", Name(before)); // entries are replaced, never changed

        cache.Publish("b", State("b1"));
        cache.Publish("c", State("c1"));  // full: not added
        Assert.Equal("b1", Name(cache.Get("b")));
        Assert.Null(cache.Get("c"));
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void Readers_never_grow_it_past_its_capacity()
    {
        var cache = new UserCache(capacity: 64);
        Parallel.For(0, 5_000, i => cache.AddIfUnchanged($"u{i}", State("s"), cache.Stamp($"u{i}")));
        Assert.InRange(cache.Count, 1, 64);
    }

    [Fact]
    public void Capacity_zero_keeps_nothing()
    {
        var cache = new UserCache(capacity: 0);
        var served = cache.AddIfUnchanged("u", State("s"), cache.Stamp("u"));
        cache.Publish("u", State("t"));
        Assert.Equal("s", Name(served));
        Assert.Null(cache.Get("u"));
    }

    private static UserState State(string marker) => new() { Fields = { new FieldEntry { Name = marker } } };

    private static string? Name(CachedUser? user) => user?.State.Fields.Single().Name;
}
