using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace BetterData.Grains.Hosting.Outage;

public static class OutageServiceCollectionExtensions
{
    /// <summary>
    /// 503 with <c>Retry-After</c> while PostgreSQL or the cluster is unreachable (needs <c>AddProblemDetails</c> and
    /// <c>UseExceptionHandler</c>), and Npgsql exceptions that cross a silo boundary intact, so a client-mode Api can
    /// tell them apart. Without this a silo cannot serialize them: the caller receives a
    /// <see cref="CodecNotFoundException"/> in place of the storage error.
    /// </summary>
    public static IServiceCollection AddOutageHandling(this IServiceCollection services)
    {
        services.AddExceptionHandler<OutageExceptionHandler>();
        services.Configure<ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add("Npgsql"));
        return services;
    }
}
