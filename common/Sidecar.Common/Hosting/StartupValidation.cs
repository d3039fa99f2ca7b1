using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Sidecar.Common.Hosting;

/// <summary>
/// Validates every options class of a process before anything starts, and reports all failures
/// at once: the host would otherwise stop at the first service that happens to read a bad value.
/// The node, the proxy and the replicator all start with it:
/// <code>
/// var validation = new StartupValidation(app.Services).Check&lt;NodeOptions&gt;(NodeOptions.Section)...;
/// if (await validation.ReportAsync(Console.Error)) { return StartupValidation.ExitCode; }
/// </code>
/// </summary>
public sealed class StartupValidation
{
    /// <summary>The exit code of a process refused for its configuration (scripts and tests rely on it).</summary>
    public const int ExitCode = 2;

    private readonly IServiceProvider _services;
    private readonly List<string> _failures = [];

    public StartupValidation(IServiceProvider services) => _services = services;

    public IReadOnlyList<string> Failures => _failures;

    /// <summary>Reads <typeparamref name="T"/>'s options, which runs its validators, and keeps each
    /// failure, prefixed with <c>[section]</c> when a section is given.</summary>
    public StartupValidation Check<T>(string? section)
        where T : class
    {
        try
        {
            _ = _services.GetRequiredService<IOptions<T>>().Value;
        }
        catch (OptionsValidationException e)
        {
            _failures.AddRange(e.Failures.Select(f => section is null ? f : $"[{section}] {f}"));
        }

        return this;
    }

    /// <summary>Writes every failure, one a line, and says whether there were any (the process then exits with <see cref="ExitCode"/>).</summary>
    public async Task<bool> ReportAsync(TextWriter error)
    {
        if (_failures.Count == 0)
        {
            return false;
        }

        await error.WriteLineAsync("Invalid configuration:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", _failures));
        return true;
    }
}
