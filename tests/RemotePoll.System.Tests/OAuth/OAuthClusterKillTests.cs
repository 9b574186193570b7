using System.Diagnostics;
using System.Text;
using RemotePoll.System.Tests.Cluster;
using RemotePoll.Testing.OAuth;
using RemotePoll.Testing.Postgres;

namespace RemotePoll.System.Tests.OAuth;

/// <summary>
/// Issue 17 part 4 on three node processes sharing PostgreSQL: a refresh token the provider rotated is journaled before
/// the new access token is used, so <c>kill -9</c> of the polling node at that first use strands nothing: the account's
/// next poll, on another node, refreshes with the rotated token and signs in. The provider voids a refresh token once it
/// is used, so a node that only had the earlier token would get invalid_grant (AuthorizationExpired) instead.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OAuthClusterKillTests(PostgresFixture postgres, OAuthDovecotFixture fixture) : IClassFixture<OAuthDovecotFixture>
{
    private const string Account = "killtok@example.com";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static void Note(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);

    private static byte[] Message(string user, int n) => Encoding.ASCII.GetBytes(
        $"From: sender@example.org\r\nTo: {user}@example.net\r\nSubject: {user} {n}\r\nMessage-ID: <{user}.{n}@example.org>\r\n\r\nBody {n}.\r\n");

    [Fact]
    public async Task A_rotated_refresh_token_survives_kill_9_of_the_polling_node_and_the_next_poll_on_another_node_signs_in()
    {
        var watch = Stopwatch.StartNew();
        var p = fixture.Provider;
        var (_, connection) = await postgres.NewDatabaseAsync("oauthkill", Ct);
        await using var group = new NodeGroup(connection, 3, "--ca-file", fixture.Server.CaCertificatePath);
        await group.StartAllAsync();
        for (var n = 0; n < 3; n++) await group.WaitForMembersAsync(n, [0, 1, 2]);

        var secret = Path.Combine(group.DataDir(0), "client.secret");
        await File.WriteAllTextAsync(secret, fixture.ClientSecret, Ct);
        await group.RpollOk(0, "module", "set", "allow-self-poll", "yes");
        await group.RpollOk(0, "module", "set", "log", "all");
        await group.RpollOk(0, "oauth", "provider", "set", "bearer", "--kind", "generic", "--client-id", OAuthDovecotFixture.ClientId,
            "--client-secret-file", secret, "--token-endpoint", p.TokenEndpoint, "--authorization-endpoint", p.AuthorizationEndpoint,
            "--device-endpoint", p.DeviceAuthorizationEndpoint, "--scopes", "mail offline_access");
        File.Delete(secret);

        var user = "k" + Guid.NewGuid().ToString("N")[..10];
        await fixture.Server.AddUserAsync(user, "unused-" + Guid.NewGuid().ToString("N"), Ct); // for doveadm; sessions sign in with tokens
        var grant = p.IssueGrant(user, OAuthDovecotFixture.ClientId).RefreshToken;
        var record = $"{{ box = {{ domain = \"127.0.0.1:{fixture.Server.Pop3Port}\"; authName = \"{user}\"; authMethod = OAuth2; " +
            $"oauthProvider = bearer; oauthGrant = \"{grant}\"; period = Disabled; }}; }}";
        Assert.Equal(0, (await group.Rpoll(0, record, "cgp", "SETACCOUNTRPOPS", Account, "-")).ExitCode);

        // Tokens live 60 s, within the refresh margin, so every poll refreshes first.
        p.RotateRefreshTokens = false;
        p.AccessTokenLifetime = TimeSpan.FromSeconds(60);
        var (refreshes, requests) = (p.Refreshes, p.TokenRequests);

        // A first poll refreshes (the grant given stays good) and delivers; the node that ran it hosts the account.
        await fixture.Server.InjectAsync(user, Message(user, 1), cancellationToken: Ct);
        var first = await group.Rpoll(0, null, "rpop", "poll", Account, "box", "--wait");
        Assert.True(first.ExitCode == 0 && first.StandardOutput.Contains("1 message", StringComparison.Ordinal), first.StandardOutput + first.StandardError);
        Assert.Equal(refreshes + 1, p.Refreshes);
        var polledBy = Enumerable.Range(0, 3).Where(n => group.Node(n).Log.Contains($"RPOLL {Account}/box: ", StringComparison.Ordinal)).ToList();
        Assert.True(polledBy.Count == 1, $"nodes that logged the poll: {string.Join(", ", polledBy)}");
        var victim = polledBy[0];
        var survivors = Enumerable.Range(0, 3).Where(n => n != victim).ToArray();

        // Now the provider behaves as Microsoft does: a refresh returns a new refresh token and voids the one used. The
        // second poll refreshes again (the grant in PostgreSQL is void from then on) and signs in with the new access token:
        // Dovecot introspects it while the node's AUTH waits, and that moment, the new token's first use, is when the node
        // gets SIGKILL. Only a rotated grant journaled before that use is in PostgreSQL now.
        p.RotateRefreshTokens = true;
        Task<Testing.Processes.CommandResult> interrupted;
        var killed = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        p.BeforeIntrospection = token =>
        {
            if (!killed.Task.IsCompleted && p.Refreshes > refreshes + 1)
            {
                group.Node(victim).Kill();
                killed.TrySetResult(p.Refreshes);
            }
            return Task.CompletedTask;
        };
        try
        {
            await fixture.Server.InjectAsync(user, Message(user, 2), cancellationToken: Ct);
            interrupted = group.Rpoll(survivors[0], null, "rpop", "poll", Account, "box", "--wait");
            var refreshedBeforeKill = await killed.Task.WaitAsync(TimeSpan.FromSeconds(60), Ct);
            Assert.Equal(refreshes + 2, refreshedBeforeKill);
            Note($"killed node {victim} (it polled the account) at its first use of the access token of refresh {refreshedBeforeKill - refreshes}");
        }
        finally
        {
            p.BeforeIntrospection = null;
        }
        Assert.Equal(1, await fixture.Server.CountAsync(user, cancellationToken: Ct)); // the interrupted poll took nothing

        // The survivors remove the dead node; the account comes up on one of them, which has no access token in memory: it
        // refreshes with the grant in PostgreSQL. The token the dead node used is void, so only the rotated one signs in.
        foreach (var n in survivors) await group.WaitForMembersAsync(n, survivors);
        string last = "";
        await group.EventuallyAsync(TimeSpan.FromSeconds(60), async () =>
        {
            var r = await group.Rpoll(survivors[1], null, "rpop", "poll", Account, "box", "--wait");
            last = r.StandardOutput + r.StandardError;
            return (r.ExitCode == 0 && last.Contains("1 message", StringComparison.Ordinal), last);
        }, "the next poll, on a surviving node, signs in and delivers the second message");
        Assert.Equal(0, await fixture.Server.CountAsync(user, cancellationToken: Ct));
        Assert.Equal(refreshes + 3, p.Refreshes);
        Assert.Equal(p.Refreshes - refreshes, p.TokenRequests - requests); // every refresh was granted: no invalid_grant
        Assert.True(survivors.Any(n => group.Node(n).Log.Contains($"RPOLL {Account}/box: 1 message", StringComparison.Ordinal)), group.Logs());
        var list = await group.RpollOk(survivors[0], "rpop", "list", Account);
        Assert.DoesNotContain("AuthorizationExpired", list);

        var cut = await interrupted; // its node died under it: it ends with an error or its timeout, whichever comes first
        Note($"the interrupted poll: exit {cut.ExitCode}: {(cut.StandardOutput + cut.StandardError).Trim().Split('\n')[^1]}");
        await group.RpollOk(survivors[0], "rpop", "remove", Account, "box");
        Note($"took {watch.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>Waits until node <paramref name="node"/> lists exactly the nodes <paramref name="members"/> as Up and reachable.</summary>
}
