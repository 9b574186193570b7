using RemotePoll.Testing.Dovecot;
using Xunit;

namespace RemotePoll.Mail.Tests.Delivery;

/// <summary>
/// Three private Dovecots for the IMAP store's APPEND paths, each refusing messages over 20 KB (quota plugin,
/// <c>quota_max_mail_size</c>): one with its default capabilities (MULTIAPPEND, LITERAL+), one without MULTIAPPEND but
/// with LITERAL+, one with neither (synchronizing literals). The capability lists are set with <c>imap_capability</c>
/// through <see cref="DovecotOptions.ExtraConfig"/>.
/// </summary>
public sealed class ImapAppendDovecotsFixture : IAsyncLifetime
{
    /// <summary>The size over which the servers refuse a message.</summary>
    public const int MaxMailSize = 20 * 1024;

    private const string Base = "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED ESEARCH LIST-STATUS MOVE SPECIAL-USE";

    private readonly Dictionary<string, DovecotServer> _servers = [];

    /// <summary>The server named "multiappend", "literal-plus" or "sync-literals".</summary>
    public DovecotServer this[string name] => _servers[name];

    public async ValueTask InitializeAsync()
    {
        var started = await Task.WhenAll(
            StartAsync("multiappend", null),
            StartAsync("literal-plus", Base + " LITERAL+"),
            StartAsync("sync-literals", Base)).ConfigureAwait(false);
        foreach (var (name, server) in started) _servers[name] = server;
    }

    private static async Task<(string, DovecotServer)> StartAsync(string name, string? capability)
    {
        var limit = $$"""
            mail_plugins = $mail_plugins quota
            plugin {
              quota = maildir:User quota
              quota_max_mail_size = {{MaxMailSize / 1024}}k
            }
            """;
        var extra = capability is null ? limit : limit + "\nimap_capability = " + capability;
        return (name, await DovecotServer.StartAsync(new DovecotOptions { ExtraConfig = extra }).ConfigureAwait(false));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers.Values) await server.DisposeAsync().ConfigureAwait(false);
    }
}
