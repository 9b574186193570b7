namespace RemotePoll.Core.Mirrors;

/// <summary>
/// How far one remote folder has been mirrored: its UIDVALIDITY and the highest UID copied. A poll fetches only
/// UIDs above it; a changed UIDVALIDITY means the folder is copied again from the start.
/// </summary>
public sealed record FolderMark(uint UidValidity, uint HighestUid);
