using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using RemotePoll.Cluster.Hosting;

namespace RemotePoll.Cluster.Persistence;

/// <summary>
/// A read of the journal table in the node's database (the SQLite file in the data folder, or PostgreSQL), bounded to a
/// few seconds, on a connection of its own.
/// </summary>
public sealed class JournalProbe(NodeOptions options) : IJournalProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public string Kind => options.Database is null ? "SQLite" : "PostgreSQL";

    public async Task<string?> ProbeAsync(CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(Timeout);
        try
        {
            await using var connection = Open();
            await connection.OpenAsync(cts.Token);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1 FROM journal LIMIT 1";
            command.CommandTimeout = (int)Timeout.TotalSeconds;
            await command.ExecuteScalarAsync(cts.Token);
            return null;
        }
        catch (Exception ex) when (ex is DbException or OperationCanceledException or InvalidOperationException)
        {
            return ex.Message;
        }
    }

    private DbConnection Open() => options.Database is { } pg
        ? new NpgsqlConnection(new NpgsqlConnectionStringBuilder(pg) { Timeout = (int)Timeout.TotalSeconds }.ToString())
        : new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = options.SqliteFile,
            Mode = SqliteOpenMode.ReadWrite, // a missing file is an error, not a new empty database
            Pooling = false, // a pooled connection would keep answering from a file that is gone
            DefaultTimeout = (int)Timeout.TotalSeconds,
        }.ToString());
}
