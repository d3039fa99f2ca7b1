using Microsoft.Extensions.Options;
using Sidecar.Node.Configuration;
using Sidecar.Rules;

namespace Sidecar.Node.Rules;

/// <summary>
/// At start a node with <c>Rules:File</c> refuses to run with a file that is missing or bad: every
/// problem is listed with the other configuration failures and the node exits with code 2. (Later
/// changes are checked by <see cref="RulesFile"/>, which keeps the rules in force instead.)
/// </summary>
internal sealed class RulesFileValidator(IOptions<ApiOptions> api, IOptions<StoreOptions> store, IOptions<KafkaOptions> kafka, IOptions<NodeOptions> node, IOptions<DatasetsOptions> datasets)
    : IValidateOptions<RulesOptions>
{
    public ValidateOptionsResult Validate(string? name, RulesOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        if (!File.Exists(options.File))
        {
            return ValidateOptionsResult.Fail($"Rules:File '{options.File}' does not exist");
        }

        var load = RuleSet.Read(options.File!, NodeRuleLimits.From(api.Value, store.Value, kafka.Value, node.Value, datasets.Value));
        return load.RuleSet is not null
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(load.Problems.Select(p => $"Rules:File {options.File}: {p}"));
    }
}
