namespace Sidecar.Common.Contracts;

/// <summary>
/// One metric of a process: the OpenTelemetry instrument name and unit the process defines it
/// with, and the name it has on <c>/metrics</c>, derived the way the Prometheus exporter derives
/// it (dots to '_', the unit's word appended unless the name has it, <c>_total</c> for counters). Readers (sidecarctl,
/// tests, benchmarks) use <see cref="Exported"/>, so the name is written once.
/// </summary>
public sealed record MetricName(string Name, string Unit, MetricKind Kind)
{
    /// <summary>The series name on <c>/metrics</c>; a histogram's series add <c>_bucket</c>, <c>_sum</c>, <c>_count</c>.</summary>
    public string Exported { get; } = Export(Name, Unit, Kind);

    public override string ToString() => Name;

    private static string Export(string name, string unit, MetricKind kind)
    {
        var exported = name.Replace('.', '_');
        // The exporter appends the unit's word unless the name contains it already (sidecar.replicator.bytes).
        var word = UnitWord(unit);
        if (!exported.Contains(word, StringComparison.Ordinal))
        {
            exported += "_" + word;
        }

        return kind == MetricKind.Counter && !exported.EndsWith("_total", StringComparison.Ordinal) ? exported + "_total" : exported;
    }

    /// <summary>The exporter drops annotations (<c>{request}</c>) and spells the UCUM units we use as words.
    /// Any other unit is refused, so a new one cannot silently get a name the exporter does not give it.</summary>
    private static string UnitWord(string unit) => unit switch
    {
        _ when unit.StartsWith('{') && unit.EndsWith('}') => "",
        "s" => "seconds",
        "By" => "bytes",
        _ => throw new ArgumentOutOfRangeException(nameof(unit), unit, "Unit not known to MetricName; add its Prometheus word."),
    };
}
