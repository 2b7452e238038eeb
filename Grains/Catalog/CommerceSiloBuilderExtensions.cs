using BetterData.Grains.Square;
using Microsoft.Extensions.DependencyInjection;

namespace BetterData.Grains.Catalog;

public static class CommerceSiloBuilderExtensions
{
    /// <summary>Commerce sync's silo side: options (<c>Commerce</c> section) and the Square API client.</summary>
    public static ISiloBuilder AddCommerce(this ISiloBuilder silo)
    {
        silo.Services.AddOptions<CommerceOptions>().BindConfiguration("Commerce");
        silo.Services.AddHttpClient<SquareApiClient>(client => client.Timeout = Timeout.InfiniteTimeSpan);
        return silo;
    }
}
