using MailKit.Net.Imap;

namespace RemotePoll.Mail.Rimap;

/// <summary>
/// A selectable remote folder that matched the filter. <see cref="UidValidity"/> and <see cref="UidNext"/> come
/// from LIST-STATUS when the server has it (null otherwise), so that an unchanged folder need not be examined.
/// </summary>
internal sealed record RimapRemoteFolder(string Name, char Delimiter, uint? UidValidity, uint? UidNext, ImapFolder Folder);
