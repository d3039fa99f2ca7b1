using Sidecar.Bench;
using Sidecar.Common.Kafka;

// Usage: Sidecar.Bench <node-get|ingest|datasets|rules|rules-map|replication|expressions|bare|bare-forwarder> [options]; see bench/README.md.
NativeKafka.EnsureLoaded();
var command = args.FirstOrDefault() ?? "";
var options = BenchArgs.Parse(args.Skip(1));
switch (command)
{
    case "node-get":
        await NodeGetBench.RunAsync(options);
        break;
    case "ingest":
        await IngestBench.RunAsync(options);
        break;
    case "datasets":
        await DatasetsBench.RunAsync(options);
        break;
    case "rules":
        await RulesBench.RunAsync(options);
        break;
    case "rules-map":
        MappingCost.Run(options);
        break;
    case "replication":
        await ReplicationBench.RunAsync(options);
        break;
    case "bare":
        await BareKestrel.ServeAsync(options);
        break;
    case "expressions":
        ExpressionsBench.Run(options);
        break;
    case ExpressionProbes.Command:
        return ExpressionProbes.RunChild(args[1..]);
    case "bare-forwarder":
        await BareForwarder.ServeAsync(options);
        break;
    default:
        Console.Error.WriteLine("usage: Sidecar.Bench <node-get|ingest|datasets|rules|rules-map|replication|expressions> [--name value ...]");
        return 2;
}

return 0;
