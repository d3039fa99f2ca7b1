using Sidecar.Testing;

namespace Sidecar.Common.Tests.Testing;

public sealed class FreePortsTests
{
    // The stack launcher's offsets (tools/Sidecar.Stack.Tests/StackProcess.cs): two stack fixtures
    // once got overlapping blocks, and the second stack's node found its port taken.
    private static readonly int[] StackOffsets = [0, 1, 2, 11, 12, 21, 22, 31, 32, 41, 42, 43, 44, 45, 46, 47, 48, 51, 52, 61, 62];

    [Fact]
    public void No_port_is_handed_out_twice_by_blocks_and_single_picks_taken_together()
    {
        var handedOut = new List<int>();
        Parallel.For(0, 50, i =>
        {
            List<int> ports;
            if (i % 5 == 0)
            {
                ports = Enumerable.Range(0, 4).Select(_ => FreePorts.Next()).ToList();
            }
            else
            {
                var basePort = FreePorts.Block(StackOffsets);
                ports = StackOffsets.Select(o => basePort + o).ToList();
            }

            lock (handedOut)
            {
                handedOut.AddRange(ports);
            }
        });

        var twice = handedOut.GroupBy(p => p).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(twice.Count == 0, $"handed out more than once: {string.Join(", ", twice)}");
    }
}
