using Microsoft.Extensions.Options;
using Sidecar.Node.Apply;
using Sidecar.Node.Configuration;
using Sidecar.Node.Ingest;
using Sidecar.Node.Merge;
using Sidecar.Node.Metrics;
using Sidecar.Node.Model;
using Sidecar.Node.Storage;

namespace Sidecar.Node.Datasets;

/// <summary>
/// One named dataset as the node serves it: its versions on disk (live, staged, retained), the
/// update topic it is built from, how far ingest has applied it and the rules its envelopes obey.
/// The API finds it by name (<see cref="NodeDatasets"/>) and works on it alone, so that one
/// dataset's reads, writes and swaps never reach another's store. Its parts come from the service
/// container that runs them: the node's own for the default dataset, a container of its own for a
/// named one (<see cref="DatasetContainer"/>).
/// </summary>
internal sealed class Dataset
{
    public Dataset(string name, IServiceProvider parts)
    {
        Name = name;
        Topic = parts.GetRequiredService<IOptions<KafkaOptions>>().Value.UpdatesTopic;
        var store = parts.GetRequiredService<IOptions<StoreOptions>>().Value;
        ListCap = store.ListCap;
        Expiry = store.Expiry;
        Time = parts.GetRequiredService<TimeProvider>();
        Store = parts.GetRequiredService<VersionedStore>();
        Rules = parts.GetRequiredService<EnvelopeRules>();
        Parser = new UpdateRequestParser(Rules);
        Progress = parts.GetRequiredService<ApplyProgress>();
        Status = parts.GetRequiredService<IngestStatus>();
        Metrics = parts.GetRequiredService<NodeMetrics>();
    }

    public string Name { get; }

    /// <summary>This datacenter's update topic of the dataset; other datacenters' arrive as <c>&lt;dc&gt;.&lt;topic&gt;</c>.</summary>
    public string Topic { get; }

    /// <summary>Items kept per list.</summary>
    public int ListCap { get; }

    /// <summary>What expires, and when (none unless <c>ItemTtl</c> or <c>Ttl</c> is set).</summary>
    public Expiry Expiry { get; }

    /// <summary>The node's clock, which expiry is measured by.</summary>
    public TimeProvider Time { get; }

    /// <summary>Now in Unix milliseconds when the dataset expires anything, else 0 (no clock read
    /// on the read path of a dataset without expiry).</summary>
    public long ExpiryNowMs => Expiry.Enabled ? Time.GetUtcNow().ToUnixTimeMilliseconds() : 0;

    public VersionedStore Store { get; }

    public EnvelopeRules Rules { get; }

    /// <summary>Reads a write request's ops by the dataset's rules (its list cap among them).</summary>
    public UpdateRequestParser Parser { get; }

    /// <summary>What ingest has applied, per partition of the dataset's topics.</summary>
    public ApplyProgress Progress { get; }

    public IngestStatus Status { get; }

    /// <summary>The node's instruments as this dataset records into them.</summary>
    public NodeMetrics Metrics { get; }
}
