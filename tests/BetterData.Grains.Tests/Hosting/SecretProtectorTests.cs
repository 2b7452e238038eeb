using System.Security.Cryptography;
using BetterData.Grains.Security;

namespace BetterData.Grains.Tests.Hosting;

public sealed class SecretProtectorTests
{
    private static readonly byte[] KeyA = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] KeyB = Enumerable.Range(100, 32).Select(i => (byte)i).ToArray();

    private static SecretProtector Protector(string active = "a", bool withB = false) =>
        new(withB ? new Dictionary<string, byte[]> { ["a"] = KeyA, ["b"] = KeyB } : new Dictionary<string, byte[]> { ["a"] = KeyA }, active);

    [Fact]
    public void Protect_RoundTrips_UnderItsPurposeOnly_AndNeverShowsTheSecret()
    {
        var protector = Protector();
        var first = protector.Protect("whsec_c2VjcmV0", "endpoint-secret/ep_1");
        var second = protector.Protect("whsec_c2VjcmV0", "endpoint-secret/ep_1");

        Assert.StartsWith("enc:v1:a:", first, StringComparison.Ordinal);
        Assert.NotEqual(first, second); // a fresh nonce each time
        Assert.DoesNotContain("c2VjcmV0", first, StringComparison.Ordinal);
        Assert.Equal("whsec_c2VjcmV0", protector.Unprotect(first, "endpoint-secret/ep_1"));
        Assert.False(protector.NeedsProtecting(first));
        // Copied onto another record, it does not decrypt.
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(first, "endpoint-secret/ep_2"));
    }

    [Fact]
    public void Unprotect_RefusesAnAlteredValue_AndAnUnknownKey_NamingOnlyTheKeyId()
    {
        var stored = Protector().Protect("shpss_secret", "commerce-connection/shopify:x");
        var bytes = Convert.FromBase64String(stored["enc:v1:a:".Length..]);
        bytes[^1] ^= 1;
        var altered = "enc:v1:a:" + Convert.ToBase64String(bytes);

        Assert.ThrowsAny<CryptographicException>(() => Protector().Unprotect(altered, "commerce-connection/shopify:x"));
        Assert.ThrowsAny<CryptographicException>(() => Protector().Unprotect("enc:v1:a:AAAA", "p"));
        var unknown = Assert.ThrowsAny<CryptographicException>(() => new SecretProtector(new Dictionary<string, byte[]> { ["b"] = KeyB }, "b")
            .Unprotect(stored, "commerce-connection/shopify:x"));
        Assert.Contains("'a'", unknown.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("shpss", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ClearAndRetiredKeyValues_StillRead_AndAreMarkedForRewriting()
    {
        var underA = Protector().Protect("token", "p");
        var rotated = Protector(active: "b", withB: true);

        Assert.Equal("token", rotated.Unprotect(underA, "p"));
        Assert.True(rotated.NeedsProtecting(underA));
        Assert.Equal("stored-in-clear", rotated.Unprotect("stored-in-clear", "p"));
        Assert.True(rotated.NeedsProtecting("stored-in-clear"));
        Assert.StartsWith("enc:v1:b:", rotated.Protect("token", "p"), StringComparison.Ordinal);
    }

    [Fact]
    public void Configuration_IsCheckedAtStartUp_AndOnlyNonDurableModeRunsWithoutAKey()
    {
        var key = Convert.ToBase64String(KeyA);
        Assert.Empty(SecretProtector.Validate(new SecretsOptions { Keys = { ["k1"] = key } }, durable: true));
        Assert.Empty(SecretProtector.Validate(new SecretsOptions(), durable: false));
        Assert.Contains("required with PostgreSQL", Assert.Single(SecretProtector.Validate(new SecretsOptions(), durable: true)), StringComparison.Ordinal);
        Assert.Contains("32 bytes", Assert.Single(SecretProtector.Validate(new SecretsOptions { Keys = { ["k1"] = Convert.ToBase64String(new byte[16]) } }, true)), StringComparison.Ordinal);
        Assert.Contains("ActiveKey", Assert.Single(SecretProtector.Validate(new SecretsOptions { Keys = { ["k1"] = key, ["k2"] = key } }, true)), StringComparison.Ordinal);
        Assert.Contains("'k3'", Assert.Single(SecretProtector.Validate(new SecretsOptions { Keys = { ["k1"] = key }, ActiveKey = "k3" }, true)), StringComparison.Ordinal);
        Assert.Contains("key id", Assert.Single(SecretProtector.Validate(new SecretsOptions { Keys = { ["k:1"] = key } }, true)), StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => SecretProtector.Create(new SecretsOptions(), durable: true));

        // Two protectors made without a key in one process share its key (silos of one test cluster).
        var stored = SecretProtector.Create(new SecretsOptions(), durable: false).Protect("s", "p");
        Assert.Equal("s", SecretProtector.Create(new SecretsOptions(), durable: false).Unprotect(stored, "p"));
    }
}
