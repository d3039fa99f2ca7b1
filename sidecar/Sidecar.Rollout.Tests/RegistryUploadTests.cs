using System.Net;
using System.Security.Cryptography;
using Sidecar.Store.Snapshots;
using Sidecar.Testing;

namespace Sidecar.Rollout.Tests;

/// <summary>
/// Uploads to <c>sidecarctl registry serve</c> of snapshot files larger than Kestrel's default
/// request body limit (30 MB), with the real CLI's publish and a real snapshot build.
/// </summary>
public sealed class RegistryUploadTests
{
    private const long KestrelDefaultLimit = 30_000_000;

    [Fact]
    public async Task A_snapshot_with_a_file_over_30_MB_is_published_over_http_and_served_back_whole()
    {
        using var dir = new TempDir();
        await using var consul = await ConsulAgent.StartAsync("dc-a");
        await using var registry = await RegistryProcess.StartAsync(dir.Sub("http-registry"));

        // 24,000 users with 2,000 random base64 characters each: about 36 MB that no compression shrinks much.
        var input = dir.Sub("users.jsonl");
        await File.WriteAllLinesAsync(input, Enumerable.Range(0, 24_000)
            .Select(i => $$$"""{"userId":"user-{{{i:D6}}}","fields":{"blob":"{{{Convert.ToBase64String(RandomNumberGenerator.GetBytes(1_500))}}}"}}"""));
        Assert.Equal(0, (await Cli.RunAsync("snapshot", "build", "--input", input, "--out", dir.Sub("big"), "--version", "big1")).Exit);
        var built = SnapshotVerifier.Verify(dir.Sub("big"), "big1");
        Assert.Contains(built.Files, f => f.Bytes > KestrelDefaultLimit);

        var (exit, output) = await Cli.RunAsync("snapshot", "publish", dir.Sub("big"), "--registry", registry.Url, "--consul", consul.Address.ToString());
        Assert.True(exit == 0, output);

        // What the registry holds verifies against the same manifest, and a node's download of it too.
        var published = SnapshotVerifier.Verify(Path.Combine(registry.Dir, "big1"), "big1");
        Assert.Equal(built.Files, published.Files);
        using var http = new HttpClient();
        await HttpSnapshotRegistry.DownloadAsync(http, new Uri(new Uri(registry.Url), "big1/"), dir.Sub("downloaded"), CancellationToken.None);
        Assert.Equal(built.Files, SnapshotVerifier.Verify(dir.Sub("downloaded"), "big1").Files);
    }

    [Fact]
    public async Task A_file_over_the_configured_limit_is_refused_with_413_and_nothing_is_kept()
    {
        using var dir = new TempDir();
        await using var registry = await RegistryProcess.StartAsync(dir.Sub("http-registry"), "--max-file-bytes", "1048576");
        using var http = new HttpClient { BaseAddress = new Uri(registry.Url) };

        // With a length, and chunked (no length: the limit is found while reading).
        using var sized = new ByteArrayContent(new byte[2 << 20]);
        using var answer = await http.PutAsync("v1/data-0.sst", sized);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, answer.StatusCode);
        Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
        Assert.Contains("--max-file-bytes", await answer.Content.ReadAsStringAsync());

        using var chunked = new StreamContent(new MemoryStream(new byte[2 << 20]));
        using var request = new HttpRequestMessage(HttpMethod.Put, "v1/data-1.sst") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        using var chunkedAnswer = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunkedAnswer.StatusCode);
        Assert.False(File.Exists(Path.Combine(registry.Dir, ".uploads", "v1", "data-1.sst")));

        // Under the limit it is taken (kept aside until its manifest arrives).
        using var small = new ByteArrayContent(new byte[1000]);
        using var accepted = await http.PutAsync("v1/data-2.sst", small);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
    }
}
