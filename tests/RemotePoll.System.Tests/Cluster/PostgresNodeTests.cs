using RemotePoll.Core.CommuniGate;
using RemotePoll.Testing.Postgres;

namespace RemotePoll.System.Tests.Cluster;

/// <summary>One node on PostgreSQL (<c>--db</c>): it creates its tables on first start and keeps everything across a restart.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresNodeTests(PostgresFixture postgres)
{
    private const string Password = "Cl3ar-Text-Never-9271";

    [Fact]
    public async Task A_node_on_PostgreSQL_creates_its_tables_and_keeps_records_and_settings_across_a_restart_without_clear_passwords()
    {
        var ct = TestContext.Current.CancellationToken;
        var (db, connection) = await postgres.NewDatabaseAsync("single", ct);
        Assert.Equal("", await postgres.Server.ScalarAsync(db, "SELECT to_regclass('public.journal')", ct)); // NULL: no table yet

        await using var group = new NodeGroup(connection, 1);
        await group.StartAsync(0);
        foreach (var table in new[] { "journal", "snapshot", "tags" })
            Assert.Equal(table, await postgres.Server.ScalarAsync(db, $"SELECT to_regclass('public.{table}')", ct));

        // Hosts that do not exist: with Processes = 0 nothing is ever connected to.
        await group.RpollOk(0, "module", "set", "processes", "0");
        await group.RpollOk(0, "module", "set", "delay-failed-hosts", "7m");
        var set = await group.Rpoll(0, Password + "\n", "rpop", "set", "john@example.com", "home", "--host", "pop.example.com",
            "--user", "john", "--password-stdin", "--every", "10m", "--leave", "yes");
        Assert.True(set.ExitCode == 0, set.StandardError);
        const string rpops = $$"""{ work = { domain = "pop.example.com:1110"; authName = "j.doe"; password = "{{Password}}-2"; APOP = YES; period = 5m; }; }""";
        const string rimaps = $$"""{ mirror = { domain = "imap.example.com"; authName = mary; password = "{{Password}}-3"; connectionSecurity = STARTTLS; authMethod = Encrypted; listFilter = "INBOX*"; period = 1h; }; }""";
        Assert.Equal(0, (await group.Rpoll(0, rpops, "cgp", "SETACCOUNTRPOPS", "mary@example.com", "-")).ExitCode);
        Assert.Equal(0, (await group.Rpoll(0, rimaps, "cgp", "SETACCOUNTRIMAPS", "mary@example.com", "-")).ExitCode);

        Assert.Equal(0, await group.Node(0).StopAsync());
        await group.StartAsync(0);

        Assert.Matches(@"home\s+10m\s+john\s+pop\.example\.com\s+yes", await group.RpollOk(0, "rpop", "list", "john@example.com"));
        Assert.Contains(Password, await group.RpollOk(0, "cgp", "GETACCOUNTRPOPS", "john@example.com", "--with-passwords"));
        Assert.Equal(CgpParser.Parse(rpops), CgpParser.Parse(await group.RpollOk(0, "cgp", "GETACCOUNTRPOPS", "mary@example.com", "--with-passwords")));
        Assert.Equal(CgpParser.Parse(rimaps), CgpParser.Parse(await group.RpollOk(0, "cgp", "GETACCOUNTRIMAPS", "mary@example.com", "--with-passwords")));
        var module = await group.RpollOk(0, "module", "show");
        Assert.Matches(@"processes\s+0\b", module);
        Assert.Matches(@"delay-failed-hosts\s+7m\b", module);

        // The events are in PostgreSQL, and no password is in them in clear (nor in snapshots).
        Assert.NotEqual("0", await postgres.Server.ScalarAsync(db,
            "SELECT count(*) FROM journal WHERE persistence_id LIKE '%mary@example.com%'", ct));
        foreach (var (table, column) in new[] { ("journal", "message"), ("snapshot", "snapshot") })
            Assert.Equal("0", await postgres.Server.ScalarAsync(db,
                $"SELECT count(*) FROM {table} WHERE position(convert_to('{Password}', 'UTF8') IN {column}) > 0", ct));
        Assert.DoesNotContain(Password, group.Node(0).Log);
    }
}
