using System.Text;
using Sidecar.Node.Storage;

namespace Sidecar.Node.Tests.Storage;

/// <summary>The cache's one promise: an entry is absent or the rendering of the user's last committed state.</summary>
public sealed class UserCacheTests
{
    [Fact]
    public void A_rendering_of_a_state_read_before_a_write_is_not_kept()
    {
        var cache = new UserCache(capacity: 10);
        var stamp = cache.Stamp("u");      // a reader starts and reads the old state...
        cache.Written("u", null);          // ...the applier commits a write of u (not cached, so no rendering)...
        cache.AddIfUnchanged("u", Json("old"), stamp);
        Assert.Null(cache.Get("u"));       // ...and the reader's old rendering is not kept.
    }

    [Fact]
    public void A_rendering_read_before_an_eviction_is_not_kept()
    {
        var cache = new UserCache(capacity: 16);
        cache.AddIfUnchanged("u", Json("new"), cache.Stamp("u"));
        var readerStamp = cache.Stamp("u") - 1; // a reader that stamped before "new" was added
        for (var i = 0; i < 40; i++)            // other readers fill the cache and evict
        {
            cache.AddIfUnchanged($"other-{i}", Json("x"), cache.Stamp($"other-{i}"));
        }

        cache.AddIfUnchanged("u", Json("old"), readerStamp);
        Assert.NotEqual("old", Text(cache.Get("u")));
    }

    [Fact]
    public void A_write_replaces_a_cached_rendering_or_drops_it_and_adds_none()
    {
        var cache = new UserCache(capacity: 10);
        cache.AddIfUnchanged("a", Json("a1"), cache.Stamp("a"));
        cache.Written("a", Json("a2"));
        Assert.Equal("a2", Text(cache.Get("a")));

        cache.Written("a", null);
        Assert.Null(cache.Get("a"));

        cache.Written("b", Json("b1")); // not cached: writes do not fill the cache
        Assert.Null(cache.Get("b"));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Readers_never_grow_it_past_its_capacity()
    {
        var cache = new UserCache(capacity: 64);
        Parallel.For(0, 5_000, i => cache.AddIfUnchanged($"u{i}", Json("s"), cache.Stamp($"u{i}")));
        Assert.InRange(cache.Count, 1, 64);
    }

    [Fact]
    public void Capacity_zero_keeps_nothing()
    {
        var cache = new UserCache(capacity: 0);
        cache.AddIfUnchanged("u", Json("s"), cache.Stamp("u"));
        Assert.Null(cache.Get("u"));
    }

    private static byte[] Json(string text) => Encoding.UTF8.GetBytes(text);

    private static string? Text(byte[]? json) => json is null ? null : Encoding.UTF8.GetString(json);
}
