using System.Text;
using BetterData.Api.Webhooks;
using BetterData.Grains.Signing;
using FsCheck;
using FsCheck.Fluent;

namespace BetterData.Api.Tests.BadInput;

/// <summary>
/// Property runs over the pure verifiers and parsers: a signature verifies only for the exact body and secret it was
/// made with, any garbage header is refused without throwing, and parsers fail only in the ways the sources map to
/// 400. Longer run: <c>BD_FUZZ_RUNS=100000 dotnet test tests/BetterData.Api.Tests --filter "FullyQualifiedName~BadInput.VerifierProperties"</c>.
/// </summary>
public sealed class VerifierProperties
{
    private static readonly DateTimeOffset Now = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly Arbitrary<byte[]> Bytes = ArbMap.Default.ArbFor<byte[]>();
    private static readonly Arbitrary<string> Strings = ArbMap.Default.ArbFor<string>();

    [Fact]
    public void ShopifyHmac_SignedBody_VerifiesOnlyUnchanged()
    {
        var secrets = new[] { "shpss_secret" };
        Prop.ForAll(Bytes, Arb.From(Gen.Choose(0, 1 << 20)), (body, position) =>
        {
            var header = HmacSignatures.ComputeBase64(Encoding.UTF8.GetBytes(secrets[0]), [], body);
            var valid = HmacSignatures.VerifyBase64(header, "", body, secrets) == SignatureCheck.Valid;
            var other = HmacSignatures.VerifyBase64(header, "", body, ["another_secret"]) == SignatureCheck.Mismatch;
            var flipped = (byte[])body.Clone();
            if (flipped.Length > 0)
            {
                flipped[position % flipped.Length] ^= 1;
            }

            var tampered = body.Length == 0 || HmacSignatures.VerifyBase64(header, "", flipped, secrets) == SignatureCheck.Mismatch;
            return valid && other && tampered;
        }).Check(FuzzJson.Config);
    }

    [Fact]
    public void ShopifyHmac_AnyHeader_IsRefusedWithoutThrowing()
    {
        Prop.ForAll(Strings, Bytes, (header, body) =>
            HmacSignatures.VerifyBase64(header, "https://example.com/webhooks/square", body ?? [], ["key"]) != SignatureCheck.Valid)
            .Check(FuzzJson.Config);
    }

    [Fact]
    public void BetterDataSignature_SignedWithinTolerance_VerifiesAndOutsideIsStale()
    {
        var secrets = new[] { Encoding.UTF8.GetBytes("bd_secret") };
        Prop.ForAll(Bytes, Arb.From(Gen.Choose(-3600, 3600)), (body, skew) =>
        {
            var signedAt = Now.AddSeconds(skew);
            var header = BetterDataSignature.Sign(signedAt.ToUnixTimeSeconds(), body, [new HmacKey(secrets[0])]);
            var check = BetterDataSignature.Verify(header, body, secrets, Now, BetterDataSignature.DefaultTolerance);
            var expected = Math.Abs(skew) > BetterDataSignature.DefaultTolerance.TotalSeconds ? SignatureCheck.Stale : SignatureCheck.Valid;
            var wrongSecret = BetterDataSignature.Verify(header, body, [Encoding.UTF8.GetBytes("other")], Now, BetterDataSignature.DefaultTolerance);
            return check == expected && wrongSecret == SignatureCheck.Mismatch;
        }).Check(FuzzJson.Config);
    }

    [Fact]
    public void BetterDataSignature_AnyHeader_IsRefusedWithoutThrowing()
    {
        var headers = Gen.OneOf(Strings.Generator,
            Gen.Zip(Gen.Elements("t=", "v1=", "t=1,v1=", "v0=", "t=-1,v1=", ",,", "t=99999999999999999999,v1="), Strings.Generator)
                .Select(p => p.Item1 + p.Item2));
        Prop.ForAll(Arb.From(headers), Bytes, (header, body) =>
            BetterDataSignature.Verify(header, body ?? [], [Encoding.UTF8.GetBytes("bd_secret")], Now, BetterDataSignature.DefaultTolerance) != SignatureCheck.Valid)
            .Check(FuzzJson.Config);
    }

    [Fact]
    public void StandardWebhookSignature_DifferentMessageIdOrBody_SignsDifferently()
    {
        var secret = new HmacKey(StandardWebhookSignature.SecretBytes(StandardWebhookSignature.NewSecret()));
        Prop.ForAll(Strings, Bytes, (id, body) =>
        {
            var messageId = id ?? "";
            var signature = StandardWebhookSignature.Sign(messageId, 1_700_000_000, body, [secret]);
            return signature.StartsWith("v1,", StringComparison.Ordinal)
                && signature != StandardWebhookSignature.Sign(messageId + "x", 1_700_000_000, body, [secret])
                && signature != StandardWebhookSignature.Sign(messageId, 1_700_000_000, [.. body, 0], [secret]);
        }).Check(FuzzJson.Config);
    }

