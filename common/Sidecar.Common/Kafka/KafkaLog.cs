using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Sidecar.Common.Kafka;

/// <summary>Routes librdkafka's own log lines into ILogger (otherwise they go to stderr raw).</summary>
public static class KafkaLog
{
    /// <summary>A log handler for any client builder: <c>.SetLogHandler(KafkaLog.To&lt;IProducer&lt;K, V&gt;&gt;(logger))</c>.</summary>
    public static Action<TClient, LogMessage> To<TClient>(ILogger logger) =>
        (_, m) => logger.Log(Level(m.Level), "librdkafka {Name} {Facility}: {Message}", m.Name, m.Facility, m.Message);

    public static LogLevel Level(SyslogLevel level) => level switch
    {
        SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical => LogLevel.Critical,
        SyslogLevel.Error => LogLevel.Error,
        SyslogLevel.Warning => LogLevel.Warning,
        SyslogLevel.Notice or SyslogLevel.Info => LogLevel.Information,
        _ => LogLevel.Debug,
    };
}
