using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;
using RemotePoll.Mail.Rimap;
using RemotePoll.Testing.Dovecot;
using Xunit;
using static RemotePoll.Mail.Tests.Rimap.RimapTestData;

namespace RemotePoll.Mail.Tests.Rimap;

/// <summary>Issue 21.3: the mirror copies the account's own mail (the personal namespace), not shared or other users' folders.</summary>
[Integration]
public sealed class RimapNamespaceTests(NamespacesDovecotFixture fixture) : IClassFixture<NamespacesDovecotFixture>
{
    private const string Shared = NamespacesDovecotFixture.SharedPrefix;
    private DovecotServer Server => fixture.Server;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>INBOX and Work of the user's own, and Shared Folders/announce of the public namespace.</summary>
    private async Task<(string User, string Password)> AccountAsync()
    {
        var (user, password) = await NewRemoteAccountAsync(Server, Ct);
        await Server.InjectAsync(user, Message("own-inbox"), cancellationToken: Ct);
        await Server.InjectAsync(user, Message("own-work"), "Work", Ct);
        using var client = new ImapClient();
        await client.ConnectAsync(Server.Host, Server.ImapPort, SecureSocketOptions.None, Ct);
        await client.AuthenticateAsync(user, password, Ct);
        var ns = Assert.Single(client.SharedNamespaces);
        Assert.Equal(Shared, ns.Path.TrimEnd('/'));
        var announce = await client.GetFolder(ns).CreateAsync("announce", true, Ct);
        await announce!.AppendAsync(MimeMessage.Load(new MemoryStream(Message("shared-announce"))), MessageFlags.None, Ct);
        // The server does return the shared folder to the unqualified LIST a personal namespace with no prefix sends.
        Assert.Contains(await client.GetFoldersAsync(client.PersonalNamespaces[0], cancellationToken: Ct), f => f.FullName == Shared + "/announce");
        await client.DisconnectAsync(true, Ct);
        return (user, password);
    }

    [Fact]
    public async Task An_unfiltered_record_mirrors_the_personal_namespace_only()
    {
        var (user, password) = await AccountAsync();
        using var local = new TempStore();

        var result = await RimapMirror.RunAsync(Request(Server, user, password), local.Store,
            new Dictionary<string, RimapFolderState>(), (_, _) => Task.CompletedTask, null, Ct);

        Assert.Equal(["INBOX", "Work"], result.Folders.Select(f => f.RemoteName));
        Assert.Equal(2, result.Messages);
        Assert.DoesNotContain(await local.Store.ListFoldersAsync(Account, Ct), f => f.Segments.Contains(Shared));
    }

    [Theory]
    [InlineData(Shared + "/*")]
    [InlineData(Shared + "/announce")]
    public async Task A_filter_that_names_a_shared_namespace_prefix_mirrors_it(string filter)
    {
        var (user, password) = await AccountAsync();
        using var local = new TempStore();

        var result = await RimapMirror.RunAsync(Request(Server, user, password) with { ListFilter = filter }, local.Store,
            new Dictionary<string, RimapFolderState>(), (_, _) => Task.CompletedTask, null, Ct);

        Assert.Equal([Shared + "/announce"], result.Folders.Select(f => f.RemoteName));
        Assert.Equal(["shared-announce"], LocalSubjects(local.Store, Local($"Remote/{Shared}/announce")));
    }

    [Fact]
    public async Task A_wildcard_that_only_happens_to_match_the_prefix_does_not_name_it()
    {
        var (user, password) = await AccountAsync();
        using var local = new TempStore();

        var result = await RimapMirror.RunAsync(Request(Server, user, password) with { ListFilter = "*announce" }, local.Store,
            new Dictionary<string, RimapFolderState>(), (_, _) => Task.CompletedTask, null, Ct);

        Assert.Empty(result.Folders);
    }
}
