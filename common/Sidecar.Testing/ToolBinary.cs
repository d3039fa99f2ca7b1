using System.Diagnostics;

namespace Sidecar.Testing;

/// <summary>
/// Finds an outside program the tests run (Consul, Chromium): the path in an environment variable
/// (./test.sh sets it once for every suite), else the last line the repository's ensure script
/// prints, which fetches or installs the program when the machine lacks it.
/// </summary>
public static class ToolBinary
{
    public static async Task<string> FindAsync(string environmentVariable, string ensureScript)
    {
        var fromEnv = Environment.GetEnvironmentVariable(environmentVariable);
        if (!string.IsNullOrEmpty(fromEnv))
        {
            return File.Exists(fromEnv) ? fromEnv : throw new FileNotFoundException($"{environmentVariable} names {fromEnv}, which does not exist");
        }

        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repo.Root,
        };
        info.ArgumentList.Add(Path.Combine(Repo.Root, ensureScript));
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not run {ensureScript}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var path = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        return process.ExitCode == 0 && path is not null && File.Exists(path)
            ? path
            : throw new InvalidOperationException($"{ensureScript} failed ({process.ExitCode}):\n{await stderr}");
    }
}
