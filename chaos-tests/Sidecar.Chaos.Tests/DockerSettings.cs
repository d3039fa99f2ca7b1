using System.Runtime.CompilerServices;

namespace Sidecar.Chaos.Tests;

/// <summary>
/// What Testcontainers needs against the engine these machines run (Debian's docker.io 20.10):
/// API 1.41 (the client's default is newer), no Ryuk (its image cannot be pulled: every resource
/// is labelled with the run id and removed by the tests and by test.sh instead), and the host
/// reached on 127.0.0.1 (not the bridge gateway). Values already set in the environment win.
/// </summary>
internal static class DockerSettings
{
    [ModuleInitializer]
    internal static void Apply()
    {
        SetDefault("DOCKER_API_VERSION", "1.41");
        SetDefault("TESTCONTAINERS_RYUK_DISABLED", "true");
        SetDefault("TESTCONTAINERS_HOST_OVERRIDE", "127.0.0.1");
    }

    private static void SetDefault(string name, string value)
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name)))
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }
}
