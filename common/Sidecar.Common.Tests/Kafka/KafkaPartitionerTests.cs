using System.Text;
using Confluent.Kafka;
using Sidecar.Common.Kafka;

namespace Sidecar.Common.Tests.Kafka;

public sealed class KafkaPartitionerTests
{
    // Kafka's own expected values (its UtilsTest and those other Java-compatible clients check against).
    [Theory]
    [InlineData("21", -973932308)]
    [InlineData("foobar", -790332482)]
    [InlineData("a-little-bit-long-string", -985981536)]
    [InlineData("a-little-bit-longer-string", -1486304829)]
    [InlineData("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971)]
    [InlineData("abc", 479470107)]
    [InlineData("1", -1993445489)]
    [InlineData("12", 126087238)]
    [InlineData("123", -267702483)]
    [InlineData("1234", -1614185708)]
    [InlineData("12345", -1188365604)]
    public void Murmur2_is_Kafkas(string key, int expected) =>
        Assert.Equal(expected, KafkaPartitioner.Murmur2(Encoding.UTF8.GetBytes(key)));

    [Fact]
    public void A_long_user_id_takes_the_heap_path_with_the_same_result()
    {
        var id = new string('x', 300) + "é";
        Assert.Equal(KafkaPartitioner.Partition(Encoding.UTF8.GetBytes(id), 13), KafkaPartitioner.Partition(id, 13));
    }

    [Fact]
    public void Partitions_must_be_positive() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => KafkaPartitioner.Partition("u", 0));

    /// <summary>The check that matters: librdkafka's own murmur2 partitioner (which the node's
    /// producer uses) puts each user's record in the partition this function names.</summary>
    [Fact]
    public async Task Librdkafkas_murmur2_partitioner_agrees_on_every_key()
    {
        NativeKafka.EnsureLoaded();
        using var cluster = MockKafkaCluster.Start(1);
        const int partitions = 7;
        cluster.CreateTopic("keyed", partitions);
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            Partitioner = Partitioner.Murmur2Random,
        }).Build();

        var wrong = new List<string>();
        var seen = new HashSet<int>();
        for (var i = 0; i < 300; i++)
        {
            var user = i % 3 == 0 ? $"user-{i}" : $"ü{i * 7919}-{new string('k', i % 11)}";
            var result = await producer.ProduceAsync("keyed", new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes(user), Value = [1] });
            seen.Add(result.Partition.Value);
            if (result.Partition.Value != KafkaPartitioner.Partition(user, partitions))
            {
                wrong.Add($"{user}: librdkafka {result.Partition.Value}, ours {KafkaPartitioner.Partition(user, partitions)}");
            }
        }

        Assert.Empty(wrong);
        Assert.Equal(partitions, seen.Count);
    }
}
