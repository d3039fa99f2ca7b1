using System.Runtime.InteropServices;
using System.Text;

namespace Sidecar.Common.Kafka;

/// <summary>
/// librdkafka's mock cluster: real Kafka-protocol brokers on loopback TCP ports, in this process.
/// It is the only broker that runs on machines without a Kafka install. It keeps data in memory,
/// has no transactions, compaction or retention, and does not serve CreateTopics, so topics are
/// created here through its own API.
/// </summary>
public sealed unsafe class MockKafkaCluster : IDisposable
{
    private readonly IntPtr _client;
    private IntPtr _cluster;

    private MockKafkaCluster(IntPtr client, IntPtr cluster, string bootstrapServers)
    {
        _client = client;
        _cluster = cluster;
        BootstrapServers = bootstrapServers;
    }

    public string BootstrapServers { get; }

    /// <summary>Starts a mock cluster with <paramref name="brokers"/> brokers.</summary>
    public static MockKafkaCluster Start(int brokers)
    {
        var confNew = (delegate* unmanaged<IntPtr>)NativeKafka.Export("rd_kafka_conf_new");
        var confSet = (delegate* unmanaged<IntPtr, byte*, byte*, byte*, nuint, int>)NativeKafka.Export("rd_kafka_conf_set");
        var kafkaNew = (delegate* unmanaged<int, IntPtr, byte*, nuint, IntPtr>)NativeKafka.Export("rd_kafka_new");
        var clusterNew = (delegate* unmanaged<IntPtr, int, IntPtr>)NativeKafka.Export("rd_kafka_mock_cluster_new");
        var bootstraps = (delegate* unmanaged<IntPtr, byte*>)NativeKafka.Export("rd_kafka_mock_cluster_bootstraps");

        var conf = confNew();
        var error = stackalloc byte[512];
        fixed (byte* name = "log_level\0"u8, value = "3\0"u8)
        {
            confSet(conf, name, value, error, 512);
        }

        // The mock cluster needs a client handle to live in; a producer handle that never
        // produces is the lightest one.
        var client = kafkaNew(0, conf, error, 512);
        if (client == IntPtr.Zero)
        {
            throw new InvalidOperationException("rd_kafka_new failed: " + Marshal.PtrToStringUTF8((IntPtr)error));
        }

        var cluster = clusterNew(client, brokers);
        if (cluster == IntPtr.Zero)
        {
            Destroy(client);
            throw new InvalidOperationException("rd_kafka_mock_cluster_new failed");
        }

        return new MockKafkaCluster(client, cluster, Marshal.PtrToStringUTF8((IntPtr)bootstraps(cluster))!);
    }

    /// <summary>Creates a topic (the mock does not serve the CreateTopics request).</summary>
    public void CreateTopic(string topic, int partitions, int replicationFactor = 1)
    {
        var create = (delegate* unmanaged<IntPtr, byte*, int, int, int>)NativeKafka.Export("rd_kafka_mock_topic_create");
        var bytes = Encoding.UTF8.GetBytes(topic + "\0");
        fixed (byte* name = bytes)
        {
            var err = create(Cluster(), name, partitions, replicationFactor);
            if (err != 0)
            {
                throw new InvalidOperationException($"creating mock topic {topic} failed with error {err}");
            }
        }
    }

    /// <summary>
    /// Where broker <paramref name="brokerId"/> (1..N) listens: the mock binds every broker to
    /// 127.0.0.1 on a port of its own, in broker id order in <see cref="BootstrapServers"/>.
    /// </summary>
    public int ListenPort(int brokerId)
    {
        var brokers = BootstrapServers.Split(',');
        if (brokerId < 1 || brokerId > brokers.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(brokerId), $"the mock cluster has brokers 1..{brokers.Length}");
        }

        var address = brokers[brokerId - 1];
        return int.Parse(address[(address.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Makes metadata responses name broker <paramref name="brokerId"/> as host:port instead of its
    /// loopback listener, so that clients elsewhere (other containers) reach it through a relay
    /// listening there. Only what is advertised changes; the broker keeps its loopback listener.
    /// </summary>
    public void Advertise(int brokerId, string host, int port)
    {
        var set = (delegate* unmanaged<IntPtr, int, byte*, int, int>)NativeKafka.Export("rd_kafka_mock_broker_set_host_port");
        var bytes = Encoding.UTF8.GetBytes(host + "\0");
        fixed (byte* name = bytes)
        {
            var err = set(Cluster(), brokerId, name, port);
            if (err != 0)
            {
                throw new InvalidOperationException($"advertising mock broker {brokerId} as {host}:{port} failed with error {err}");
            }
        }
    }

    /// <summary>Takes a broker down (connections refused) or brings it back, for fault tests.</summary>
    public void SetBrokerUp(int brokerId, bool up)
    {
        var fn = (delegate* unmanaged<IntPtr, int, int>)NativeKafka.Export(
            up ? "rd_kafka_mock_broker_set_up" : "rd_kafka_mock_broker_set_down");
        var err = fn(Cluster(), brokerId);
        if (err != 0)
        {
            throw new InvalidOperationException($"setting mock broker {brokerId} {(up ? "up" : "down")} failed with error {err}");
        }
    }

    public void Dispose()
    {
        if (_cluster == IntPtr.Zero)
        {
            return;
        }

        var destroyCluster = (delegate* unmanaged<IntPtr, void>)NativeKafka.Export("rd_kafka_mock_cluster_destroy");
        destroyCluster(_cluster);
        _cluster = IntPtr.Zero;
        Destroy(_client);
    }

    private IntPtr Cluster() =>
        _cluster != IntPtr.Zero ? _cluster : throw new ObjectDisposedException(nameof(MockKafkaCluster));

    private static void Destroy(IntPtr client)
    {
        var destroy = (delegate* unmanaged<IntPtr, void>)NativeKafka.Export("rd_kafka_destroy");
        destroy(client);
    }
}
