namespace RemotePoll.Core.Records;

/// <summary>
/// A RIMAP record owns the local folder named after it and everything below (spec, RIMAP "Name"): its refills rewrite
/// that tree from the remote server. An RPOP Mailbox inside it would mix another record's mail into the mirror, so the
/// two are kept apart when a record is set. Names compare without case, as record names do (a store may fold case).
/// </summary>
public static class MirrorTree
{
    /// <summary>The RIMAP record among <paramref name="rimapNames"/> whose tree holds <paramref name="mailbox"/>; null when none does.</summary>
    public static string? Holding(string? mailbox, IEnumerable<string> rimapNames)
    {
        if (string.IsNullOrWhiteSpace(mailbox)) return null;
        var top = mailbox.Split('/')[0].Trim();
        return rimapNames.FirstOrDefault(n => string.Equals(n, top, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Why an RPOP Mailbox cannot be <paramref name="mailbox"/>; null when it can.</summary>
    public static string? MailboxRefusal(string? mailbox, IEnumerable<string> rimapNames) =>
        Holding(mailbox, rimapNames) is { } rimap
            ? $"'{mailbox}' is inside the folder tree of the RIMAP record '{rimap}' of this account, which that record refills from " +
              "its remote server; choose a mailbox outside it"
            : null;

    /// <summary>Why a new RIMAP record cannot be named <paramref name="name"/>; null when it can.</summary>
    public static string? NameRefusal(string name, IEnumerable<(string Record, string? Mailbox)> rpopMailboxes) =>
        rpopMailboxes.FirstOrDefault(r => Holding(r.Mailbox, [name]) is not null) is { Record: { } record, Mailbox: var mailbox }
            ? $"'{name}' would mirror into the folder tree that holds the Mailbox '{mailbox}' of the RPOP record '{record}'; " +
              "choose another name or change that record's Mailbox first"
            : null;
}