    // The published Standard Webhooks test vector, signed with a reused key: the first and the second signature (from a
    // reset keyed hash) are both the expected one.
    [Fact]
    public void StandardWebhook_ReusedKey_SignsThePublishedTestVector()
    {
        HmacKey[] key = [new(StandardWebhookSignature.SecretBytes("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))];
        var body = Encoding.UTF8.GetBytes("{\"test\": 2432232314}");
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", StandardWebhookSignature.Sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body, key));
        }
    }

    // A key's reused hashes give what a fresh HMAC gives, message after message and from many threads at once.
    [Fact]
    public void HmacKey_Reused_MatchesAFreshHmac_AlsoConcurrently()
    {
        var secret = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var key = new HmacKey(secret);
        byte[] Fresh(byte[] prefix, byte[] body) => System.Security.Cryptography.HMACSHA256.HashData(secret, prefix.Concat(body).ToArray());
        byte[] Reused(byte[] prefix, byte[] body)
        {
            var hash = new byte[HmacKey.HashSize];
            key.Compute(prefix, body, hash);
            return hash;
        }

        Prop.ForAll(Bytes, Bytes, (prefix, body) => Reused(prefix, body).AsSpan().SequenceEqual(Fresh(prefix, body))).Check(FuzzJson.Config);
        var inputs = Enumerable.Range(0, 2_000).Select(i => Encoding.UTF8.GetBytes($"message {i}")).ToArray();
        var mismatches = 0;
        Parallel.ForEach(inputs, new ParallelOptions { MaxDegreeOfParallelism = 8 }, body =>
        {
            if (!Reused([1, 2], body).AsSpan().SequenceEqual(Fresh([1, 2], body)))
            {
                Interlocked.Increment(ref mismatches);
            }
        });
        Assert.Equal(0, mismatches);
    }

    [Fact]
    public void StripeEventReader_AnyDataObject_ReadsOrFailsAsInvalid()
    {
        var types = Gen.Elements("customer.subscription.updated", "customer.subscription.deleted", "invoice.paid", "invoice.payment_failed", "customer.updated", "x");
        var documents = Gen.Zip(types, FuzzJson.Document(FuzzJson.Object(4)))
            .Select(p => (Type: p.Item1, Json: $"{{\"id\":\"evt_1\",\"type\":\"{p.Item1}\",\"data\":{{\"object\":{p.Item2}}}}}"));
        Prop.ForAll(Arb.From(documents), doc =>
        {
            var stripeEvent = new Stripe.Event { Id = "evt_1", Type = doc.Type, Created = Now.UtcDateTime };
            try
            {
                StripeEventReader.Read(stripeEvent, doc.Json);
                return true;
            }
            catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException)
            {
                // The source answers these with 400.
                return true;
            }
        }).Check(FuzzJson.Config);
    }

    [Fact]
    public void CommerceParsers_AnyDocument_ReadOrFailWithAnError()
    {
        // Valid skeletons with fuzzed members inside, so the parsers get past their required fields, plus free trees.
        string[] keys = ["id", "price", "quantity", "catalog_object_id", "location_id", "inventory_item_id", "sku", "state", "src", "name", "value"];
        var member = FuzzJson.Scalar.ArrayOf(keys.Length)
            .Select(values => "{" + string.Join(',', keys.Zip(values, (k, v) => $"\"{k}\":{v}")) + "}");
        var members = Gen.OneOf(member, FuzzJson.Object(2)).ArrayOf().Select(items => "[" + string.Join(',', items) + "]");
        var shaped = Gen.OneOf(
            members.Select(v => $"{{\"id\":1,\"title\":\"t\",\"updated_at\":\"2026-01-01T00:00:00Z\",\"variants\":{v},\"images\":{v}}}"),
            members.Select(v => $"{{\"id\":1,\"line_items\":{v},\"note_attributes\":{v}}}"),
            members.Select(v => $"{{\"counts\":{v}}}"),
            FuzzJson.Object(4),
            FuzzJson.Array(3));
        var documents = FuzzJson.Document(shaped);
        Prop.ForAll(Arb.From(documents), json =>
        {
            using var doc = JsonFields.ParseObject(Encoding.UTF8.GetBytes(json));
            if (doc is null)
            {
                return true; // the sources answer 400
            }

            var root = doc.RootElement;
            var product = ShopifyPayloads.Product(root, out var productError);
            var order = ShopifyPayloads.Order(root, out var orderError);
            var level = ShopifyPayloads.InventoryLevel(root, Now, out var levelError);
            SquareWebhookSource.InventoryCounts(JsonFields.Child(root, "counts"), Now);
            SquareWebhookSource.InventoryCounts(root, Now);
            return (product is null) != (productError is null) && (order is null) != (orderError is null) && (level is null) != (levelError is null);
        }).Check(FuzzJson.Config);
    }
}
