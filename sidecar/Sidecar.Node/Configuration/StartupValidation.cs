using Microsoft.Extensions.Options;

namespace Sidecar.Node.Configuration;

/// <summary>
/// Validates every options class before anything starts, and reports all failures at once:
/// the host would otherwise stop at the first service that happens to read a bad value.
/// </summary>
internal static class StartupValidation
{
    public static IReadOnlyList<string> Failures(IServiceProvider services)
    {
        var failures = new List<string>();
        Check<NodeOptions>(services, NodeOptions.Section, failures);
        Check<KafkaOptions>(services, KafkaOptions.Section, failures);
        Check<StoreOptions>(services, StoreOptions.Section, failures);
        Check<ApiOptions>(services, ApiOptions.Section, failures);
        Check<ConsulOptions>(services, ConsulOptions.Section, failures);
        Check<RolloutOptions>(services, RolloutOptions.Section, failures);
        return failures;
    }

    private static void Check<T>(IServiceProvider services, string section, List<string> failures)
        where T : class
    {
        try
        {
            _ = services.GetRequiredService<IOptions<T>>().Value;
        }
        catch (OptionsValidationException e)
        {
            failures.AddRange(e.Failures.Select(f => $"[{section}] {f}"));
        }
    }
}
