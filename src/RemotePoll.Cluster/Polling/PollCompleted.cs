using RemotePoll.Core.Admin;
using RemotePoll.Core.Records;

namespace RemotePoll.Cluster.Polling;

// Between an account entity and its pollers, inside one process: no manifest needed.
/// <summary>A poll ended; the entity persists its outcome (Last or Error) and clears the order it served, if any.</summary>
public sealed record PollCompleted(RecordKind Kind, PollReport Report, DateTimeOffset? ServedOrder = null);
