using Microsoft.Extensions.Options;

namespace BetterData.Grains.Security;

/// <summary>Fails start-up with every problem of <c>Secrets</c> named (see <see cref="SecretProtector.Validate"/>).</summary>
public sealed class SecretsOptionsValidation(bool durable) : IValidateOptions<SecretsOptions>
{
    public ValidateOptionsResult Validate(string? name, SecretsOptions options) =>
        SecretProtector.Validate(options, durable) is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
}
