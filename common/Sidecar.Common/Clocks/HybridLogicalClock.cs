namespace Sidecar.Common.Clocks;

/// <summary>
/// Hybrid logical clock (Kulkarni et al.): a 64-bit timestamp whose high 48 bits are Unix
/// milliseconds and low 16 bits a logical counter. Every value it hands out is greater than
/// every value it handed out or observed before, so an update made after seeing another one
/// always sorts after it, while staying close to wall-clock time.
/// </summary>
public sealed class HybridLogicalClock
{
    private const int LogicalBits = 16;
    private readonly TimeProvider _time;
    private readonly long _maxForwardDriftMs;
    private long _last;

    /// <param name="time">Source of physical time.</param>
    /// <param name="maxForwardDrift">
    /// A remote timestamp further ahead of local physical time than this is not adopted: one node
    /// with a broken clock must not drag every other clock into the future.
    /// </param>
    public HybridLogicalClock(TimeProvider time, TimeSpan maxForwardDrift)
    {
        _time = time;
        _maxForwardDriftMs = (long)maxForwardDrift.TotalMilliseconds;
    }

    public ulong Last => (ulong)Volatile.Read(ref _last);

    /// <summary>Returns a timestamp greater than any returned or observed so far.</summary>
    public ulong Now()
    {
        var physical = Physical();
        while (true)
        {
            var last = Volatile.Read(ref _last);
            var next = Math.Max(last + 1, physical);
            if (Interlocked.CompareExchange(ref _last, next, last) == last)
            {
                return (ulong)next;
            }
        }
    }

    /// <summary>Advances the clock past a timestamp received from elsewhere.</summary>
    /// <returns>False when the timestamp was too far in the future and was not adopted.</returns>
    public bool Observe(ulong remote)
    {
        var value = (long)remote;
        if (value > Physical() + (_maxForwardDriftMs << LogicalBits))
        {
            return false;
        }

        while (true)
        {
            var last = Volatile.Read(ref _last);
            if (value <= last || Interlocked.CompareExchange(ref _last, value, last) == last)
            {
                return true;
            }
        }
    }

    public static ulong Encode(long unixMs, int logical) => ((ulong)unixMs << LogicalBits) | (ushort)logical;

    public static long UnixMilliseconds(ulong hlc) => (long)(hlc >> LogicalBits);

    public static int Logical(ulong hlc) => (int)(hlc & 0xFFFF);

    private long Physical() => _time.GetUtcNow().ToUnixTimeMilliseconds() << LogicalBits;
}
