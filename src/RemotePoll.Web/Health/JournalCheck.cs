using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using RemotePoll.Cluster.Hosting;

namespace RemotePoll.Web.Health;

/// <summary>
/// Ready only while the event journal is reachable: a read of the journal table in the node's database (the SQLite file
/// in the data folder, or PostgreSQL), bounded to a few seconds.
/// </summary>
public sealed class JournalCheck(NodeOptions options) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
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
            return HealthCheckResult.Healthy($"the journal ({Kind}) answers");
        }
        catch (Exception ex) when (ex is DbException or OperationCanceledException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy($"the journal ({Kind}) does not answer: {ex.Message}");
        }
    }

    private string Kind => options.Database is null ? "SQLite" : "PostgreSQL";

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
