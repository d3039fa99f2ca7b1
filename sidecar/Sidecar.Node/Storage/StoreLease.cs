namespace Sidecar.Node.Storage;

/// <summary>A reader's hold on a version: the database stays open until it is disposed.</summary>
internal readonly struct StoreLease : IDisposable
{
    private readonly StoreVersion _version;

    public StoreLease(StoreVersion version) => _version = version;

    public StoreVersion Version => _version;

    public void Dispose() => _version.Release();
}
