using Sidecar.Node.Storage;

namespace Sidecar.Node.Datasets;

/// <summary>
/// One named dataset as the node serves it: its versions on disk (live, staged, retained) and the
/// update topic it is built from. The API finds it by name (<see cref="NodeDatasets"/>) and works
/// on it alone, so that one dataset's reads, writes and swaps never reach another's store.
/// </summary>
internal sealed class Dataset
{
    public Dataset(string name, string topic, VersionedStore store)
    {
        Name = name;
        Topic = topic;
        Store = store;
    }

    public string Name { get; }

    /// <summary>This datacenter's update topic of the dataset; other datacenters' arrive as <c>&lt;dc&gt;.&lt;topic&gt;</c>.</summary>
    public string Topic { get; }

    public VersionedStore Store { get; }
}
