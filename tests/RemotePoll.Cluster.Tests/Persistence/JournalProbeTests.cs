using Microsoft.Data.Sqlite;
using RemotePoll.Cluster.Hosting;
using RemotePoll.Cluster.Persistence;

namespace RemotePoll.Cluster.Tests.Persistence;

/// <summary>The journal read behind the web's readiness check, on the embedded SQLite file.</summary>
public sealed class JournalProbeTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("rpoll-probe-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_missing_database_file_is_reported_and_not_created()
    {
        var options = new NodeOptions { DataDir = _data };
        var probe = new JournalProbe(options);

        Assert.NotNull(await probe.ProbeAsync(Ct));
        Assert.Equal("SQLite", probe.Kind);
        Assert.False(File.Exists(options.SqliteFile));
    }

    [Fact]
    public async Task A_database_with_a_journal_table_answers_and_one_without_does_not()
    {
        var options = new NodeOptions { DataDir = _data };
        await ExecuteAsync(options, "CREATE TABLE other (id INTEGER)");
        var probe = new JournalProbe(options);
        Assert.Contains("journal", await probe.ProbeAsync(Ct));

        await ExecuteAsync(options, "CREATE TABLE journal (id INTEGER)");
        Assert.Null(await probe.ProbeAsync(Ct));
    }

    private static async Task ExecuteAsync(NodeOptions options, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={options.SqliteFile};Pooling=False");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Ct);
    }
}
