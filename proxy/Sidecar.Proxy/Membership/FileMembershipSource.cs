using System.IO.Hashing;
using Microsoft.Extensions.Options;
using Sidecar.Proxy.Configuration;

namespace Sidecar.Proxy.Membership;

/// <summary>
/// Reads the membership file at start and whenever its content changes (polled: a watcher
/// misses atomic renames and edits on some file systems, a poll of a small file does not).
/// A file that does not validate is refused with a log line and the previous membership stays;
/// a half-written file is simply refused until the next poll sees it whole.
/// </summary>
internal sealed class FileMembershipSource : BackgroundService
{
    public const string SourceName = "file";

    private readonly ProxyOptions _options;
    private readonly MembershipStore _store;
    private readonly ILogger<FileMembershipSource> _logger;
    private ulong _lastHash;
    private bool _lastMissing;

    public FileMembershipSource(IOptions<ProxyOptions> options, MembershipStore store, ILogger<FileMembershipSource> logger)
    {
        _options = options.Value;
        _store = store;
        _logger = logger;
    }

    /// <summary>Loads the file once before the server starts, so the first request already has nodes.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        Poll();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.FileReloadInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Poll();
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    private void Poll()
    {
        var path = _options.MembershipFile!;
        byte[] content;
        try
        {
            content = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (!_lastMissing)
            {
                _logger.LogError("Membership file {Path} unreadable ({Reason}); keeping the current membership", path, e.Message);
                _lastMissing = true;
            }

            return;
        }

        _lastMissing = false;
        var hash = XxHash64.HashToUInt64(content);
        if (hash == _lastHash)
        {
            return;
        }

        _lastHash = hash;
        var (nodes, error) = MembershipFile.Parse(content, _store.Datacenters.ToHashSet(StringComparer.Ordinal));
        if (nodes is null)
        {
            _store.Refuse(SourceName, $"{path}: {error}");
            return;
        }

        _store.Update(SourceName, nodes);
    }
}
