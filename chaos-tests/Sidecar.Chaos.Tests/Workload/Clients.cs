using System.Net.Http.Json;
using Sidecar.Chaos.Tests.Topology;

namespace Sidecar.Chaos.Tests.Workload;

/// <summary>
/// Writers through the proxies of both datacenters: each client issues one operation at a time
/// (sets, deletes, list pushes, counter increments, a contended last-writer-wins field) on a
/// shared set of users, and records every outcome in the <see cref="History"/>. Every write
/// carries an <c>Idempotency-Key</c>, and a write of unknown outcome (5xx, timeout, connection
/// lost) is sent again with the same key until it is answered, as a careful client does: the
/// system must then count it once. Bounded in operations and in time. Each workload writes one
/// dataset (<see cref="Dataset"/>); its client names, hence its field names and keys, carry a
/// named dataset's name, so that a write that landed in the other dataset is caught.
/// </summary>
internal sealed class Clients
{
    public const string List = "recent";
    public const string Counter = "views";
    public const string SharedField = "shared";

    /// <summary>The dataset a node serves at <c>/v1/users/</c> (the nodes' name for it).</summary>
    public const string DefaultDataset = "default";

    // Below the node's list cap (Store:ListCap, 100) so that no acknowledged push is trimmed.
    private const int MaxPushesPerUser = 90;

    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    // How long a client keeps retrying one write of unknown outcome (faults last seconds; the
    // scenarios heal before they stop the writers, so retries then succeed).
    private static readonly TimeSpan RetryFor = TimeSpan.FromSeconds(90);

    // A delete is only issued for a field set at least this long ago: both stamps come from the
    // same host clock, and this keeps the delete's stamp above the set's on any node.
    private static readonly TimeSpan DeleteAfter = TimeSpan.FromMilliseconds(50);

    private readonly IReadOnlyList<Service> _proxies;
    private readonly int _clientsPerProxy;
    private readonly int _maxOperations;
    private readonly Dictionary<string, int> _pushes = [];
    private int _issued;

    /// <param name="prefix">Names this workload's users, so that scenarios sharing a deployment do not mix.</param>
    /// <param name="dataset">The dataset written: the default one at <c>/v1/users/</c>, a named one at <c>/v1/datasets/&lt;name&gt;/users/</c>.</param>
    public Clients(string prefix, IReadOnlyList<Service> proxies, int users = 24, int clientsPerProxy = 2, int maxOperations = 3000, string dataset = DefaultDataset)
    {
        Dataset = dataset;
        _proxies = proxies;
        _clientsPerProxy = clientsPerProxy;
        _maxOperations = maxOperations;
        Users = Enumerable.Range(0, users).Select(i => $"{prefix}-{i:D3}").ToList();
    }

    public string Dataset { get; }

    public History History { get; } = new();

    public IReadOnlyList<string> Users { get; }

    /// <summary>Runs every client until <paramref name="stop"/> is cancelled or the operation budget is spent.</summary>
    public Task RunAsync(CancellationToken stop) =>
        Task.WhenAll(_proxies.SelectMany(proxy => Enumerable.Range(0, _clientsPerProxy)
            .Select(i => Task.Run(() => ClientAsync(Dataset == DefaultDataset ? $"{proxy.Datacenter}-w{i}" : $"{Dataset}-{proxy.Datacenter}-w{i}", proxy, stop)))));

    /// <summary>Runs until <paramref name="operations"/> more operations are done (or the budget is spent, or the time is out).</summary>
    public async Task RunForAsync(int operations, TimeSpan timeout)
    {
        using var stop = new CancellationTokenSource(timeout);
        var target = Volatile.Read(ref _issued) + operations;
        var run = RunAsync(stop.Token);
        while (!run.IsCompleted && Volatile.Read(ref _issued) < target)
        {
            await Task.WhenAny(run, Task.Delay(50));
        }

        await stop.CancelAsync();
        await run;
    }

    private async Task ClientAsync(string client, Service proxy, CancellationToken stop)
    {
        var random = new Random(client.GetHashCode(StringComparison.Ordinal));
        var mine = new List<(string User, string Field, DateTime End)>();
        long seq = 0;
        while (!stop.IsCancellationRequested && Interlocked.Increment(ref _issued) <= _maxOperations)
        {
            seq++;
            var user = Users[random.Next(Users.Count)];
            var name = $"{client}-{seq}";
            var roll = random.Next(100);
            var deletable = mine.FindIndex(m => m.User == user && m.End < DateTime.UtcNow - DeleteAfter);
            (OpKind Kind, string Name, object Op) op = roll switch
            {
                < 30 => (OpKind.Increment, Counter, new { op = "incr", counter = Counter, by = 1 }),
                < 55 when TakePush(user) => (OpKind.Push, List, new { op = "push", list = List, item = name, max = 100 }),
                < 65 => (OpKind.SetShared, SharedField, new { op = "set", field = SharedField, value = name }),
                < 80 when deletable >= 0 => (OpKind.Delete, mine[deletable].Field, new { op = "del", field = mine[deletable].Field }),
                _ => (OpKind.Set, name, new { op = "set", field = name, value = name }),
            };
            if (op.Kind == OpKind.Delete)
            {
                mine.RemoveAt(deletable);
            }

            var start = DateTime.UtcNow;
            var (outcome, status, attempts) = await SendWithRetriesAsync(proxy, UserPath(Dataset, user), op.Op, key: name);
            var end = DateTime.UtcNow;
            History.Add(new Operation(client, seq, user, op.Kind, op.Name, name, start, end, outcome, status, attempts));
            if (op.Kind == OpKind.Set && outcome == Outcome.Ok)
            {
                mine.Add((user, name, end));
            }
        }
    }

    private bool TakePush(string user)
    {
        lock (_pushes)
        {
            var count = _pushes.GetValueOrDefault(user);
            if (count >= MaxPushesPerUser)
            {
                return false;
            }

            _pushes[user] = count + 1;
            return true;
        }
    }

    /// <summary>Sends the write, and again with the same key while its outcome is unknown (bounded by <see cref="RetryFor"/>).</summary>
    /// <summary>Where a user of <paramref name="dataset"/> is read and written.</summary>
    public static string UserPath(string dataset, string user) =>
        dataset == DefaultDataset ? $"/v1/users/{user}" : $"/v1/datasets/{dataset}/users/{user}";

    private static async Task<(Outcome Outcome, int Status, int Attempts)> SendWithRetriesAsync(Service proxy, string path, object op, string key)
    {
        var until = DateTime.UtcNow + RetryFor;
        var delay = TimeSpan.FromMilliseconds(200);
        var attempts = 0;
        while (true)
        {
            attempts++;
            var (outcome, status) = await SendAsync(proxy, path, op, key);
            if (outcome != Outcome.Unknown || DateTime.UtcNow + delay > until)
            {
                return (outcome, status, attempts);
            }

            await Task.Delay(delay);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
        }
    }

    private static async Task<(Outcome, int)> SendAsync(Service proxy, string path, object op, string key)
    {
        using var timeout = new CancellationTokenSource(RequestTimeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{path}/updates") { Content = JsonContent.Create(new { ops = new[] { op } }) };
            request.Headers.Add("Idempotency-Key", key);
            using var response = await proxy.Http.SendAsync(request, timeout.Token);
            var status = (int)response.StatusCode;
            return (status switch
            {
                >= 200 and < 300 => Outcome.Ok,
                >= 400 and < 500 => Outcome.Failed,
                _ => Outcome.Unknown,
            }, status);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return (Outcome.Unknown, 0);
        }
    }
}
