namespace Sidecar.Node.Datasets;

/// <summary>
/// The node's loggers for a named dataset's parts, their category suffixed with the dataset
/// (<c>Sidecar.Node.Ingest.IngestService[recent]</c>): one log, and every line says which dataset
/// it is about. A suffix, not a prefix, so that category filters (<c>Logging:LogLevel:Sidecar.Node</c>)
/// apply as they do to the default dataset's parts.
/// </summary>
internal sealed class DatasetLoggerFactory : ILoggerFactory
{
    private readonly ILoggerFactory _node;
    private readonly string _dataset;

    public DatasetLoggerFactory(ILoggerFactory node, string dataset)
    {
        _node = node;
        _dataset = dataset;
    }

    public ILogger CreateLogger(string categoryName) => _node.CreateLogger($"{categoryName}[{_dataset}]");

    public void AddProvider(ILoggerProvider provider) => _node.AddProvider(provider);

    public void Dispose()
    {
        // The node's factory is the node's to dispose.
    }
}
