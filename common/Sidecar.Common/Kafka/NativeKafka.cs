using System.Reflection;
using System.Runtime.InteropServices;

namespace Sidecar.Common.Kafka;

/// <summary>
/// Pins the librdkafka build that works on Debian. The package's default linux-x64 library needs
/// libsasl2.so.3, which Debian lacks, and .NET then silently falls back to any system
/// librdkafka (Debian's 2.0.2 crashes on Consume). The package's centos8 build needs only glibc,
/// so every "librdkafka" import of Confluent.Kafka is resolved to it before the first Kafka call.
/// </summary>
public static class NativeKafka
{
    private const string FileName = "centos8-librdkafka.so";

    // A process has one native librdkafka and one import resolver per assembly, so this is
    // process-wide by nature.
    private static readonly Lazy<IntPtr> Handle = new(LoadAndPin, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Loads and pins the library; safe to call any number of times.</summary>
    public static IntPtr EnsureLoaded() => Handle.Value;

    private static IntPtr LoadAndPin()
    {
        var path = Candidates().FirstOrDefault(File.Exists)
            ?? throw new DllNotFoundException(
                $"{FileName} not found next to the application or in the librdkafka.redist package; " +
                "build or publish with RuntimeIdentifier linux-x64.");
        var handle = NativeLibrary.Load(path);
        NativeLibrary.SetDllImportResolver(typeof(Confluent.Kafka.Library).Assembly, Resolve);
        NativeLibrary.SetDllImportResolver(typeof(NativeKafka).Assembly, Resolve);
        return handle;

        IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
            name.Contains("rdkafka", StringComparison.Ordinal) ? handle : IntPtr.Zero;
    }

    private static IEnumerable<string> Candidates()
    {
        var baseDir = AppContext.BaseDirectory;
        yield return Path.Combine(baseDir, FileName);
        yield return Path.Combine(baseDir, "runtimes", "linux-x64", "native", FileName);
        var home = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var version = typeof(Confluent.Kafka.Library).Assembly.GetName().Version;
        if (version is not null)
        {
            yield return Path.Combine(home, "librdkafka.redist", $"{version.Major}.{version.Minor}.{version.Build}",
                "runtimes", "linux-x64", "native", FileName);
        }
    }

    /// <summary>Looks up an exported function of the pinned library.</summary>
    public static IntPtr Export(string name) => NativeLibrary.GetExport(EnsureLoaded(), name);
}
