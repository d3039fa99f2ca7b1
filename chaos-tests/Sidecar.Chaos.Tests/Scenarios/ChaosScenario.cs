using System.Diagnostics;
using Sidecar.Chaos.Tests.Topology;
using Sidecar.Chaos.Tests.Workload;
using Xunit.Abstractions;

namespace Sidecar.Chaos.Tests.Scenarios;

/// <summary>
/// One scenario's run: the deployment, the writers, the faults it injected, and its line of the
/// results table (docs/chaos.md). The writers are two workloads: one on the default dataset and a
/// smaller one on the named dataset every node serves beside it; every invariant is checked in
/// both. Disposing removes every container and network of the run.
/// </summary>
internal sealed class ChaosScenario : IAsyncDisposable
{
    private static readonly TimeSpan ConvergeTimeout = TimeSpan.FromSeconds(90);

    private readonly ITestOutputHelper _output;
    private readonly ChaosRun? _ownRun;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<string> _faults = [];
    private TimeSpan? _healed;
    private CancellationTokenSource? _stopLoad;
    private Task? _load;

    private ChaosScenario(string name, ITestOutputHelper output, ChaosRun? ownRun, Deployment deployment, int maxOperations)
    {
        Name = name;
        _output = output;
        _ownRun = ownRun;
        Deployment = deployment;
        Clients = new Clients(name, deployment.Proxies, maxOperations: maxOperations);
        // A third of the default dataset's operations, one writer per proxy: enough to see any
        // loss or leak, without doubling every scenario's time.
        NamedClients = new Clients(name, deployment.Proxies, clientsPerProxy: 1, maxOperations: Math.Max(1, maxOperations / 3), dataset: Deployment.NamedDataset);
    }

    public string Name { get; }

    public Deployment Deployment { get; }

    public Clients Clients { get; }

    /// <summary>The writers of the named dataset (<see cref="Deployment.NamedDataset"/>).</summary>
    public Clients NamedClients { get; }

    private IEnumerable<Clients> Workloads => [Clients, NamedClients];

    /// <summary>A scenario on a deployment of its own (removed when the scenario is disposed).</summary>
    public static async Task<ChaosScenario> StartAsync(string name, ITestOutputHelper output, int consulServers = 1, int maxOperations = 3000)
    {
        var run = new ChaosRun(name);
        try
        {
            var deployment = await Deployment.StartAsync(run, consulServers);
            output.WriteLine($"{name}: run {run.Id}, deployment up in {deployment.StartTime.TotalSeconds:F1} s");
            return new ChaosScenario(name, output, run, deployment, maxOperations);
        }
        catch
        {
            await run.DisposeAsync();
            throw;
        }
    }

    /// <summary>A scenario on the shared deployment, once every part of it reports ready again.</summary>
    public static async Task<ChaosScenario> OnAsync(SharedDeployment shared, string name, ITestOutputHelper output, int maxOperations = 3000)
    {
        var deployment = shared.Deployment;
        await deployment.WaitReadyAsync(TimeSpan.FromSeconds(60));
        output.WriteLine($"{name}: on the shared deployment (up in {deployment.StartTime.TotalSeconds:F1} s)");
        return new ChaosScenario(name, output, null, deployment, maxOperations);
    }

    /// <summary>Starts the writers in the background (until <see cref="StopLoadAsync"/> or their budget).</summary>
    public void StartLoad()
    {
        _stopLoad = new CancellationTokenSource();
        _load = Task.WhenAll(Workloads.Select(w => w.RunAsync(_stopLoad.Token)));
    }

    public async Task StopLoadAsync()
    {
        if (_stopLoad is not null && _load is not null)
        {
            await _stopLoad.CancelAsync();
            await _load;
        }
    }

    /// <summary>Writes for about <paramref name="duration"/> more (bounded by the operation budget too).</summary>
    public static Task Hold(TimeSpan duration) => Task.Delay(duration);

    public void Fault(string what)
    {
        _faults.Add(what);
        _output.WriteLine($"{_clock.Elapsed.TotalSeconds,6:F1} s  {what}");
    }

    /// <summary>The last fault is over: time to converge is counted from here.</summary>
    public void Healed(string what)
    {
        Fault(what);
        _healed = _clock.Elapsed;
    }

    /// <summary>Stops the writers, waits until every invariant holds on every node, and reports.</summary>
    public async Task<TimeSpan> ConvergeAsync()
    {
        await StopLoadAsync();
        foreach (var workload in Workloads)
        {
            _output.WriteLine($"{_clock.Elapsed.TotalSeconds,6:F1} s  writers of {workload.Dataset} stopped: {workload.History}");
            if (workload.History.Acknowledged == 0)
            {
                throw new InvalidOperationException($"no write to {workload.Dataset} was acknowledged: the scenario tested nothing there\n" + await Deployment.LogsAsync());
            }
        }

        return await ConvergeAsync(
            async () => [.. (await Task.WhenAll(Workloads.Select(w => Checker.CheckAsync(w.History, w.Users, Deployment.Nodes, w.Dataset)))).SelectMany(p => p)],
            Workloads.Sum(w => w.History.Acknowledged));
    }

    /// <summary>Waits until <paramref name="check"/> finds nothing (a scenario with a workload of its
    /// own, e.g. events through the rules), and reports <paramref name="acknowledged"/> writes.</summary>
    public async Task<TimeSpan> ConvergeAsync(Func<Task<List<string>>> check, int acknowledged)
    {
        TimeSpan converged;
        try
        {
            await Convergence.WaitAsync(Deployment, check, ConvergeTimeout, _output.WriteLine);
            converged = _clock.Elapsed - (_healed ?? TimeSpan.Zero);
        }
        catch (ConvergenceException e)
        {
            Report(acknowledged, e.Lost, null);
            throw;
        }

        Report(acknowledged, 0, converged);
        return converged;
    }

    public void Log(string line) => _output.WriteLine($"{_clock.Elapsed.TotalSeconds,6:F1} s  {line}");

    private void Report(int acknowledged, int lost, TimeSpan? converged)
    {
        var row = $"| {Name} | {string.Join("; ", _faults)} | {acknowledged} | {lost} | " +
            (converged is { } c ? $"{c.TotalSeconds:F1} s" : "not converged") + $" | {_clock.Elapsed.TotalSeconds:F0} s |";
        _output.WriteLine(row);
        ResultsTable.Append(row);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopLoadAsync();
        }
        finally
        {
            if (_ownRun is not null)
            {
                await _ownRun.DisposeAsync();
            }
        }
    }
}
