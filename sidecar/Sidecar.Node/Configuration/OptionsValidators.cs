using Microsoft.Extensions.Options;

namespace Sidecar.Node.Configuration;

// Compile-time generated validators for the data annotations (no reflection at start-up).
[OptionsValidator]
public sealed partial class NodeOptionsValidator : IValidateOptions<NodeOptions>;

[OptionsValidator]
public sealed partial class KafkaOptionsValidator : IValidateOptions<KafkaOptions>;

[OptionsValidator]
public sealed partial class StoreOptionsValidator : IValidateOptions<StoreOptions>;

[OptionsValidator]
public sealed partial class ApiOptionsValidator : IValidateOptions<ApiOptions>;

[OptionsValidator]
public sealed partial class ConsulOptionsValidator : IValidateOptions<ConsulOptions>;

[OptionsValidator]
public sealed partial class RolloutOptionsValidator : IValidateOptions<RolloutOptions>;

[OptionsValidator]
public sealed partial class RulesOptionsValidator : IValidateOptions<RulesOptions>;

[OptionsValidator]
public sealed partial class DatasetOptionsValidator : IValidateOptions<DatasetOptions>;
