using System.Net.Http.Json;
using System.Text.Json;

namespace Sidecar.Chaos.Tests.Topology;

/// <summary>
/// Snapshot rollouts on the deployment, driven the operator's way (sidecarctl in a container),
/// observed in Consul KV through the datacenter's Consul server (its published port).
/// </summary>
internal static class Rollouts
{
    private const string Prefix = "sidecar/rollout/";

    /// <summary>
    /// Builds a snapshot of <paramref name="users"/> users nobody else writes, with no origin
    /// offsets (so a node replays every streamed update on top of it), and publishes it in both
    /// datacenters (a registry directory and a version index per datacenter).
    /// </summary>
    public static async Task PublishAsync(Deployment deployment, string version, int users)
    {
        var lines = Enumerable.Range(0, users).Select(i => JsonSerializer.Serialize(new
        {
            userId = $"snap-{version}-{i:D3}",
            fields = new Dictionary<string, object> { ["tier"] = "gold" },
            counters = new Dictionary<string, long> { ["seen"] = i },
        }));
        await File.WriteAllLinesAsync(Path.Combine(deployment.Registry, $"{version}.jsonl"), lines);
        var mount = Deployment.RegistryMount;
        await deployment.CliAsync(deployment.A,
        [
            ["snapshot", "build", "--input", $"{mount}/{version}.jsonl", "--out", $"{mount}/build-{version}", "--version", version],
            .. deployment.Datacenters.Select(dc => new[] { "snapshot", "publish", $"{mount}/build-{version}", "--registry", $"{mount}/store-{dc.Short}", "--consul", ConsulUrl(dc) }),
        ]);
    }

    public static string ConsulUrl(Datacenter dc) => $"http://{dc.Consul[0].Alias}:8080";

    public static Task<string> StartAsync(Deployment deployment, Datacenter dc, string version, bool wait)
    {
        string[] args = wait ? ["rollout", "start", version, "--consul", ConsulUrl(dc), "--wait"] : ["rollout", "start", version, "--consul", ConsulUrl(dc)];
        return deployment.CliAsync(dc, args);
    }

    /// <summary>The node id that holds the coordinator's lock, or null.</summary>
    public static async Task<string?> CoordinatorAsync(Datacenter dc)
    {
        using var response = await GetAsync(dc, $"/v1/kv/{Prefix}leader?raw");
        return response?.IsSuccessStatusCode == true ? await response.Content.ReadAsStringAsync() : null;
    }

    /// <summary>Every key under the rollout prefix with its value.</summary>
    public static async Task<Dictionary<string, JsonElement>> TreeAsync(Datacenter dc)
    {
        var tree = new Dictionary<string, JsonElement>();
        using var response = await GetAsync(dc, $"/v1/kv/{Prefix}?recurse");
        if (response is null)
        {
            return tree;
        }

        foreach (var entry in await response.Content.ReadFromJsonAsync<List<JsonElement>>() ?? [])
        {
            var value = entry.GetProperty("Value");
            if (value.ValueKind == JsonValueKind.String)
            {
                var text = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(value.GetString()!));
                try
                {
                    tree[entry.GetProperty("Key").GetString()![Prefix.Length..]] = JsonDocument.Parse(text).RootElement.Clone();
                }
                catch (JsonException)
                {
                    tree[entry.GetProperty("Key").GetString()![Prefix.Length..]] = JsonDocument.Parse(JsonSerializer.Serialize(text)).RootElement.Clone();
                }
            }
        }

        return tree;
    }

    /// <summary>
    /// A read from the first of the datacenter's Consul servers that answers it (one may be down
    /// or without a leader: the Consul scenario kills them); null if none does.
    /// </summary>
    private static async Task<HttpResponseMessage?> GetAsync(Datacenter dc, string path)
    {
        foreach (var server in dc.Consul)
        {
            try
            {
                var response = await server.Http.GetAsync(path);
                if (response.IsSuccessStatusCode || response.StatusCode == System.Net.HttpStatusCode.NotFound)
                {
                    return response;
                }

                response.Dispose();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Down: ask the next one.
            }
        }

        return null;
    }

    /// <summary>The newest round's proposal key prefix ("rounds/000..123/"), or null.</summary>
    public static string? NewestRound(Dictionary<string, JsonElement> tree) =>
        tree.Keys.Where(k => k.StartsWith("rounds/", StringComparison.Ordinal) && k.EndsWith("/proposal", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).LastOrDefault()?[..^"proposal".Length];

    /// <summary>The decision of the newest round ("commit", "abort"), waiting for it.</summary>
    public static async Task<string> WaitDecisionAsync(Datacenter dc, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var tree = await TreeAsync(dc);
            if (NewestRound(tree) is { } round && tree.TryGetValue(round + "decision", out var decision))
            {
                return decision.GetProperty("outcome").GetString()!;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"{dc.Name}: no rollout decision within {timeout}");
    }

    /// <summary>The version a node serves now (GET /admin/status).</summary>
    public static async Task<string> VersionAsync(Service node) =>
        (await node.Http.GetFromJsonAsync<JsonElement>("/admin/status")).GetProperty("version").GetString()!;
}
