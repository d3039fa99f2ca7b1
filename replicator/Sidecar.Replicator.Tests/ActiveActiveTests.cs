using System.Net;
using System.Text;
using Sidecar.Common.Contracts;
using Sidecar.Testing;

namespace Sidecar.Replicator.Tests;

/// <summary>Writes accepted in both datacenters at once end in the same state on every node.</summary>
public sealed class ActiveActiveTests
{
    [Fact]
    public async Task Concurrent_writes_in_both_datacenters_converge_with_exact_counters()
    {
        await using var dcs = await TwoDatacenters.StartAsync();
        var ab = await dcs.ReplicateAsync("ab", "dc-a", "dc-b");
        await dcs.ReplicateAsync("ba", "dc-b", "dc-a");

        var expected = new Dictionary<string, long>();
        var writers = new[] { (dcs.NodeA, 1), (dcs.NodeB, 2) }.Select(async w =>
        {
            var (node, seed) = w;
            var random = new Random(seed);
            var acknowledged = new Dictionary<string, long>();
            for (var i = 0; i < 400; i++)
            {
                var user = $"user-{random.Next(30)}";
                var by = random.Next(1, 5);
                var body = $$"""{"ops":[{"op":"incr","counter":"views","by":{{by}}},{"op":"set","field":"city","value":"c{{random.Next(5)}}"},{"op":"push","list":"recent","item":"hotel-{{random.Next(12)}}","max":5}]}""";
                using var response = await node.Http.PostAsync($"/v1/users/{user}/updates", new StringContent(body, Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                acknowledged[user] = acknowledged.GetValueOrDefault(user) + by;
            }

            return acknowledged;
        }).ToList();

        foreach (var acknowledged in await Task.WhenAll(writers))
        {
            foreach (var (user, sum) in acknowledged)
            {
                expected[user] = expected.GetValueOrDefault(user) + sum;
            }
        }

        await dcs.WaitConvergedAsync(TimeSpan.FromSeconds(60));
        foreach (var (user, sum) in expected)
        {
            Assert.Equal(sum, await TwoDatacenters.CounterAsync(dcs.NodeA, user, "views"));
            Assert.Equal(sum, await TwoDatacenters.CounterAsync(dcs.NodeB, user, "views"));
        }

        Assert.Equal(0, await TwoDatacenters.MetricAsync(dcs.NodeA.Http, "sidecar_updates_dead_letters_total"));
        Assert.Equal(0, await TwoDatacenters.MetricAsync(dcs.NodeB.Http, "sidecar_updates_dead_letters_total"));

        // The platform meters, as on the node and the proxy: the replicator's CPU and memory, and
        // its own HTTP requests (a GET of /admin/status is the one counted here).
        using var status = await ab.Http.GetAsync("/admin/status");
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.True(await TwoDatacenters.MetricAsync(ab.Http, PlatformMetricNames.ProcessCpuTime.Exported) > 0);
        Assert.True(await TwoDatacenters.MetricAsync(ab.Http, PlatformMetricNames.ProcessWorkingSet.Exported) > 0);
        Assert.True(await TwoDatacenters.MetricAsync(ab.Http, PlatformMetricNames.HttpServerRequestDuration.Exported + "_count") >= 1);
    }
}
