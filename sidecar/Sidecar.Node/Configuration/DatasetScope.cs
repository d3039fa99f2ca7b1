namespace Sidecar.Node.Configuration;

/// <summary>
/// Which dataset the parts of one service container serve: the node's own container serves
/// <c>default</c>, and each named dataset has a container of its own (<c>Datasets/</c>) built with
/// the same parts. Parts that name their dataset (metrics, logs) read it here.
/// </summary>
internal sealed record DatasetScope(string Name);
