using RemotePoll.Mail.Tests.Pop3;

namespace RemotePoll.Mail.Tests.Rimap;

/// <summary>
/// A scripted IMAP server on the line-based loopback server of the POP3 tests (<see cref="HostilePop3Server"/>),
/// for what Dovecot will not do: no STARTTLS, a refused STARTTLS, LOGIN only, a BYE greeting, a message larger
/// than announced. It knows one folder, INBOX, and answers OK to what it does not know. The hook sees each
/// tagged command first and returns true when it answered it itself.
/// </summary>
internal static class FakeImap
{
    public static async Task ServeAsync(HostilePop3Server.Connection c, string capabilities,
        Func<string, string, Task<bool>>? hook = null, string? greeting = null)
    {
        await c.SendAsync((greeting ?? $"* OK [CAPABILITY {capabilities}] fake IMAP ready") + "\r\n");
        while (await c.ReadLineAsync() is { } line)
        {
            if (line.Split(' ', 2) is not [var tag, var command]) continue;
            if (hook is not null && await hook(tag, command)) continue;
            var verb = command.Split(' ')[0].ToUpperInvariant();
            switch (verb)
            {
                case "CAPABILITY":
                    await c.SendAsync($"* CAPABILITY {capabilities}\r\n{tag} OK done\r\n");
                    break;
                case "AUTHENTICATE" when command.StartsWith("AUTHENTICATE PLAIN", StringComparison.OrdinalIgnoreCase):
                    if (!command.Contains(' ', StringComparison.Ordinal) || command.Split(' ').Length == 2)
                    {
                        await c.SendAsync("+ \r\n");
                        await c.ReadLineAsync();
                    }
                    await c.SendAsync($"{tag} OK logged in\r\n");
                    break;
                case "LIST" when command.EndsWith("\"\"", StringComparison.Ordinal):
                    await c.SendAsync($"* LIST (\\Noselect) \"/\" \"\"\r\n{tag} OK done\r\n");
                    break;
                case "LIST":
                    await c.SendAsync($"* LIST (\\HasNoChildren) \"/\" INBOX\r\n{tag} OK done\r\n");
                    break;
                case "EXAMINE":
                    await c.SendAsync("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n* 1 EXISTS\r\n* 0 RECENT\r\n" +
                        $"* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT 2] ok\r\n{tag} OK [READ-ONLY] done\r\n");
                    break;
                case "UID" when !command.Contains("BODY", StringComparison.OrdinalIgnoreCase):
                    await c.SendAsync("* 1 FETCH (UID 1 RFC822.SIZE 100 FLAGS () INTERNALDATE \"01-Jan-2024 00:00:00 +0000\")\r\n" +
                        $"{tag} OK done\r\n");
                    break;
                case "LOGOUT":
                    await c.SendAsync($"* BYE bye\r\n{tag} OK done\r\n");
                    return;
                default:
                    await c.SendAsync($"{tag} OK done\r\n");
                    break;
            }
        }
    }
}
