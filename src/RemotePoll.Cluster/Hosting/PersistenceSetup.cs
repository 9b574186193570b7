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
        builder.AddHocon(SqliteReads, HoconAddMode.Prepend);
        return builder;
    }

    /// <summary>
    /// Reads in deferred transactions. Microsoft.Data.Sqlite opens every transaction of any other isolation level with
    /// BEGIN IMMEDIATE, which takes the database's write lock: each recovery's reads (snapshot, highest sequence number,
    /// events) then waited for every other read and write, and a busy lock is retried after sleeping 150 ms, so a
    /// node recovered its accounts a few dozen per second whatever its CPU. Read-uncommitted is the level that opens a
    /// plain (deferred) BEGIN; without a shared cache SQLite still reads committed data only, and WAL lets those reads
    /// run beside the one writer.
    /// </summary>
    private const string SqliteReads = """
        akka.persistence.journal.sql.read-isolation-level = read-uncommitted
        akka.persistence.snapshot-store.sql.read-isolation-level = read-uncommitted
        akka.persistence.query.journal.sql.read-isolation-level = read-uncommitted
        """;

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
