namespace BetterData.Grains.Connections;

/// <summary>
/// The store connections of one tenant (key: tenant id), for listing them. A connection adds itself when it is made,
/// and again when it activates if that add did not complete (a crash in between, or a connection made before this
/// list existed).
/// </summary>
public interface ITenantConnectionsGrain : IGrainWithStringKey
{
    /// <summary>Adds a connection key (<see cref="ConnectionKeys.Of"/>); repeating it changes nothing.</summary>
    Task AddAsync(string connectionKey);

    /// <summary>Removes a connection key; repeating it changes nothing.</summary>
    Task RemoveAsync(string connectionKey);

    /// <summary>The tenant's connection keys in ordinal order.</summary>
    Task<IReadOnlyList<string>> ListAsync();
}
