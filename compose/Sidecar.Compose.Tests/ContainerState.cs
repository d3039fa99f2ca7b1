using System.Globalization;

namespace Sidecar.Compose.Tests;

/// <summary>A container as `docker inspect` reports it.</summary>
internal sealed record ContainerState(string Name, string Status, int ExitCode, string Health)
{
    /// <summary>Running and healthy, or (a one-shot step such as topic creation) exited with 0.</summary>
    public bool IsUp => Status == "running" ? Health is "healthy" : Status == "exited" && ExitCode == 0 && Health == "";

    /// <summary>Exited with an error, or reported unhealthy: waiting longer will not help.</summary>
    public bool HasFailed => (Status == "exited" && ExitCode != 0) || Health == "unhealthy";

    public static ContainerState Parse(string line)
    {
        var parts = line.Split('|');
        return new ContainerState(parts[0].TrimStart('/'), parts[1], int.Parse(parts[2], CultureInfo.InvariantCulture), parts.Length > 3 ? parts[3] : "");
    }

    public override string ToString() => $"{Name} {Status}{(Status == "exited" ? $" ({ExitCode})" : "")}{(Health == "" ? "" : $" {Health}")}";
}
