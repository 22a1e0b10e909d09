using Daalu.Gateway.Postgres;

namespace Daalu.Gateway.Tests;

/// <summary>
/// The two forms a ledger Secret holds: Npgsql's key=value string, and the libpq URI CloudNativePG writes in the
/// <c>uri</c> key of a Cluster's app Secret (postgresql://app:password@cluster-rw.namespace:5432/app).
/// </summary>
public sealed class PostgresConnectionStringTests
{
    [Fact]
    public void Normalize_CloudNativePgUri_NpgsqlKeyValues()
    {
        var cs = new Npgsql.NpgsqlConnectionStringBuilder(PostgresConnectionString.Normalize("postgresql://app:p%40ss:w@daalu-ledger-rw.daalu-system:5432/daalu?sslmode=require"));
        Assert.Equal(("daalu-ledger-rw.daalu-system", 5432, "daalu", "app", "p@ss:w", Npgsql.SslMode.Require), (cs.Host, cs.Port, cs.Database, cs.Username, cs.Password, cs.SslMode));
    }

    [Fact]
    public void Normalize_KeyValueString_Unchanged()
    {
        Assert.Equal("Host=pg;Database=daalu;Username=daalu", PostgresConnectionString.Normalize(" Host=pg;Database=daalu;Username=daalu "));
    }

    [Fact]
    public void Normalize_UriWithoutHost_Refused()
    {
        Assert.Throws<ArgumentException>(() => PostgresConnectionString.Normalize("postgresql:///daalu"));
    }
}
