using RemotePoll.Mail.Delivery;

namespace RemotePoll.Mail.Rimap;

/// <summary>
/// What one poll did with one remote folder. <see cref="Notes"/> say what was unusual ("name mapped…",
/// "UIDVALIDITY changed: recopied", "recreated", skipped messages); <see cref="Error"/> is set when the
/// folder could not be mirrored this time (the others were).
/// </summary>
/// <param name="LocalFolder">Where it is mirrored; null when it cannot be stored locally.</param>
/// <param name="Messages">Messages copied by this poll.</param>
/// <param name="Bytes">Their size in bytes.</param>
/// <param name="Skipped">Messages passed over for good: over the size limit, refused by the local store, or gone before they could be fetched.</param>
public sealed record RimapFolderResult(
    string RemoteName,
    MailboxPath? LocalFolder,
    int Messages,
    long Bytes,
    int Skipped,
    IReadOnlyList<string> Notes,
    string? Error = null);
