using RemotePoll.Testing.Dovecot;
using Xunit;

namespace RemotePoll.Mail.Tests.Rimap;

/// <summary>
/// Remote IMAP servers for Sync Flags: a Dovecot that offers CONDSTORE but not QRESYNC, and one that offers neither
/// (<c>imap_capability</c> names what the server announces after login; the default instance offers both).
/// </summary>
public abstract class CapabilityDovecotFixture(string capabilities) : IAsyncLifetime
{
    // Dovecot 2.3's own list without CONDSTORE and QRESYNC.
    protected const string Basic = "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED ESEARCH LIST-STATUS LITERAL+ MULTIAPPEND";

    private DovecotServer? _server;

    public DovecotServer Server => _server ?? throw new InvalidOperationException("the fixture has not started");

    public async ValueTask InitializeAsync() =>
        _server = await DovecotServer.StartAsync(new DovecotOptions { ExtraConfig = $"imap_capability = {capabilities}" }).ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>CONDSTORE (RFC 7162) without QRESYNC.</summary>
public sealed class CondStoreOnlyDovecotFixture() : CapabilityDovecotFixture(Basic + " CONDSTORE");

/// <summary>Neither CONDSTORE nor QRESYNC.</summary>
public sealed class NoCondStoreDovecotFixture() : CapabilityDovecotFixture(Basic);
