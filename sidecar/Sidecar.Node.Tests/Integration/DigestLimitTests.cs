using System.Net;
using System.Net.Http.Json;
using Sidecar.Common.Contracts;
using Sidecar.Testing;

namespace Sidecar.Node.Tests.Integration;

/// <summary>
/// <c>/admin/digest</c> hashes a whole version, so a node runs only <c>Api:DigestConcurrency</c>
/// at once and queues <c>Api:DigestQueue</c> more: on real node processes fed by a real Kafka
/// client, calls beyond both are refused with 429 problem+json and Retry-After, queued ones are
/// answered, and every answer is the same digest.
/// </summary>
public sealed class DigestLimitTests
{
    private const int Users = 30_000;
    private const int Calls = 12;

    [Fact]
    public async Task Digests_beyond_the_running_and_queued_ones_are_refused_with_429_and_queued_ones_answered()
    {
        using var dir = new TempDir();
        await using var kafka = await KafkaMockProcess.StartAsync("updates:4", "updates.dlq:4");
        using (var client = new TestKafka(kafka.BootstrapServers))
        {
            var envelopes = new Envelopes("dc-a");
            client.ProduceMany("updates", Enumerable.Range(0, Users).Select(i => envelopes.Create($"user-{i}", Envelopes.Set("f", $"\"{i}\""), Envelopes.Incr("n", i))));
        }

        await using var strict = await NodeProcess.StartAsync(dir.Sub("strict"), kafka.BootstrapServers, "dc-a", "strict", "--Api:DigestConcurrency", "1", "--Api:DigestQueue", "0");
        await using var queued = await NodeProcess.StartAsync(dir.Sub("queued"), kafka.BootstrapServers, "dc-a", "queued", "--Api:DigestConcurrency", "1", "--Api:DigestQueue", $"{Calls}");
        await strict.WaitConsumedAsync(Users, TimeSpan.FromSeconds(60));
        await queued.WaitConsumedAsync(Users, TimeSpan.FromSeconds(60));

        // One running, none waiting: of calls made at once, the ones that find it busy are refused.
        var answers = await AtOnceAsync(strict);
        Assert.All(answers, a => Assert.Contains(a.Status, new[] { HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
        var refused = answers.Where(a => a.Status == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(refused);
        Assert.All(refused, a => Assert.Equal(("application/problem+json", "1"), (a.ContentType, a.RetryAfter)));
        var digests = answers.Where(a => a.Status == HttpStatusCode.OK).Select(a => a.Digest).ToList();
        Assert.NotEmpty(digests);
        Assert.Single(digests.Distinct());

        // Once they are done, a digest runs again; and the node kept serving meanwhile.
        var expected = await strict.DigestAsync();
        Assert.Equal(digests[0], expected);

        // With room to wait, every call made at once is answered, in turn, with the same digest.
        var waited = await AtOnceAsync(queued);
        Assert.All(waited, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.All(waited, a => Assert.Equal(expected, a.Digest));
    }

    private static async Task<List<(HttpStatusCode Status, string? ContentType, string? RetryAfter, string? Digest)>> AtOnceAsync(NodeProcess node)
    {
        using var start = new SemaphoreSlim(0);
        var calls = Enumerable.Range(0, Calls).Select(async _ =>
        {
            await start.WaitAsync();
            using var response = await node.Http.GetAsync("/admin/digest");
            var digest = response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync(AdminJson.Default.NodeDigest))!.Digest : null;
            return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, response.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), digest);
        }).ToList();
        start.Release(Calls);
        return [.. await Task.WhenAll(calls)];
    }
}
