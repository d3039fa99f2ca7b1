using Sidecar.Common.Consul;

namespace Sidecar.Common.Tests.Consul;

/// <summary>The parts of the client that need no agent.</summary>
public sealed class ClientTests
{
    [Theory]
    [InlineData(10_000, "10s")]
    [InlineData(1_500, "1500ms")]
    [InlineData(0, "0s")]
    [InlineData(300_000, "300s")]
    public void Durations_are_written_as_go_durations(int milliseconds, string text)
    {
        Assert.Equal(text, ConsulDuration.Format(TimeSpan.FromMilliseconds(milliseconds)));
    }

    [Theory]
    [InlineData("15s", 15_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1h0m0s", 3_600_000)]
    [InlineData("250ms", 250)]
    [InlineData("1.5s", 1_500)]
    [InlineData("0", 0)]
    public void Go_durations_are_read(string text, int milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), ConsulDuration.Parse(text));
    }

    [Theory]
    [InlineData("15")]
    [InlineData("s")]
    [InlineData("3d")]
    public void Malformed_durations_are_refused(string text)
    {
        Assert.Throws<FormatException>(() => ConsulDuration.Parse(text));
    }

    [Fact]
    public void Bad_options_are_all_reported()
    {
        var options = new ConsulClientOptions
        {
            Address = new Uri("ftp://consul:8500"),
            RequestTimeout = TimeSpan.Zero,
            BlockingWait = TimeSpan.FromMinutes(11),
            MaxRetries = -1,
        };

        Assert.Equal(4, options.Validate().Count);
        var error = Assert.Throws<ArgumentException>(() => new ConsulClient(options));
        Assert.Contains("BlockingWait", error.Message);
    }

    [Fact]
    public async Task An_unreachable_agent_surfaces_as_an_exception_after_the_retries()
    {
        var port = Sidecar.Testing.ChildProcess.FreePort(); // nothing listens there
        using var client = new ConsulClient(new ConsulClientOptions { Address = new Uri($"http://127.0.0.1:{port}"), MaxRetries = 1, RetryDelay = TimeSpan.FromMilliseconds(10) });

        await Assert.ThrowsAsync<HttpRequestException>(() => client.Kv.GetAsync("k"));
        await Assert.ThrowsAsync<HttpRequestException>(() => client.Kv.CasAsync("k", [1], 0));
    }
}
