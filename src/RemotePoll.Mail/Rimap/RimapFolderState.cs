namespace RemotePoll.Mail.Rimap;

/// <summary>
/// What has been mirrored from one remote folder: its UIDVALIDITY and the highest UID copied (durably stored
/// locally). A poll fetches only UIDs above <see cref="HighestUid"/>; another UIDVALIDITY means the folder is
/// copied again from the start. <see cref="HighestUid"/> 0 means nothing is known to be copied yet.
/// </summary>
/// <param name="RemoteName">The folder's full name on the remote server, decoded, with the server's delimiter.</param>
/// <param name="HighestModSeq">
/// With Sync Flags: the remote HIGHESTMODSEQ (RFC 7162) up to which the local copies follow the remote flags and expunges;
/// 0 when unknown (no CONDSTORE, Sync Flags off, or state saved before it existed): the next sync scans every UID.
/// </param>
public sealed record RimapFolderState(string RemoteName, uint UidValidity, uint HighestUid, ulong HighestModSeq = 0);
