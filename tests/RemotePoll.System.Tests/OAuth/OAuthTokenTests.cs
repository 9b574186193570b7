using System.Text;
using RemotePoll.Testing.Nodes;
using RemotePoll.Testing.OAuth;

namespace RemotePoll.System.Tests.OAuth;

/// <summary>
/// Issue 17 part 4 through a real node: the access token is kept in memory and refreshed shortly before it expires; a
/// rotated refresh token is journaled before it is used, so it survives kill -9; a refused grant is AuthorizationExpired
/// with "reconnect", tried once per Delay Failed Account; no token or client secret reaches the data folder, the log at
/// All Info or the CLI's output; secrets rotate reseals grants and client secrets.
/// </summary>
public sealed class OAuthTokenTests(OAuthDovecotFixture fixture) : OAuthNodeTest(fixture, "oauth-tokens"), IClassFixture<OAuthDovecotFixture>
{
    private static byte[] Message(string tag, int n) => Encoding.ASCII.GetBytes(
        $"From: sender@example.org\r\nTo: remote@example.net\r\nSubject: {tag} {n}\r\nMessage-ID: <{tag}{n}.{Guid.NewGuid():N}@example.org>\r\n\r\nBody {n}.\r\n");

    private async Task Poll(string account, string name, int messages)
    {
        var poll = await Rpoll(null, "rpop", "poll", account, name, "--wait");
        Assert.True(poll.ExitCode == 0, poll.StandardOutput + poll.StandardError);
        Assert.Contains($"{messages} message", poll.StandardOutput);
    }

    [Fact]
    public async Task The_access_token_is_reused_while_fresh_refreshed_near_expiry_and_a_rotated_grant_survives_kill_9()
    {
        await Ok(null, "module", "set", "log", "all");
        var (user, grant) = await ConsentedUser();
        await Ok("{" + Record("box", Pop3, user, "bearer", grant) + "}", "cgp", "SETACCOUNTRPOPS", "tok@example.com", "-");
        var p = Fixture.Provider;

        // The provider rotates the refresh token on every use (as Microsoft does), and its tokens live 60 s: within the refresh
        // margin, so each poll refreshes first, with the grant the poll before rotated and journaled.
        p.RotateRefreshTokens = true;
        p.AccessTokenLifetime = TimeSpan.FromSeconds(60);
        var refreshes = p.Refreshes;
        await Fixture.Server.InjectAsync(user, Message(user, 1), cancellationToken: Ct);
        await Poll("tok@example.com", "box", 1);
        Assert.Equal(refreshes + 1, p.Refreshes);
        await Fixture.Server.InjectAsync(user, Message(user, 2), cancellationToken: Ct);
        await Poll("tok@example.com", "box", 1);
        Assert.Equal(refreshes + 2, p.Refreshes);

        // An hour-long token is refreshed once, then kept in memory.
        p.AccessTokenLifetime = TimeSpan.FromHours(1);
        await Fixture.Server.InjectAsync(user, Message(user, 3), cancellationToken: Ct);
        await Poll("tok@example.com", "box", 1);
        Assert.Equal(refreshes + 3, p.Refreshes);

        // kill -9 right after that refresh: the rotated grant was journaled before its token was used, so the restarted
        // node (no token in memory) refreshes with it and signs in; the old refresh tokens are void at the provider.
        Node.Kill();
        await Node.DisposeAsync();
        Node = await NodeProcess.StartAsync(Data, Port, ["--ca-file", Fixture.Server.CaCertificatePath]);
        await Fixture.Server.InjectAsync(user, Message(user, 4), cancellationToken: Ct);
        await Poll("tok@example.com", "box", 1);
        Assert.Equal(refreshes + 4, p.Refreshes);
        await Fixture.Server.InjectAsync(user, Message(user, 5), cancellationToken: Ct);
        await Poll("tok@example.com", "box", 1);
        Assert.Equal(refreshes + 4, p.Refreshes);

        // secrets rotate reseals the grant and both client secrets; the record still signs in with them.
        var rotated = await Ok(null, "secrets", "rotate");
        Assert.Contains("2 OAuth2 client secrets", rotated);
        await Fixture.Server.InjectAsync(user, Message(user, 6), cancellationToken: Ct);
        await Poll("tok@example.com", "box", 1);

        await Ok(null, "rpop", "list", "tok@example.com", "--json");
        await Ok(null, "cgp", "GETACCOUNTRPOPS", "tok@example.com");
        await Ok(null, "oauth", "provider", "show", "bearer", "--json");
        await Ok(null, "account", "show", "tok@example.com", "--json");
        await Node.StopAsync();
        var secrets = p.IssuedAccessTokens.Concat(p.IssuedRefreshTokens).Append(Fixture.ClientSecret).ToList();
        Assert.True(secrets.Count > 5);
        foreach (var file in Directory.EnumerateFiles(Data, "*", SearchOption.AllDirectories))
        {
            var bytes = await File.ReadAllBytesAsync(file, Ct);
            var text = Encoding.Latin1.GetString(bytes);
            foreach (var s in secrets) Assert.False(text.Contains(s, StringComparison.Ordinal), $"{file} holds a token or the client secret");
        }
        foreach (var s in secrets)
        {
            Assert.DoesNotContain(s, Node.Log);
            Assert.All(Outputs, o => Assert.DoesNotContain(s, o.StandardOutput + o.StandardError));
        }
    }

    [Fact]
    public async Task A_refused_grant_is_AuthorizationExpired_with_reconnect_and_is_tried_once_per_Delay_Failed_Account()
    {
        await Ok(null, "module", "set", "delay-failed-account", "1h");
        var (user, grant) = await ConsentedUser();
        await Fixture.Server.InjectAsync(user, Message(user, 1), cancellationToken: Ct);
        Fixture.Provider.RevokeUser(user);
        var requests = Fixture.Provider.TokenRequests;
        await Ok("{" + Record("box", Pop3, user, "bearer", grant, "period = 1s; ").Replace("period = Disabled; ", "") + "}",
            "cgp", "SETACCOUNTRPOPS", "revoked@example.com", "-");

        string list = "";
        for (var i = 0; i < 60 && !list.Contains("AuthorizationExpired", StringComparison.Ordinal); i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), Ct); // waits for the node's own scheduled poll (a process, not an actor in this test)
            list = await Ok(null, "rpop", "list", "revoked@example.com");
        }
        Assert.Contains("AuthorizationExpired", list);
        Assert.Contains("reconnect", list);
        var attempts = Fixture.Provider.TokenRequests - requests;
        Assert.Equal(1, attempts);
        // The record polls every second, but a refused grant waits Delay Failed Account (1 h): no second attempt.
        await Task.Delay(TimeSpan.FromSeconds(6), Ct);
        Assert.Equal(1, Fixture.Provider.TokenRequests - requests);
        Assert.Equal(1, await Fixture.Server.CountAsync(user, cancellationToken: Ct));
    }
}
