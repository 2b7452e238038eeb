using System.Net;
using BetterData.Grains.Delivery;
using BetterData.Grains.Events;

namespace BetterData.Grains.Tests.Delivery;

public sealed class DeliveryRulesTests
{
    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00:ec2::254", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("93.184.216.34", true)]
    [InlineData("2606:2800:220:1:248:1893:25c8:1946", true)]
    public void IsAllowed_NothingAllowListed_RefusesNonPublic(string address, bool allowed) =>
        Assert.Equal(allowed, SsrfGuard.IsAllowed(IPAddress.Parse(address), []));

    [Fact]
    public void IsAllowed_AllowListedNetwork_IsAllowedOnlyInsideIt()
    {
        var networks = SsrfGuard.ParseNetworks(["10.5.0.0/16"]);
        Assert.True(SsrfGuard.IsAllowed(IPAddress.Parse("10.5.1.1"), networks));
        Assert.False(SsrfGuard.IsAllowed(IPAddress.Parse("10.6.1.1"), networks));
    }

    [Theory]
    [InlineData(1, 0.0, 4)]
    [InlineData(1, 1.0, 6)]
    [InlineData(1, 0.5, 5)]
    [InlineData(2, 0.5, 300)]
    public void NextDelay_DefaultSchedule_AppliesTwentyPercentJitter(int attemptsMade, double random, double expectedSeconds) =>
        Assert.Equal(expectedSeconds, RetryPolicy.NextDelay(new DeliveryOptions(), attemptsMade, null, random)!.Value.TotalSeconds, 3);

    [Fact]
    public void NextDelay_ScheduleExhausted_IsNull() =>
        Assert.Null(RetryPolicy.NextDelay(new DeliveryOptions(), DeliveryOptions.DefaultSchedule.Length, null, 0.5));

    [Fact]
    public void NextDelay_RetryAfter_StretchesButNeverShortensAndIsCapped()
    {
        var options = new DeliveryOptions();
        Assert.Equal(TimeSpan.FromSeconds(120), RetryPolicy.NextDelay(options, 1, TimeSpan.FromSeconds(120), 0.5));
        Assert.Equal(TimeSpan.FromMinutes(5), RetryPolicy.NextDelay(options, 2, TimeSpan.FromSeconds(1), 0.5));
        Assert.Equal(options.MaxRetryAfter, RetryPolicy.NextDelay(options, 1, TimeSpan.FromDays(3), 0.5));
    }

    [Theory]
    [InlineData("order.allocation_failed", true)]
    [InlineData("inventory.out_of_stock", false)]
    [InlineData("federation.order_created", true)]
    public void Matches_ExactAndWildcardFilters(string type, bool expected) =>
        Assert.Equal(expected, EventTypes.Matches(["order.*", "federation.*"], type));

    [Fact]
    public void Matches_NoFilters_TakesEveryCatalogTypeButNotOpsAlerts()
    {
        Assert.True(EventTypes.Matches([], "checkout.completed"));
        Assert.False(EventTypes.Matches([], EventTypes.OpsAlert));
    }
}
