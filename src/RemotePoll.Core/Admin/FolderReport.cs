namespace RemotePoll.Core.Admin;

/// <summary>One mirrored folder in an RIMAP poll: how many messages were copied, and any problem with it.</summary>
public sealed record FolderReport(string Folder, int Messages, long Bytes, string? Note);
