using Npgsql;
using NpgsqlTypes;

namespace BetterData.Grains.Hosting;

/// <summary>The array parameters and batch commands our group-committed statements are built from (<c>unnest</c>, <c>= ANY</c>).</summary>
internal static class SqlArrays
{
    public static NpgsqlBatchCommand Command(string text, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(text);
        command.Parameters.AddRange(parameters);
        return command;
    }

    /// <summary>An array parameter of <paramref name="elementType"/>.</summary>
    public static NpgsqlParameter Values<T>(NpgsqlDbType elementType, IEnumerable<T> values) =>
        new() { Value = values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | elementType };

    public static NpgsqlParameter Texts(IEnumerable<string?> values) => Values(NpgsqlDbType.Text, values);

    public static NpgsqlParameter Times(IEnumerable<DateTimeOffset?> values) => Values(NpgsqlDbType.TimestampTz, values.Select(v => v?.UtcDateTime));
}
