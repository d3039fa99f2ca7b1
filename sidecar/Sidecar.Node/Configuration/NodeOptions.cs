using System.ComponentModel.DataAnnotations;
using Sidecar.Common.Contracts;

namespace Sidecar.Node.Configuration;

/// <summary>Identity of this node and where it keeps its data. Section "Node".</summary>
public sealed class NodeOptions
{
    public const string Section = "Node";

    /// <summary>Unique id of this node; part of every op id it issues.</summary>
    [Required, RegularExpression("^[A-Za-z0-9._-]{1,64}$", ErrorMessage = "Node:Id must be 1-64 characters of letters, digits, '.', '_' or '-'.")]
    public string Id { get; set; } = Environment.MachineName;

    /// <summary>The datacenter this node lives in: the origin of the updates it accepts.</summary>
    [Required, DatacenterName("Node:Datacenter")]
    public string Datacenter { get; set; } = "dc1";

    /// <summary>Directory holding one RocksDB directory per dataset version.</summary>
    [Required]
    public string DataRoot { get; set; } = ".data/node";

    /// <summary>How long the data of a dataset whose <c>Datasets:&lt;name&gt;</c> section was removed
    /// stays on disk (not served), from the first start without it: put the section back within it
    /// and the dataset is served as it was.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan RemovedDatasetGrace { get; set; } = TimeSpan.FromDays(7);

    /// <summary>A remote timestamp further ahead than this is not adopted by the local clock.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan MaxClockDrift { get; set; } = TimeSpan.FromMinutes(1);
}
