using BetterData.Grains.Hosting;
using Npgsql;

namespace BetterData.Grains.Tests.Hosting;

public sealed class ClusterSettingsTests
{
    [Fact]
    public void ForStores_AddsCustomPlansAndTheTuning_ToAPlainString()
    {
        var tuned = new NpgsqlConnectionStringBuilder(ClusterSettings.ForStores("Host=db;Database=app;Username=u"));

        Assert.Equal("-c plan_cache_mode=force_custom_plan", tuned.Options);
        Assert.True(tuned.NoResetOnClose);
        Assert.Equal(64, tuned.MaxAutoPrepare);
        Assert.Equal("db", tuned.Host);
    }

    [Fact]
    public void ForStores_KeepsTheOperatorsChoices()
    {
        var own = new NpgsqlConnectionStringBuilder(ClusterSettings.ForStores(
            "Host=db;Options=-c statement_timeout=5000;Max Auto Prepare=0;No Reset On Close=false"));
        Assert.Equal("-c statement_timeout=5000 -c plan_cache_mode=force_custom_plan", own.Options);
        Assert.Equal(0, own.MaxAutoPrepare);
        Assert.False(own.NoResetOnClose);

        var planMode = new NpgsqlConnectionStringBuilder(ClusterSettings.ForStores("Host=db;Options=-c plan_cache_mode=auto"));
        Assert.Equal("-c plan_cache_mode=auto", planMode.Options);
    }
}
