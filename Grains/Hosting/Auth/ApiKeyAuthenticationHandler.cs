using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using BetterData.Grains.Tenants;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BetterData.Grains.Hosting.Auth;

/// <summary>
/// <c>Authorization: Bearer &lt;key&gt;</c> (or HTTP Basic with the key as password, so a browser can open the
/// dashboard). The admin key yields the admin role; a tenant key is checked against its tenant grain, or found among the
/// keys this process verified within the last second (<see cref="VerifiedApiKeys"/>).
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<AdminKeyOptions> admin,
    IGrainFactory grains,
    VerifiedApiKeys verified) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = PresentedKey(Request.Headers.Authorization.ToString());
        if (key is null)
        {
            return AuthenticateResult.NoResult();
        }

        if (admin.Value.ApiKey is { Length: > 0 } adminKey && ApiKeys.FixedTimeEquals(key, adminKey))
        {
            return Success(new Claim(ClaimTypes.Role, AuthNames.AdminRole));
        }

        if (ApiKeys.TenantIdOf(key) is { } tenantId && await VerifyTenantKeyAsync(tenantId, ApiKeys.Hash(key)))
        {
            return Success(new Claim(AuthNames.TenantClaim, tenantId));
        }

        return AuthenticateResult.Fail("The API key is not valid.");
    }

    private async ValueTask<bool> VerifyTenantKeyAsync(string tenantId, byte[] hash)
    {
        if (verified.IsVerified(tenantId, hash))
        {
            return true;
        }

        var verification = verified.Begin();
        if (!await grains.Reference<ITenantGrain>(tenantId).VerifyApiKeyAsync(hash))
        {
            return false;
        }

        verified.Remember(tenantId, hash, verification);
        return true;
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = Request.Path.StartsWithSegments("/dashboard")
            ? "Basic realm=\"BetterData operations\""
            : "Bearer";
        return base.HandleChallengeAsync(properties);
    }

    private AuthenticateResult Success(Claim claim) =>
        AuthenticateResult.Success(new AuthenticationTicket(
            new ClaimsPrincipal(new ClaimsIdentity([claim], Scheme.Name)), Scheme.Name));

    private static string? PresentedKey(string header)
    {
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim() is { Length: > 0 } bearer ? bearer : null;
        }

        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                return colon >= 0 && decoded[(colon + 1)..] is { Length: > 0 } password ? password : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }

        return null;
    }
}
