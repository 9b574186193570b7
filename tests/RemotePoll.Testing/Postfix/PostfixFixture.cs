using RemotePoll.Testing.Dovecot;
using Xunit;

namespace RemotePoll.Testing.Postfix;

/// <summary>
/// An xunit class fixture: a private Dovecot and a private Postfix in front of it (smtpd on loopback, every message for
/// example.com handed to the Dovecot's LMTP), so a test counts in Dovecot's Maildir what SMTP delivered.
/// </summary>
public sealed class PostfixFixture : IAsyncLifetime
{
    private DovecotServer? _dovecot;
    private PostfixServer? _postfix;

    public DovecotServer Dovecot => _dovecot ?? throw new InvalidOperationException("the fixture has not started");

    public PostfixServer Postfix => _postfix ?? throw new InvalidOperationException("the fixture has not started");

    /// <summary>Starts another Postfix in front of the same Dovecot (its own options); the caller disposes it.</summary>
    public Task<PostfixServer> StartAnotherAsync(Func<PostfixOptions, PostfixOptions> change, CancellationToken cancellationToken = default) =>
        PostfixServer.StartAsync(change(new PostfixOptions { Lmtp = (Dovecot.Host, Dovecot.LmtpPort) }), cancellationToken);

    public async ValueTask InitializeAsync()
    {
        _dovecot = await DovecotServer.StartAsync().ConfigureAwait(false);
        _postfix = await StartAnotherAsync(o => o).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_postfix is not null) await _postfix.DisposeAsync().ConfigureAwait(false);
        if (_dovecot is not null) await _dovecot.DisposeAsync().ConfigureAwait(false);
    }
}
