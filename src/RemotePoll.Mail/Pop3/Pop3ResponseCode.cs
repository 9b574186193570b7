using RemotePoll.Core.Polling;

namespace RemotePoll.Mail.Pop3;

/// <summary>
/// The extended response code of a POP3 <c>-ERR</c> (RFC 2449 section 8: <c>-ERR [CODE] text</c>, codes hierarchical with
/// <c>/</c>) and what it means for a poll: <c>[LOGIN-DELAY]</c> and <c>[SYS/TEMP]</c> are temporary, <c>[IN-USE]</c> a
/// mailbox held by another session, <c>[AUTH]</c> the credentials (RFC 3206), <c>[SYS/PERM]</c> a permanent failure of
/// the server itself. Unknown codes, and answers without one, are left to the caller.
/// </summary>
public static class Pop3ResponseCode
{
    /// <summary>The code of <paramref name="line"/> (upper case, e.g. <c>SYS/TEMP</c>), or null when it has none.</summary>
    public static string? Of(string? line)
    {
        if (line is null || !line.StartsWith("-ERR [", StringComparison.OrdinalIgnoreCase)) return null;
        var end = line.IndexOf(']', 6);
        if (end <= 6) return null;
        var code = line[6..end];
        return code.All(c => c is > ' ' and <= '~' and not '[') ? code.ToUpperInvariant() : null;
    }

    /// <summary>The kind a poll fails with, and why in words naming the code; null when the code says nothing known.</summary>
    public static (PollErrorKind Kind, string Why)? Meaning(string? line) => Of(line) switch
    {
        { } c when Is(c, "LOGIN-DELAY") => (PollErrorKind.TemporarilyUnavailable,
            "the server refuses a login this soon after the last one ([LOGIN-DELAY], RFC 2449); the next poll waits for it"),
        { } c when Is(c, "IN-USE") => (PollErrorKind.MailboxLocked,
            "the mailbox is in use by another session ([IN-USE], RFC 2449); tried again later"),
        { } c when Is(c, "SYS/TEMP") => (PollErrorKind.TemporarilyUnavailable,
            "the server has a temporary problem of its own, not of the password ([SYS/TEMP], RFC 3206); tried again later"),
        { } c when Is(c, "SYS/PERM") => (PollErrorKind.ServerFailed,
            "the server reports a permanent problem of its own, not of the password ([SYS/PERM], RFC 3206); its operator must fix it"),
        { } c when Is(c, "AUTH") => (PollErrorKind.AuthenticationFailed,
            "the server rejected the credentials ([AUTH], RFC 3206)"),
        _ => null,
    };

    /// <summary>The code or one below it in the hierarchy: <c>SYS/TEMP/QUOTA</c> is <c>SYS/TEMP</c>.</summary>
    private static bool Is(string code, string known) =>
        code == known || (code.StartsWith(known, StringComparison.Ordinal) && code[known.Length] == '/');
}
