using System.Text.Json;
using Sidecar.Rules.Values;

namespace Sidecar.Bench;

/// <summary>
/// An expression's parameters as JSON Pointers parsed once (the rules' own <see cref="EventPointer"/>),
/// read from each event as the type an engine takes without boxing: every candidate pays the same
/// walk over the event, so the table compares the engines, not the reading.
/// </summary>
internal sealed class ExpressionBindings
{
    private readonly EventPointer[] _pointers;

    public ExpressionBindings(IReadOnlyList<ExpressionParameter> parameters)
    {
        Parameters = parameters;
        _pointers = parameters.Select(p => EventPointer.Parse(p.Pointer, out var problem) ?? throw new ArgumentException(problem)).ToArray();
    }

    public IReadOnlyList<ExpressionParameter> Parameters { get; }

    /// <summary>The text at parameter <paramref name="i"/>, null when the event has none or it is not a string.</summary>
    public string? Text(JsonElement root, int i) =>
        _pointers[i].TryResolve(root, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>The number at parameter <paramref name="i"/>, 0 when the event has none (NCalc would see null).</summary>
    public long Number(JsonElement root, int i) =>
        _pointers[i].TryResolve(root, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : 0;
}
