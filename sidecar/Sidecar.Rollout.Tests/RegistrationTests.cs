using Sidecar.Testing;

namespace Sidecar.Rollout.Tests;

/// <summary>A node registers in Consul with its datacenter and version, passes its check only when
/// ready, and deregisters on SIGTERM; a bad Consul setting stops it at start.</summary>
public sealed class RegistrationTests
{
    [Fact]
    public async Task A_node_registers_with_metadata_and_deregisters_on_sigterm()
    {
        using var dir = new TempDir();
        await using var consul = await ConsulAgent.StartAsync("dc-a");
        using var client = consul.Client();
        var h2cPort = ChildProcess.FreePort();
        await using var node = await NodeProcess.StartAsync(dir.Sub("n1"), bootstrap: null, "dc-a", "n1",
            "--Consul:Address", consul.Address.ToString(), "--Consul:CheckTtl", "00:00:02", "--Consul:ServiceName", "personalization",
            "--Api:H2cUrl", $"http://127.0.0.1:{h2cPort}");

        await node.WaitAsync("passing in Consul", async () =>
            (await client.Health.ServiceAsync("personalization", passingOnly: true)).Value.Count == 1, TimeSpan.FromSeconds(30));
        var service = (await client.Health.ServiceAsync("personalization", passingOnly: true)).Value.Single().Service;
        Assert.Equal("n1", service.Id);
        Assert.Equal("dc-a", service.Meta!["datacenter"]);
        Assert.Equal("initial", service.Meta["version"]);
        Assert.Equal(new Uri(node.Url).Port, service.Port); // the HTTP/1.1 address, whatever order Kestrel bound them in
        Assert.Equal(h2cPort.ToString(System.Globalization.CultureInfo.InvariantCulture), service.Meta["h2c-port"]);

        // The h2c listener serves the API over HTTP/2 with prior knowledge, and only that.
        using (var h2c = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{h2cPort}"), DefaultRequestVersion = System.Net.HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact })
        using (var live = await h2c.GetAsync("/health/live"))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, live.StatusCode);
            Assert.Equal(System.Net.HttpVersion.Version20, live.Version);
        }

        using (var http11 = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{h2cPort}") })
        using (var refused = await http11.GetAsync("/health/live"))
        {
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
        }
        Assert.Equal("127.0.0.1", service.Address);

        Assert.Equal(0, await node.Process.TerminateAsync(TimeSpan.FromSeconds(20)));
        Assert.Empty((await client.Health.ServiceAsync("personalization", passingOnly: false)).Value);
    }

    [Theory]
    [InlineData("http://127.0.0.1:0")]
    [InlineData("https://127.0.0.1:5081")]
    [InlineData("not a url")]
    public async Task A_bad_h2c_address_stops_the_node_with_exit_code_2_and_the_reason(string h2cUrl)
    {
        using var dir = new TempDir();
        await using var process = ChildProcess.StartDotnet("node-bad-h2c", Repo.Program("sidecar/Sidecar.Node", "Sidecar.Node"),
            ["--urls", $"http://127.0.0.1:{ChildProcess.FreePort()}", "--Node:DataRoot", dir.Sub("n"), "--Api:H2cUrl", h2cUrl]);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cts.Token);
        await Task.Delay(100);
        Assert.Equal(2, process.ExitCode);
        Assert.Contains($"H2cUrl '{h2cUrl}' must be an http:// address", process.Output);
    }

    [Fact]
    public async Task A_bad_consul_setting_stops_the_node_with_exit_code_2_and_the_reason()
    {
        using var dir = new TempDir();
        await using var process = ChildProcess.StartDotnet("node-bad", Repo.Program("sidecar/Sidecar.Node", "Sidecar.Node"),
            ["--urls", $"http://127.0.0.1:{ChildProcess.FreePort()}", "--Node:DataRoot", dir.Sub("n"), "--Consul:Address", "not a url", "--Consul:CheckTtl", "00:00:00.1"]);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cts.Token);
        await Task.Delay(100);
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("Consul:Address", process.Output);
        Assert.Contains("CheckTtl", process.Output);
    }
}
