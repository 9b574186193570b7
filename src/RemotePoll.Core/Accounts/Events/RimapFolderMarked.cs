using RemotePoll.Core.Mirrors;

namespace RemotePoll.Core.Accounts.Events;

/// <summary>
/// An RIMAP record copied a batch of a remote folder durably: persisted after the local store acknowledged it, so
/// the mark never runs ahead of the mirror. A null <see cref="Mark"/> forgets the folder (gone remotely).
/// </summary>
public sealed record RimapFolderMarked(string Name, string Folder, FolderMark? Mark) : IAccountEvent;
