namespace Sidecar.Bench;

/// <summary>
/// Two sides of a comparison, each run once a round in alternating order, so that neither side
/// always runs on the warmer (or the busier) machine.
/// </summary>
internal static class Rounds
{
    /// <summary>Runs <paramref name="a"/> first in odd rounds (counted from 1), <paramref name="b"/> first in even ones.</summary>
    public static async Task<(T A, T B)> AlternateAsync<T>(int round, Func<Task<T>> a, Func<Task<T>> b)
    {
        if (AFirst(round))
        {
            var first = await a();
            return (first, await b());
        }

        var second = await b();
        return (await a(), second);
    }

    /// <summary>The order a round ran its sides in, for its row.</summary>
    public static string Order(int round, string a, string b) => AFirst(round) ? $"{a}, {b}" : $"{b}, {a}";

    private static bool AFirst(int round) => round % 2 == 1;
}
