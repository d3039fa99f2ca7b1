namespace Sidecar.Rollout.Tests;

/// <summary>User documents for snapshots, as JSON lines.</summary>
internal static class Documents
{
    public static IEnumerable<string> Users(string prefix, int count, string version) =>
        Enumerable.Range(0, count).Select(i =>
            "{\"userId\":\"" + prefix + i + "\",\"fields\":{\"source\":\"" + version + "\",\"rank\":" + i + "},"
            + "\"lists\":{\"recent\":[\"h" + i + "\",\"h" + (i + 1) + "\"]},\"counters\":{\"views\":" + i + "}}");
}
