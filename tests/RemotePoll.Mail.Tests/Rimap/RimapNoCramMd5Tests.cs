using RemotePoll.Core.Polling;
using RemotePoll.Core.Records;
using RemotePoll.Mail.Net;
using RemotePoll.Mail.Rimap;
using RemotePoll.Testing.Dovecot;
using Xunit;
using static RemotePoll.Mail.Tests.Rimap.RimapTestData;

namespace RemotePoll.Mail.Tests.Rimap;

/// <summary>Encrypted Password against a Dovecot that does not offer CRAM-MD5: no clear-text fallback.</summary>
[Integration]
public sealed class RimapNoCramMd5Tests(NoCramMd5DovecotFixture fixture) : IClassFixture<NoCramMd5DovecotFixture>
{
    private DovecotServer Server => fixture.Server;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Encrypted_without_CRAM_MD5_on_the_server_fails_clearly_and_never_sends_the_password()
    {
        var (user, password) = await NewRemoteAccountAsync(Server, Ct);
        using var local = new TempStore();
        var log = new RecordingImapLog();

        var error = await Assert.ThrowsAsync<RemotePollException>(() => RimapMirror.RunAsync(
            Request(Server, user, password) with { AuthMethod = ImapAuthMethod.Encrypted }, local.Store,
            new Dictionary<string, RimapFolderState>(), (_, _) => Task.CompletedTask, log, Ct));

        Assert.Equal(PollErrorKind.ProtocolError, error.Kind);
        Assert.Contains("CRAM-MD5", error.Message);
        Assert.Contains("not sent", error.Message);
        Assert.DoesNotContain(log.Commands, c => c.StartsWith("LOGIN", StringComparison.OrdinalIgnoreCase) || c.StartsWith("AUTHENTICATE", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(password, log.AllText);
        Assert.DoesNotContain($"user=<{user}>", Server.LogText);
    }

    [Fact]
    public async Task Normal_still_logs_in_on_that_server()
    {
        var (user, password) = await NewRemoteAccountAsync(Server, Ct);
        await Server.InjectAsync(user, Message("plain"), cancellationToken: Ct);
        using var local = new TempStore();

        var result = await RimapMirror.RunAsync(Request(Server, user, password), local.Store,
            new Dictionary<string, RimapFolderState>(), (_, _) => Task.CompletedTask, null, Ct);

        Assert.Equal(1, result.Messages);
    }
}
