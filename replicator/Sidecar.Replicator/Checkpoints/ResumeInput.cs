using Sidecar.Replicator.Configuration;

namespace Sidecar.Replicator.Checkpoints;

/// <summary>What the start of a source partition knows when it decides where to resume.</summary>
/// <param name="Checkpoint">The origin offset of the last record the target holds for the partition
/// (<see cref="CheckpointReader"/>); null when it holds none.</param>
/// <param name="SourceLow">The oldest offset the source still holds (its low watermark).</param>
/// <param name="SourceHigh">The source's end: the offset of its next record (its high watermark).</param>
/// <param name="Policy">What to do when the source no longer holds the records after the checkpoint.</param>
internal readonly record struct ResumeInput(long? Checkpoint, long SourceLow, long SourceHigh, GapPolicy Policy);
