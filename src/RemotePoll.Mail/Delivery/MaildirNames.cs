using System.Globalization;
using System.Text;
using MailKit;

namespace RemotePoll.Mail.Delivery;

/// <summary>
/// How accounts and folders become paths in the Maildir tree, and how message files are named.
/// <list type="bullet">
/// <item>An account <c>user@domain</c> lives in <c>ROOT/domain/user/Maildir/</c>, both parts lower-cased (account
/// names are case-insensitive). In the user part '/', '\', a leading '.' and anything outside printable ASCII
/// become <c>\xx</c> (hex of each UTF-8 byte), so no address can step out of its directory.</item>
/// <item>INBOX is the Maildir itself; any other folder is a Maildir++ subfolder named '.' + its segments joined
/// by '.': <c>Remote/Work</c> is <c>.Remote.Work</c>. A segment is written in IMAP modified UTF-7, as Dovecot
/// does, and then '.', '/' and '\' become <c>\2e</c>, <c>\2f</c>, <c>\5c</c> (the escape Dovecot's listescape
/// plugin uses), so <c>v1.2</c> is <c>.v1\2e2</c>. Both steps are reversible.</item>
/// <item>A message file is <c>SECS.MUSECSPpidQnRrandom.HOST,S=size</c>, unique across processes and nodes
/// (Maildir's naming rule); a file in cur/ adds <c>:2,FLAGS</c> (Maildir info: D F R S T, in ASCII order).</item>
/// </list>
/// </summary>
internal static class MaildirNames
{
    public const char Escape = '\\';
    public const int MaxFileNameBytes = 255;

    /// <summary>The flags Maildir info can hold (Recent is the reader's business, not the file's).</summary>
    public const MessageFlags StorableFlags =
        MessageFlags.Seen | MessageFlags.Answered | MessageFlags.Flagged | MessageFlags.Deleted | MessageFlags.Draft;

    private static long s_counter;
    private static readonly string s_host = EscapeHost(Environment.MachineName);
    private static readonly int s_pid = Environment.ProcessId;

    /// <summary>ROOT/domain/user/Maildir for the account.</summary>
    /// <exception cref="ArgumentException">The account is not a well-formed address.</exception>
    public static string AccountDirectory(string root, string account)
    {
        var (local, domain) = AddressParts.Split(account, "account");
        return Path.Combine(root, domain.ToLowerInvariant().TrimEnd('.'), EscapeUser(local.ToLowerInvariant()), "Maildir");
    }

    /// <summary>The subfolder directory name, "" for INBOX.</summary>
    /// <exception cref="ArgumentException">The encoded name is longer than a file name may be.</exception>
    public static string FolderDirectoryName(MailboxPath folder)
    {
        if (folder.IsInbox) return "";
        var sb = new StringBuilder();
        foreach (var segment in folder.Segments)
        {
            sb.Append('.');
            foreach (var c in ModifiedUtf7.Encode(segment))
            {
                if (c is '.' or '/' or Escape) sb.Append(Escape).Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                else sb.Append(c);
            }
        }
        var name = sb.ToString();
        if (Encoding.UTF8.GetByteCount(name) > MaxFileNameBytes)
            throw new ArgumentException($"mailbox '{folder}' is too long for a Maildir folder name ({name.Length} > {MaxFileNameBytes} bytes)", nameof(folder));
        return name;
    }

    /// <summary>The folder a Maildir++ subfolder directory holds; null when the name is not one.</summary>
    public static MailboxPath? FolderFromDirectoryName(string name)
    {
        if (name.Length < 2 || name[0] != '.' || name == "..") return null;
        var segments = new List<string>();
        foreach (var raw in name[1..].Split('.'))
        {
            if (raw.Length == 0) return null;
            var unescaped = Unescape(raw);
            var decoded = ModifiedUtf7.Decode(unescaped) ?? unescaped;
            if (decoded.Length == 0 || decoded.Any(char.IsControl)) return null;
            segments.Add(decoded);
        }
        return MailboxPath.FromSegments(segments);
    }

    /// <summary>A new unique base name for a message file of <paramref name="size"/> bytes.</summary>
    public static string NewMessageName(long size)
    {
        var now = DateTimeOffset.UtcNow;
        var secs = now.ToUnixTimeSeconds();
        var usecs = (now.Ticks % TimeSpan.TicksPerSecond) / 10;
        var q = Interlocked.Increment(ref s_counter);
        var random = Random.Shared.Next().ToString("x8", CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture, $"{secs}.M{usecs}P{s_pid}Q{q}R{random}.{s_host},S={size}");
    }

    /// <summary>The Maildir info suffix for cur/: ":2," and the flag letters in ASCII order.</summary>
    public static string InfoSuffix(MessageFlags flags)
    {
        var sb = new StringBuilder(":2,");
        if (flags.HasFlag(MessageFlags.Draft)) sb.Append('D');
        if (flags.HasFlag(MessageFlags.Flagged)) sb.Append('F');
        if (flags.HasFlag(MessageFlags.Answered)) sb.Append('R');
        if (flags.HasFlag(MessageFlags.Seen)) sb.Append('S');
        if (flags.HasFlag(MessageFlags.Deleted)) sb.Append('T');
        return sb.ToString();
    }

    /// <summary>
    /// The file name with its info's flag letters (D, F, R, S, T) replaced by <paramref name="flags"/>; other letters (P,
    /// Dovecot's keyword letters) stay, in ASCII order.
    /// </summary>
    public static string WithFlags(string fileName, MessageFlags flags)
    {
        var info = fileName.IndexOf(":2,", StringComparison.Ordinal);
        var name = info < 0 ? fileName : fileName[..info];
        var kept = info < 0 ? "" : fileName[(info + 3)..].Where(c => "DFRST".IndexOf(c) < 0);
        return name + ":2," + new string(InfoSuffix(flags)[3..].Concat(kept).Distinct().Order().ToArray());
    }

    private static string EscapeUser(string local)
    {
        var sb = new StringBuilder(local.Length);
        var bytes = Encoding.UTF8.GetBytes(local);
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            var plain = b is > 0x20 and < 0x7f && b != '/' && b != Escape && !(i == 0 && b == '.');
            if (plain) sb.Append((char)b);
            else sb.Append(Escape).Append(b.ToString("x2", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    private static string Unescape(string text)
    {
        if (!text.Contains(Escape)) return text;
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == Escape && i + 2 < text.Length
                && int.TryParse(text.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var v))
            {
                sb.Append((char)v);
                i += 2;
            }
            else sb.Append(text[i]);
        }
        return sb.ToString();
    }

    // Maildir: '/' and ':' in the host name are written \057 and \072.
    private static string EscapeHost(string host) => host.Replace("/", "\\057").Replace(":", "\\072").Replace(",", "\\054");
}
