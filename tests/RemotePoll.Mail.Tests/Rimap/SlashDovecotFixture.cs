using RemotePoll.Testing.Dovecot;
using Xunit;

namespace RemotePoll.Mail.Tests.Rimap;

/// <summary>
/// A remote IMAP server whose hierarchy delimiter is '/' (Dovecot's default here is '.'), with the listescape
/// plugin so that a folder name may hold '.'. The Maildir++ tree on disk is the same: InjectAsync("A/B") works.
/// </summary>
public sealed class SlashDovecotFixture : IAsyncLifetime
{
    private DovecotServer? _server;

    public DovecotServer Server => _server ?? throw new InvalidOperationException("the fixture has not started");

    public async ValueTask InitializeAsync() => _server = await DovecotServer.StartAsync(new DovecotOptions
    {
        ExtraConfig = """
            mail_plugins = $mail_plugins listescape
            namespace inbox {
              inbox = yes
              separator = /
            }
            """,
    }).ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync().ConfigureAwait(false);
    }
}
