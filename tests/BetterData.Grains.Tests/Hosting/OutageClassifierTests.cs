using System.Net.Sockets;
using BetterData.Grains.Hosting.Outage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace BetterData.Grains.Tests.Hosting;

public sealed class OutageClassifierTests
{
    public static TheoryData<string, Exception, OutageKind> Cases => new()
    {
        { "connection refused", Refused(), OutageKind.Storage },
        { "connection refused, wrapped by the storage bridge", new OrleansException("storage", Refused()), OutageKind.Storage },
        { "read timed out", new NpgsqlException("Exception while reading from stream", new TimeoutException()), OutageKind.Storage },
        { "admin shutdown", Postgres("57P01"), OutageKind.Storage },
        { "crash shutdown, wrapped", new OrleansException("storage", Postgres("57P02")), OutageKind.Storage },
        { "starting up", Postgres("57P03"), OutageKind.Storage },
        { "connection failure", Postgres("08006"), OutageKind.Storage },
        { "too many connections", Postgres("53300"), OutageKind.Storage },
        { "unique violation", new OrleansException("storage", Postgres("23505")), OutageKind.None },
        { "undefined table", Postgres("42P01"), OutageKind.None },
        { "serialization failure", Postgres("40001"), OutageKind.None },
        { "password authentication failed", Postgres("28P01"), OutageKind.None },
        { "etag conflict", new InconsistentStateException("etag mismatch", "1", "2"), OutageKind.None },
        { "etag conflict beside an outage", new AggregateException(new InconsistentStateException("etag", "1", "2"), Refused()), OutageKind.None },
        { "silo unavailable", new SiloUnavailableException("gone"), OutageKind.Cluster },
        { "message rejected", Rejection(), OutageKind.Cluster },
        { "gateway too busy", new GatewayTooBusyException(), OutageKind.Cluster },
        { "grain call timed out", new TimeoutException("Response did not arrive on time"), OutageKind.Cluster },
        { "socket", new SocketException((int)SocketError.ConnectionReset), OutageKind.Cluster },
        { "fan-out with a timeout", new AggregateException(new InvalidOperationException(), new TimeoutException()), OutageKind.Cluster },
        { "silo without the Npgsql codec", new CodecNotFoundException("Could not find a codec for type Npgsql.NpgsqlException."), OutageKind.Storage },
        { "silo without the Npgsql codec, server error", new CodecNotFoundException("Could not find a codec for type Npgsql.PostgresException."), OutageKind.None },
        { "HttpClient timeout of a provider API", new TaskCanceledException("timeout", new TimeoutException()), OutageKind.None },
        { "provider API unreachable", new HttpRequestException("refused", new SocketException((int)SocketError.ConnectionRefused)), OutageKind.None },
        { "a bug", new InvalidOperationException("boom"), OutageKind.None },
        { "an Orleans fault", new OrleansException("boom"), OutageKind.None },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Classify_Exception_NamesTheOutage(string because, Exception exception, OutageKind expected) =>
        Assert.True(expected == OutageClassifier.Classify(exception), $"{because}: expected {expected}, got {OutageClassifier.Classify(exception)}");

    [Theory]
    [InlineData("57P01", OutageKind.Storage)]
    [InlineData("23505", OutageKind.None)]
    public void Classify_PostgresExceptionSentFromASilo_KeepsItsSqlState(string sqlState, OutageKind expected)
    {
        var received = RoundTrip(new OrleansException("storage", Postgres(sqlState)));

        Assert.IsType<PostgresException>(received.InnerException);
        Assert.Equal(expected, OutageClassifier.Classify(received));
    }

    [Fact]
    public void Classify_ConnectionFailureSentFromASilo_IsStorage()
    {
        var received = RoundTrip(new OrleansException("storage", Refused()));

        Assert.Equal(OutageKind.Storage, OutageClassifier.Classify(received));
    }

    [Fact]
    public void Describe_NamesTypesAndCodes_NotMessages()
    {
        var exception = new OrleansException("Host=db;Password=hunter2", new NpgsqlException("Host=db;Password=hunter2", new SocketException((int)SocketError.ConnectionRefused)));

        var described = OutageClassifier.Describe(exception);

        Assert.Equal("Orleans.Runtime.OrleansException > Npgsql.NpgsqlException > System.Net.Sockets.SocketException(ConnectionRefused)", described);
        Assert.Equal("Npgsql.PostgresException(57P01)", OutageClassifier.Describe(Postgres("57P01")));
    }

    private static NpgsqlException Refused() =>
        new("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused));

    // Orleans keeps its constructors internal: the runtime alone rejects messages.
    private static OrleansMessageRejectionException Rejection() =>
        (OrleansMessageRejectionException)System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(typeof(OrleansMessageRejectionException));

    private static PostgresException Postgres(string sqlState) => new("server says no", "FATAL", "FATAL", sqlState);

    // What a client-mode Api receives: the exception after Orleans serialization, configured as the hosts configure it.
    private static Exception RoundTrip(Exception exception)
    {
        using var services = new ServiceCollection().AddSerializer().AddOutageHandling().BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        return serializer.Deserialize<Exception>(serializer.SerializeToArray(exception))!;
    }
}
