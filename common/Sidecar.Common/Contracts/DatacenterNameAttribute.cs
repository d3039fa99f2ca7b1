using System.ComponentModel.DataAnnotations;

namespace Sidecar.Common.Contracts;

/// <summary>
/// Options validation with <see cref="DatacenterName"/>'s rule and error text. Like
/// <see cref="RegularExpressionAttribute"/>, null and empty pass: add <see cref="RequiredAttribute"/>
/// where the setting must be present.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class DatacenterNameAttribute : ValidationAttribute
{
    /// <param name="setting">The configuration key named in the error, e.g. <c>Node:Datacenter</c>.</param>
    public DatacenterNameAttribute(string setting)
    {
        Setting = setting;
    }

    public string Setting { get; }

    public override bool IsValid(object? value) =>
        value is null || value is string { Length: 0 } || (value is string name && DatacenterName.IsValid(name));

    public override string FormatErrorMessage(string name) => DatacenterName.Problem(Setting);
}
