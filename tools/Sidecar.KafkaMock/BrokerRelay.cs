using System.Net;
using System.Net.Sockets;

namespace Sidecar.KafkaMock;

/// <summary>
/// Forwards TCP connections from every interface on one port to a mock broker's loopback
/// listener. librdkafka's mock cluster binds its brokers to 127.0.0.1 only; in a container the
/// other containers reach a broker through this relay, at the host name and port the broker
/// advertises (<see cref="Sidecar.Common.Kafka.MockKafkaCluster.Advertise"/>). A broker taken
/// down refuses the relay's upstream connection, so its clients see the connection closed.
/// </summary>
internal sealed class BrokerRelay : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly int _upstreamPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    private BrokerRelay(TcpListener listener, int upstreamPort)
    {
        _listener = listener;
        _upstreamPort = upstreamPort;
        _accepting = AcceptAsync();
    }

    public static BrokerRelay Start(int port, int upstreamPort)
    {
        var listener = new TcpListener(IPAddress.Any, port);
        listener.Start(backlog: 256);
        return new BrokerRelay(listener, upstreamPort);
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using (client)
        using (var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            client.NoDelay = true;
            upstream.NoDelay = true;
            try
            {
                await upstream.ConnectAsync(IPAddress.Loopback, _upstreamPort, _stop.Token);
                await using var a = new NetworkStream(client, ownsSocket: false);
                await using var b = new NetworkStream(upstream, ownsSocket: false);
                // Either side closing ends both: a half-open Kafka connection is of no use.
                await Task.WhenAny(a.CopyToAsync(b, _stop.Token), b.CopyToAsync(a, _stop.Token));
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
            {
                // The broker is down, or a side went away: closing the client is the answer.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
