using System.Text;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;
using RemotePoll.Core.Records;
using RemotePoll.Mail.Delivery;
using RemotePoll.Mail.Rimap;
using RemotePoll.Testing.Dovecot;

namespace RemotePoll.Mail.Tests.Rimap;

/// <summary>Accounts, messages and requests for the RIMAP tests, and what a local Maildir folder holds.</summary>
internal static class RimapTestData
{
    public const string Account = "owner@local.example";

    public static string NewUser() => "r" + Guid.NewGuid().ToString("N")[..10];

    public static string NewPassword() => "pw-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>A message with a unique Message-ID; <paramref name="size"/> pads the body to about that many bytes.</summary>
    public static byte[] Message(string subject, int size = 0)
    {
        var head = $"From: alice@remote.example\r\nTo: bob@remote.example\r\nSubject: {subject}\r\nMessage-ID: <{subject}@rimap.test>\r\n\r\n";
        var body = new StringBuilder($"Body of {subject}.\r\n");
        while (head.Length + body.Length + 78 <= size) body.Append(new string('x', 76)).Append("\r\n");
        return Encoding.ASCII.GetBytes(head + body);
    }

    public static async Task<(string User, string Password)> NewRemoteAccountAsync(DovecotServer server, CancellationToken ct)
    {
        var user = NewUser();
        var password = NewPassword();
        await server.AddUserAsync(user, password, ct);
        return (user, password);
    }

    public static RimapMirrorRequest Request(DovecotServer server, string user, string password, string record = "Remote") => new()
    {
        Account = Account,
        RecordName = record,
        Host = new HostAndPort(server.Host, server.ImapPort),
        User = user,
        Password = password,
        CommandTimeout = TimeSpan.FromSeconds(20),
        ConnectTimeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>Appends messages to a remote folder as the user (creating the folder), with flags and internal dates.</summary>
    public static async Task AppendRemoteAsync(DovecotServer server, string user, string password, string folder,
        params (byte[] Message, MessageFlags Flags, DateTimeOffset Date)[] messages)
    {
        using var client = new ImapClient();
        await client.ConnectAsync(server.Host, server.ImapPort, SecureSocketOptions.None);
        await client.AuthenticateAsync(user, password);
        IMailFolder target;
        if (folder.Equals("INBOX", StringComparison.OrdinalIgnoreCase)) target = client.Inbox!;
        else
        {
            try { target = await client.GetFolderAsync(folder); }
            catch (FolderNotFoundException)
            {
                var ns = client.PersonalNamespaces[0];
                target = (await client.GetFolder(ns).CreateAsync(folder, true))!;
            }
        }
        foreach (var (message, flags, date) in messages)
            await target.AppendAsync(MimeMessage.Load(new MemoryStream(message)), flags, date);
        await client.DisconnectAsync(true);
    }

    /// <summary>A stored message of a local Maildir folder: its content, Maildir flag letters and mtime (the internal date).</summary>
    public sealed record LocalMessage(byte[] Content, string Flags, DateTimeOffset Date)
    {
        public string Subject => Encoding.ASCII.GetString(Content).Split("\r\n").First(l => l.StartsWith("Subject: ", StringComparison.Ordinal))[9..];
    }

    public static IReadOnlyList<LocalMessage> LocalMessages(MaildirStore store, MailboxPath folder)
    {
        var dir = store.FolderDirectory(Account, folder);
        if (!Directory.Exists(dir)) return [];
        return new[] { "new", "cur" }
            .SelectMany(sub => Directory.EnumerateFiles(Path.Combine(dir, sub)))
            .Select(f =>
            {
                var name = Path.GetFileName(f);
                var info = name.IndexOf(":2,", StringComparison.Ordinal);
                return new LocalMessage(File.ReadAllBytes(f), info < 0 ? "" : name[(info + 3)..],
                    new DateTimeOffset(File.GetLastWriteTimeUtc(f), TimeSpan.Zero));
            })
            .OrderBy(m => m.Subject, StringComparer.Ordinal)
            .ToList();
    }

    public static IReadOnlyList<string> LocalSubjects(MaildirStore store, MailboxPath folder) =>
        LocalMessages(store, folder).Select(m => m.Subject).ToList();

    public static MailboxPath Local(string path) => MailboxPath.Parse(path);
}
