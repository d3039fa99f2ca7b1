using System.Collections.Concurrent;

namespace Sidecar.Node.Storage;

/// <summary>
/// The rendered JSON of recently read users of one version, so that a GET does not read, parse and
/// render a user that has not changed. Only bytes are kept: an object graph per user (the parsed
/// state) lived about a second under a steady stream of updates, long enough to be promoted, and
/// the collections of those generations paused the node for 11-13 % of the time.
/// RocksDB stays the truth; an entry is either absent or the rendering of the user's last
/// committed state, until the moment it was rendered for (a dataset with expiry: the rendering
/// stops being what a reader sees when its oldest visible entry expires):
/// <list type="bullet">
/// <item>the applier reports every user it wrote, after the write (<see cref="Written"/>), with the
/// new rendering when the user is cached;</item>
/// <item>a reader that missed adds what it rendered only if no write or eviction touched that
/// user's stripe since before its read (<see cref="Stamp"/>, <see cref="AddIfUnchanged"/>), so a
/// state read before a write can never land after it.</item>
/// </list>
/// Readers fill it; the applier only refreshes what is there, so a catch-up over a million users
/// does not churn it.
/// </summary>
internal sealed class UserCache
{
    private const int Stripes = 256;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly object[] _locks = new object[Stripes];
    private readonly long[] _stamps = new long[Stripes];
    private readonly int _capacity;
    private int _count;
    private int _evicting;

    public UserCache(int capacity)
    {
        _capacity = capacity;
        for (var i = 0; i < Stripes; i++)
        {
            _locks[i] = new object();
        }
    }

    public bool Enabled => _capacity > 0;

    public int Count => Volatile.Read(ref _count);

    /// <summary>The rendering of the user, if it is cached and still right at <paramref name="nowMs"/>.</summary>
    public byte[]? Get(string userId, long nowMs = 0) =>
        _entries.TryGetValue(userId, out var entry) && entry.ValidUntilMs > nowMs ? entry.Json : null;

    public bool Contains(string userId) => _entries.ContainsKey(userId);

    /// <summary>Read before reading the user from the store; hand it to <see cref="AddIfUnchanged"/>.</summary>
    public long Stamp(string userId) => Volatile.Read(ref _stamps[Stripe(userId)]);

    /// <summary>Keeps a rendering of a state read from the store, unless the user's stripe changed since <paramref name="stamp"/>.</summary>
    public void AddIfUnchanged(string userId, byte[] json, long stamp, long validUntilMs = long.MaxValue)
    {
        if (!Enabled)
        {
            return;
        }

        if (Count >= _capacity)
        {
            EvictSome();
            if (Count >= _capacity)
            {
                return; // another reader is evicting: serve this one uncached
            }
        }

        var stripe = Stripe(userId);
        lock (_locks[stripe])
        {
            if (_stamps[stripe] != stamp)
            {
                return;
            }

            if (_entries.ContainsKey(userId))
            {
                _entries[userId] = new Entry(json, validUntilMs); // one that expired
            }
            else if (_entries.TryAdd(userId, new Entry(json, validUntilMs)))
            {
                Interlocked.Increment(ref _count);
            }
        }
    }

    /// <summary>After a committed write of the user: keeps <paramref name="fresh"/> (right until
    /// <paramref name="validUntilMs"/>) if the user is cached, drops the entry if it is null.</summary>
    public void Written(string userId, byte[]? fresh, long validUntilMs = long.MaxValue)
    {
        if (!Enabled)
        {
            return;
        }

        var stripe = Stripe(userId);
        lock (_locks[stripe])
        {
            _stamps[stripe]++;
            if (!_entries.ContainsKey(userId))
            {
                return;
            }

            if (fresh is not null)
            {
                _entries[userId] = new Entry(fresh, validUntilMs);
            }
            else if (_entries.TryRemove(userId, out _))
            {
                Interlocked.Decrement(ref _count);
            }
        }
    }

    /// <summary>Full: drops about a sixteenth, in the dictionary's order (cheap and good enough
    /// for a hot set that fits; a hot set that does not fit needs a larger capacity, not a
    /// cleverer policy). One reader evicts at a time.</summary>
    private void EvictSome()
    {
        if (Interlocked.Exchange(ref _evicting, 1) == 1)
        {
            return;
        }

        try
        {
            EvictSome(Math.Max(1, _capacity / 16));
        }
        finally
        {
            Volatile.Write(ref _evicting, 0);
        }
    }

    private void EvictSome(int target)
    {
        // Enumerating the dictionary itself is lazy and takes no lock; its Keys property would
        // lock every bucket and copy all the keys, on a reader's path.
        foreach (var (userId, _) in _entries)
        {
            if (target-- <= 0)
            {
                break;
            }

            var stripe = Stripe(userId);
            lock (_locks[stripe])
            {
                _stamps[stripe]++;
                if (_entries.TryRemove(userId, out _))
                {
                    Interlocked.Decrement(ref _count);
                }
            }
        }
    }

    private readonly record struct Entry(byte[] Json, long ValidUntilMs);

    private static int Stripe(string userId) => (int)((uint)StringComparer.Ordinal.GetHashCode(userId) % Stripes);
}
