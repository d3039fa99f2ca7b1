namespace Sidecar.Common.Envelope;

/// <summary>The envelope's schema version (envelope.proto): what every writer stamps and what a reader accepts.</summary>
public static class EnvelopeSchema
{
    public const uint Version = 1;
}
