using RemotePoll.Core.Admin;
using RemotePoll.Mail.Rimap;

namespace RemotePoll.Cluster.Polling;

// From a poll's own thread to its poller (PipeTo): no manifest needed.
/// <summary>How a poll ended, sent back to its poller as a message with the plan it ran.</summary>
public sealed record PollOutcome(PollPlan Plan, PollReport Report)
{
    /// <summary>RIMAP: the request the poll signed in with, for the push session started after it.</summary>
    public RimapMirrorRequest? PushRequest { get; init; }
}
