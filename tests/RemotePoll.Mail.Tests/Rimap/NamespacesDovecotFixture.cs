using RemotePoll.Testing.Dovecot;
using Xunit;

namespace RemotePoll.Mail.Tests.Rimap;

/// <summary>
/// A remote IMAP server with more than the personal namespace (RFC 2342), as Cyrus and many providers have: the
/// personal one with an empty prefix and '/' as delimiter, and a public namespace <c>Shared Folders/</c> that
/// Dovecot also returns to a personal <c>LIST "" "*"</c> (list = yes). Each user's public folders live in ~/public.
/// </summary>
public sealed class NamespacesDovecotFixture : IAsyncLifetime
{
    public const string SharedPrefix = "Shared Folders";

    private DovecotServer? _server;

    public DovecotServer Server => _server ?? throw new InvalidOperationException("the fixture has not started");

    public async ValueTask InitializeAsync() => _server = await DovecotServer.StartAsync(new DovecotOptions
    {
        ExtraConfig = $$"""
            namespace inbox {
              inbox = yes
              separator = /
            }
            namespace shared {
              type = public
              separator = /
              prefix = {{SharedPrefix}}/
              location = maildir:~/public
              subscriptions = no
              list = yes
            }
            """,
    }).ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync().ConfigureAwait(false);
    }
}
