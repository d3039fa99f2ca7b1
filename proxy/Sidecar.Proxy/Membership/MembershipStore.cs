using Microsoft.Extensions.Options;
using Sidecar.Proxy.Configuration;
using Sidecar.Proxy.Health;

namespace Sidecar.Proxy.Membership;

/// <summary>
/// Combines what every membership source reports (the file, Consul per datacenter) into one
/// snapshot and publishes it with a single reference swap. A source replaces only its own part;
/// where Consul and the file name the same node id, Consul's entry wins (it carries live health).
/// </summary>
public sealed class MembershipStore
{
    private readonly object _gate = new();
    private readonly Dictionary<string, IReadOnlyList<NodeAddress>> _sources = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NodeHealth> _health = new(StringComparer.Ordinal);
    private readonly ILogger<MembershipStore> _logger;
    private readonly TimeProvider _time;
    private MembershipSnapshot _current;
    private long _changes;
    private long _refusals;

    public MembershipStore(IOptions<ProxyOptions> options, ILogger<MembershipStore> logger, TimeProvider? time = null)
    {
        _logger = logger;
        _time = time ?? TimeProvider.System;
        Datacenters = options.Value.Datacenters;
        _current = MembershipSnapshot.Empty(Datacenters);
    }

    /// <summary>Raised after each published change (off the request path).</summary>
    public event Action<MembershipSnapshot>? Changed;

    public IReadOnlyList<string> Datacenters { get; }

    public MembershipSnapshot Current => Volatile.Read(ref _current);

    /// <summary>Changes published since start.</summary>
    public long Changes => Interlocked.Read(ref _changes);

    /// <summary>Updates refused as invalid since start.</summary>
    public long Refusals => Interlocked.Read(ref _refusals);

    /// <summary>True once any source has reported (even an empty list).</summary>
    public bool Loaded { get; private set; }

    /// <summary>Replaces what <paramref name="source"/> reports; the caller validated <paramref name="nodes"/>.</summary>
    public void Update(string source, IReadOnlyList<NodeAddress> nodes)
    {
        MembershipSnapshot next;
        string diff;
        lock (_gate)
        {
            _sources[source] = nodes;
            Loaded = true;
            var merged = new Dictionary<string, NodeAddress>(StringComparer.Ordinal);

            // Consul sources ("consul:<dc>") first: on an id clash the live registration wins.
            foreach (var (_, list) in _sources.OrderBy(s => s.Key.StartsWith("consul:", StringComparison.Ordinal) ? 0 : 1).ThenBy(s => s.Key, StringComparer.Ordinal))
            {
                foreach (var node in list)
                {
                    merged.TryAdd(node.Id, node);
                }
            }

            var previous = _current;
            var before = previous.All.ToDictionary(n => n.Id, n => n.Address, StringComparer.Ordinal);
            var after = merged.Values.ToDictionary(n => n.Id, n => n.Address.TrimEnd('/'), StringComparer.Ordinal);
            if (before.Count == after.Count && before.All(kv => after.TryGetValue(kv.Key, out var p) && p == kv.Value)
                && previous.All.All(n => merged[n.Id].Datacenter == n.Datacenter))
            {
                return; // nothing moved: keep the snapshot (and every node's health) as is
            }

            var nodes2 = merged.Values.Select(a => new Node(a, HealthOf(a))).ToList();
            foreach (var stale in _health.Keys.Except(nodes2.Select(n => Key(n.Id, n.Address))).ToList())
            {
                _health.Remove(stale);
            }

            next = new MembershipSnapshot(Datacenters, nodes2, previous.Version + 1);
            diff = Diff(before, after);
            Volatile.Write(ref _current, next);
            Interlocked.Increment(ref _changes);
        }

        _logger.LogInformation("Membership v{Version} from {Source} ({Diff}): {Nodes}", next.Version, source, diff, next.Describe());
        Changed?.Invoke(next);
    }

    /// <summary>Records and logs an update that did not validate; the current membership stays.</summary>
    public void Refuse(string source, string error)
    {
        Interlocked.Increment(ref _refusals);
        _logger.LogError("Membership update from {Source} refused, keeping v{Version}: {Error}", source, Current.Version, error);
    }

    private NodeHealth HealthOf(NodeAddress address)
    {
        // Same id at the same address keeps its health state across snapshots; a moved node starts fresh.
        var key = Key(address.Id, address.Address.TrimEnd('/'));
        if (!_health.TryGetValue(key, out var health))
        {
            _health[key] = health = new NodeHealth(_time);
        }

        return health;
    }

    private static string Key(string id, string prefix) => id + " " + prefix;

    private static string Diff(Dictionary<string, string> before, Dictionary<string, string> after)
    {
        var added = after.Keys.Where(k => !before.ContainsKey(k)).Select(k => "+" + k);
        var removed = before.Keys.Where(k => !after.ContainsKey(k)).Select(k => "-" + k);
        var moved = after.Keys.Where(k => before.TryGetValue(k, out var p) && p != after[k]).Select(k => "~" + k);
        var all = added.Concat(removed).Concat(moved).ToList();
        return all.Count == 0 ? "no change" : string.Join(" ", all);
    }
}
