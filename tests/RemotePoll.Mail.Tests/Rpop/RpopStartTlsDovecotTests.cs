using RemotePoll.Core.Ledgers;
using RemotePoll.Core.Polling;
using RemotePoll.Core.Records;
using RemotePoll.Core.Secrets;
using RemotePoll.Mail.Delivery;
using RemotePoll.Mail.Pop3;
using RemotePoll.Mail.Net;
using RemotePoll.Mail.Rpop;
using RemotePoll.Mail.Tests.Delivery;
using RemotePoll.Mail.Tests.Pop3;
using RemotePoll.Testing.Dovecot;
using Xunit;

namespace RemotePoll.Mail.Tests.Rpop;

/// <summary>
/// Issue 21.6: an RPOP record with TLS STARTTLS drains Dovecot's plain POP3 port after STLS (RFC 2595), with the same
/// certificate trust rules as implicit TLS.
/// </summary>
[Integration]
public sealed class RpopStartTlsDovecotTests(DovecotFixture fixture) : IClassFixture<DovecotFixture>, IDisposable
{
    private const string Account = "alice@example.com";
    private readonly TempDirectory _maildirs = new();
    private DovecotServer Server => fixture.Server;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _maildirs.Dispose();

    private async Task<(string User, string Password)> NewRemoteAsync(int messages)
    {
        var user = Pop3SessionTests.NewUser();
        var password = "stls-" + Guid.NewGuid().ToString("N")[..10];
        await Server.AddUserAsync(user, password, Ct);
        await Server.InjectManyAsync(user, Enumerable.Range(1, messages).Select(i => Pop3SessionTests.Message($"stls {i}")), cancellationToken: Ct);
        return (user, password);
    }

    private RpopPollRequest Request(string user, string password, TlsTrust trust, string? caFile) => new()
    {
        Account = Account,
        Record = new RpopRecord("home", PollPeriod.Default, user, new HostAndPort(Server.Host, Server.Pop3Port), new SealedSecret("unused"))
        {
            StartTls = true,
            Trust = trust,
        },
        Password = password,
        Ledger = UidLedger.Empty,
        CaFile = caFile,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        CommandTimeout = TimeSpan.FromSeconds(20),
    };

    [Fact]
    public async Task A_drain_over_STLS_delivers_every_message_deletes_them_and_logs_in_under_TLS()
    {
        var (user, password) = await NewRemoteAsync(3);
        var store = new MaildirStore(Path.Combine(_maildirs.Path, "stls"));
        var log = new RecordingProtocolLog();

        var result = await RpopPoll.RunAsync(Request(user, password, TlsTrust.Validate, Server.CaCertificatePath), store, store,
            (_, _) => Task.CompletedTask, log, Ct);

        Assert.Null(result.Problem);
        Assert.Equal(3, result.Delivered);
        Assert.Equal(0, await Server.CountAsync(user, cancellationToken: Ct));
        Assert.Equal(3, Directory.GetFiles(Path.Combine(store.AccountDirectory(Account), "new")).Length);
        var login = await Server.WaitForLogAsync($"Login: user=<{user}>", cancellationToken: Ct);
        Assert.Contains("TLS", login);
        // In clear: CAPA and STLS only; the login went through TLS.
        Assert.Contains("STLS", log.AllText);
    }

    [Fact]
    public async Task STLS_trusts_as_implicit_TLS_does_validation_fails_without_the_CA_and_accept_any_passes()
    {
        var (user, password) = await NewRemoteAsync(1);
        var store = new MaildirStore(Path.Combine(_maildirs.Path, "trust"));

        var refused = await Assert.ThrowsAsync<RemotePollException>(() =>
            RpopPoll.RunAsync(Request(user, password, TlsTrust.Validate, caFile: null), store, store, (_, _) => Task.CompletedTask, null, Ct));
        Assert.Equal(PollErrorKind.TlsFailed, refused.Kind);
        Assert.Contains("not trusted", refused.Message);
        Assert.Equal(1, await Server.CountAsync(user, cancellationToken: Ct));

        var accepted = await RpopPoll.RunAsync(Request(user, password, TlsTrust.AcceptAny, caFile: null), store, store,
            (_, _) => Task.CompletedTask, null, Ct);
        Assert.Equal(1, accepted.Delivered);
    }
}
