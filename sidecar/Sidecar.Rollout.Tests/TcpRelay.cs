using System.Net;
using System.Net.Sockets;

namespace Sidecar.Rollout.Tests;

/// <summary>
/// A loopback TCP relay to one upstream port that a test can stop (every connection dropped, new
/// ones refused: the upstream is "gone") and start again on the same port. Points a node at its
/// Consul agent through a link the test controls.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly int _upstreamPort;
    private TcpListener? _listener;
    private CancellationTokenSource? _running;
    private Task _accepting = Task.CompletedTask;

    public TcpRelay(int upstreamPort)
    {
        _upstreamPort = upstreamPort;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Start();
    }

    public int Port { get; }

    public Uri Address => new($"http://127.0.0.1:{Port}");

    public void Start()
    {
        var listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        _listener = listener;
        _running = new CancellationTokenSource();
        _accepting = AcceptAsync(listener, _running.Token);
    }

    /// <summary>Refuses new connections and resets the open ones.</summary>
    public async Task StopAsync()
    {
        if (_running is null)
        {
            return;
        }

        await _running.CancelAsync();
        _listener!.Stop();
        await _accepting;
        _running.Dispose();
        _running = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task AcceptAsync(TcpListener listener, CancellationToken stop)
    {
        var pairs = new List<Task>();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var client = await listener.AcceptSocketAsync(stop);
                pairs.Add(ServeAsync(client, stop));
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                break;
            }
        }

        await Task.WhenAll(pairs);
    }

    private async Task ServeAsync(Socket client, CancellationToken stop)
    {
        using (client)
        using (var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            try
            {
                await upstream.ConnectAsync(IPAddress.Loopback, _upstreamPort, stop);
                await using var a = new NetworkStream(client, ownsSocket: false);
                await using var b = new NetworkStream(upstream, ownsSocket: false);
                await Task.WhenAny(a.CopyToAsync(b, stop), b.CopyToAsync(a, stop));
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
            {
                // Stopped, or a side went away: closing both is the answer.
            }

            // A reset, not a graceful close: like a server that vanished.
            client.LingerState = new LingerOption(true, 0);
        }
    }
}
