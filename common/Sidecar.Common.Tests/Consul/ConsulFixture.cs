using System.Text;
using Sidecar.Common.Consul;
using Sidecar.Testing;

namespace Sidecar.Common.Tests.Consul;

/// <summary>One real dev agent for the Consul tests; each test works under its own key prefix.</summary>
public sealed class ConsulFixture : IAsyncLifetime
{
    private ConsulAgent? _agent;
    private ConsulClient? _client;

    public ConsulAgent Agent => _agent ?? throw new InvalidOperationException("not started");

    public ConsulClient Client => _client ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        _agent = await ConsulAgent.StartAsync("dc-test");
        _client = _agent.Client();
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_agent is not null)
        {
            await _agent.DisposeAsync();
        }
    }

    /// <summary>A key prefix no other test uses.</summary>
    public static string Prefix() => "test/" + Guid.NewGuid().ToString("n")[..12] + "/";

    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Polls until the condition holds; fails the test after the timeout.</summary>
    public static async Task EventuallyAsync(string what, Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"no {what} within {timeout ?? TimeSpan.FromSeconds(30)}");
            }

            await Task.Delay(50);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ConsulCollection : ICollectionFixture<ConsulFixture>
{
    public const string Name = "consul";
}
