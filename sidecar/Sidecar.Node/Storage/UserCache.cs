using System.Collections.Concurrent;
using Sidecar.Store.State;

namespace Sidecar.Node.Storage;

/// <summary>
/// Parsed states (and, once rendered, their JSON) of recently read users of one version, so that a
/// GET does not read, parse and render a state that has not changed, and the applier does not
/// read and parse one it has just written. RocksDB stays the truth; an entry is either absent or
/// equal to the user's last committed state:
/// <list type="bullet">
/// <item>the applier publishes each user it wrote, after the write (<see cref="Publish"/>);</item>
/// <item>a reader that missed adds what it read only if no publish or eviction touched that
/// user's stripe since before its read (<see cref="Stamp"/>, <see cref="AddIfUnchanged"/>), so a
/// state read before a write can never land after it;</item>
/// <item>entries are never changed in place: a new state is a new entry.</item>
/// </list>
/// Readers fill it; the applier only refreshes entries that are there (or fills free room), so a
/// catch-up over a million users does not churn it.
/// </summary>
internal sealed class UserCache
{
    private const int Stripes = 256;

    private readonly ConcurrentDictionary<string, CachedUser> _entries = new(StringComparer.Ordinal);
    private readonly object[] _locks = new object[Stripes];
    private readonly long[] _stamps = new long[Stripes];
    private readonly int _capacity;
    private int _count;

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

    public CachedUser? Get(string userId) => _entries.GetValueOrDefault(userId);

    /// <summary>Read before reading the user from the store; hand it to <see cref="AddIfUnchanged"/>.</summary>
    public long Stamp(string userId) => Volatile.Read(ref _stamps[Stripe(userId)]);

    /// <summary>Adds a state read from the store, unless the user's stripe changed since <paramref name="stamp"/>.</summary>
    /// <returns>The entry to serve: the one added, one already there, or a new one not kept.</returns>
    public CachedUser AddIfUnchanged(string userId, UserState state, long stamp)
    {
        if (!Enabled)
        {
            return new CachedUser(state);
        }

        if (Count >= _capacity)
        {
            EvictSome();
        }

        var stripe = Stripe(userId);
        lock (_locks[stripe])
        {
            if (_stamps[stripe] != stamp)
            {
                return new CachedUser(state);
            }

            if (_entries.TryGetValue(userId, out var present))
            {
                return present;
            }

            var entry = new CachedUser(state);
            _entries[userId] = entry;
            Interlocked.Increment(ref _count);
            return entry;
        }
    }

    /// <summary>After a committed write of <paramref name="state"/>, which the caller no longer changes.</summary>
    public void Publish(string userId, UserState state)
    {
        if (!Enabled)
        {
            return;
        }

        var stripe = Stripe(userId);
        lock (_locks[stripe])
        {
            _stamps[stripe]++;
            if (_entries.ContainsKey(userId))
            {
                _entries[userId] = new CachedUser(state);
            }
            else if (Count < _capacity)
            {
                _entries[userId] = new CachedUser(state);
                Interlocked.Increment(ref _count);
            }
        }
    }

    /// <summary>Full: drops about a sixteenth, in the dictionary's order (cheap and good enough
    /// for a hot set that fits; a hot set that does not fit needs a larger capacity, not a
    /// cleverer policy).</summary>
    private void EvictSome()
    {
        var target = Math.Max(1, _capacity / 16);
        foreach (var userId in _entries.Keys)
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

    private static int Stripe(string userId) => (int)((uint)StringComparer.Ordinal.GetHashCode(userId) % Stripes);
}
