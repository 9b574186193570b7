namespace RemotePoll.Core.Mirrors;

/// <summary>
/// How far one remote folder has been mirrored: its UIDVALIDITY and the highest UID copied. A poll fetches only
/// UIDs above it; a changed UIDVALIDITY means the folder is copied again from the start. HighestModSeq (RFC 7162), with
/// Sync Flags, is how far the local copies follow the remote flags and expunges; 0 (and marks persisted before it) means unknown.
/// </summary>
public sealed record FolderMark(uint UidValidity, uint HighestUid, ulong HighestModSeq = 0);
