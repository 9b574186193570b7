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
        CreateDataFolder(options.DataDir);
        OwnerOnlyDatabase(options.SqliteFile);
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

    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>The data folder holds the journal, the keys and the mail: made 0700 whatever the umask.</summary>
    public static void CreateDataFolder(string dataDir)
    {
        if (OperatingSystem.IsWindows() || Directory.Exists(dataDir)) Directory.CreateDirectory(dataDir);
        else Directory.CreateDirectory(dataDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>
    /// The journal holds every record, ledger and sealed password: the database is created 0600 before SQLite opens it
    /// (an empty file is a new database), and SQLite gives its -wal and -shm files the database file's mode. A database
    /// left readable by an older version is made owner-only, with its -wal and -shm files.
    /// </summary>
    private static void OwnerOnlyDatabase(string file)
    {
        if (OperatingSystem.IsWindows()) return;
        if (!File.Exists(file))
        {
            try { new FileStream(file, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnlyFile }).Dispose(); }
            catch (IOException) when (File.Exists(file)) { }
        }
        foreach (var f in new[] { file, file + "-wal", file + "-shm" })
            if (File.Exists(f) && (File.GetUnixFileMode(f) & ~OwnerOnlyFile) != 0) File.SetUnixFileMode(f, OwnerOnlyFile);
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
