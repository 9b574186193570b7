using RemotePoll.Core.Polling;

namespace RemotePoll.Cluster.Polling;

// From a push holder to its poller, inside one process: no manifest needed.
/// <summary>The push connection ended, and why; <see cref="Kind"/> null: it was stopped.</summary>
public sealed record RimapPushEnded(PollErrorKind? Kind, string Reason);
