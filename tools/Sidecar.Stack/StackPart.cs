using Sidecar.Testing;

namespace Sidecar.Stack;

/// <summary>A started part of the stack, the process behind it and its name in the merged log.</summary>
internal sealed record StackPart(IAsyncDisposable Part, ChildProcess Process, string Name);
