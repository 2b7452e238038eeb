using BetterData.Grains.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace BetterData.Grains.Imports;

public static class ImportSiloBuilderExtensions
{
    /// <summary>Catalog imports: options (<c>Imports</c> section) and the upload store (PostgreSQL when configured).</summary>
    public static ISiloBuilder AddImports(this ISiloBuilder silo, ClusterSettings settings)
    {
        silo.Services.AddOptions<ImportOptions>().BindConfiguration("Imports")
            .Validate(o => o.MaxRows > 0 && o.BatchSize > 0 && o.MaxRowsPerProduct > 0 && o.MaxErrors >= 0,
                "Imports: MaxRows, BatchSize and MaxRowsPerProduct must be positive.")
            .ValidateOnStart();
        if (settings.IsDurable)
        {
            silo.Services.AddSingleton<IImportStore, PostgresImportStore>();
        }
        else
        {
            silo.Services.AddSingleton<IImportStore, InMemoryImportStore>();
        }

        return silo;
    }
}
