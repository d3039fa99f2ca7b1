using System.Text.Json;
using Sidecar.Testing;

namespace Sidecar.Node.Tests.Integration;

/// <summary><c>Logging:Console:FormatterName=json</c>: a real node writes its log as JSON lines, and a
/// request's entries carry the request's trace id.</summary>
public sealed class JsonLogsTests
{
    [Fact]
    public async Task With_the_json_formatter_every_log_line_is_a_json_entry_and_a_requests_entries_carry_its_trace_id()
    {
        using var dir = new TempDir();
        await using var kafka = await KafkaMockProcess.StartAsync("updates:8", "updates.dlq:8");
        await using var node = await NodeProcess.StartAsync(dir.Sub("node"), kafka.BootstrapServers, extra:
            ["--Logging:Console:FormatterName", "json", "--Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics", "Information"]);

        (await node.Http.GetAsync("/v1/users/json-logs")).Dispose();
        await Wait.UntilAsync(node.Process, "the request's log entry", () => Task.FromResult(node.Process.Output.Contains("Request finished", StringComparison.Ordinal)), TimeSpan.FromSeconds(10));

        var lines = node.Process.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length >= 3, node.Process.Output);
        var entries = lines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.All(entries, e =>
        {
            Assert.True(e.TryGetProperty("Timestamp", out var at) && at.GetString()!.EndsWith('Z'), e.ToString());
            Assert.True(e.TryGetProperty("LogLevel", out _) && e.TryGetProperty("Category", out _) && e.TryGetProperty("Message", out _), e.ToString());
        });

        var finished = entries.First(e => e.GetProperty("Message").GetString()!.StartsWith("Request finished", StringComparison.Ordinal));
        var traceIds = finished.GetProperty("Scopes").EnumerateArray()
            .Where(s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("TraceId", out _))
            .Select(s => s.GetProperty("TraceId").GetString())
            .ToList();
        var traceId = Assert.Single(traceIds);
        Assert.Matches("^[0-9a-f]{32}$", traceId);
    }
}
