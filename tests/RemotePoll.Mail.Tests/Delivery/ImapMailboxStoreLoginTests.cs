using RemotePoll.Mail.Delivery;
using RemotePoll.Testing.Dovecot;
using Xunit;

namespace RemotePoll.Mail.Tests.Delivery;

/// <summary>
/// A failed login makes Dovecot delay every later login from the same address (auth penalty), so this runs
/// against a Dovecot of its own.
/// </summary>
[Integration]
public sealed class ImapMailboxStoreLoginTests(DovecotFixture fixture) : IClassFixture<DovecotFixture>
{
    private DovecotServer Server => fixture.Server;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_wrong_master_password_makes_the_store_unavailable()
    {
        var user = "u" + Guid.NewGuid().ToString("N")[..10];
        var account = $"{user}@example.com";
        await Server.AddUserAsync(user, "pw", Ct);
        var store = new ImapMailboxStore(Server.Host, Server.ImapPort, new ImapStoreOptions { MasterUser = Server.MasterUser, MasterPassword = "wrong" });

        var e = await Assert.ThrowsAsync<DeliveryUnavailableException>(() => store.EnsureFolderAsync(account, MailboxPath.Parse("X"), Ct));

        Assert.Contains(account, e.Message);
        Assert.DoesNotContain("X", await Server.ListFoldersAsync(user, Ct));
    }
}
