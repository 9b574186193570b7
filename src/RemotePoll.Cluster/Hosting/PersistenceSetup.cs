using Akka.Hosting;
using Akka.Persistence.Sql.Hosting;
using LinqToDB;
using Microsoft.Data.Sqlite;

namespace RemotePoll.Cluster.Hosting;

/// <summary>
/// Akka.Persistence.Sql: SQLite in the data folder (the embedded default, one node, WAL; hocon/sqlite.conf)
/// or PostgreSQL for a cluster (hocon/postgres.conf). Tables are created on first start.
/// </summary>
public static class PersistenceSetup
{
    public static AkkaConfigurationBuilder AddRemotePollPersistence(this AkkaConfigurationBuilder builder, NodeOptions options)
    {
        if (options.Database is { } pg)
        {
            builder.WithSqlPersistence(pg, ProviderName.PostgreSQL15);
            return builder;
        }
        Directory.CreateDirectory(options.DataDir);
        var connection = new SqliteConnectionStringBuilder { DataSource = options.SqliteFile, Pooling = true }.ToString();
        EnableWal(connection);
        builder.WithSqlPersistence(connection, ProviderName.SQLiteMS);
        return builder;
    }

    /// <summary>WAL lets readers run beside the writer; the mode is stored in the database file.</summary>
    private static void EnableWal(string connection)
    {
        using var c = new SqliteConnection(connection);
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode=WAL;";
        cmd.ExecuteNonQuery();
    }
}
