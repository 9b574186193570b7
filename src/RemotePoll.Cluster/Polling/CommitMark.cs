using RemotePoll.Core.Mirrors;

namespace RemotePoll.Cluster.Polling;

// Between an account entity and its pollers, inside one process: no manifest needed.
/// <summary>An RIMAP poller asks its entity to persist a folder's new mark; the reply is <see cref="LedgerCommitted"/>.</summary>
public sealed record CommitMark(string Name, string Folder, FolderMark Mark);
