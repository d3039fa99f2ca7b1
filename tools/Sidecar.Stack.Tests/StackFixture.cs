namespace Sidecar.Stack.Tests;

/// <summary>One stack (2 nodes per datacenter) shared by the tests that only look at it.</summary>
public sealed class StackFixture : IAsyncLifetime
{
    internal StackProcess Stack { get; private set; } = null!;

    public async Task InitializeAsync() => Stack = await StackProcess.StartAsync(nodesPerDatacenter: 2);

    public async Task DisposeAsync()
    {
        if (Stack is not null)
        {
            await Stack.DisposeAsync();
        }
    }
}
