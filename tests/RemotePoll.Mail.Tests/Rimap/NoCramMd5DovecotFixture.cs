using RemotePoll.Testing.Dovecot;
using Xunit;

namespace RemotePoll.Mail.Tests.Rimap;

/// <summary>A remote IMAP server that offers PLAIN and LOGIN but not CRAM-MD5.</summary>
public sealed class NoCramMd5DovecotFixture : IAsyncLifetime
{
    private DovecotServer? _server;

    public DovecotServer Server => _server ?? throw new InvalidOperationException("the fixture has not started");

    public async ValueTask InitializeAsync() =>
        _server = await DovecotServer.StartAsync(new DovecotOptions { CramMd5 = false }).ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync().ConfigureAwait(false);
    }
}
