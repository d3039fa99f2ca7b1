namespace Sidecar.Common.Contracts;

/// <summary>Attribute (label) names that several instruments share, read by dashboards and alert rules.</summary>
public static class MetricAttributes
{
    /// <summary>The dataset a node's measurement is of (<see cref="DatasetName"/>): on every
    /// instrument of the node's own meter but the ingest rules' (which feed the default dataset).</summary>
    public const string Dataset = "dataset";
}
