using RemotePoll.Mail.Delivery;

namespace RemotePoll.Mail.Rimap;

/// <summary>
/// Reported to the caller after a batch is durably stored (or a folder is restarted): persist
/// <see cref="State"/> before the mirror goes on. <see cref="Messages"/> and <see cref="Bytes"/> count
/// this step only.
/// </summary>
public sealed record RimapFolderProgress(RimapFolderState State, MailboxPath LocalFolder, int Messages, long Bytes);
