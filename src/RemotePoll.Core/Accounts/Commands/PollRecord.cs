using RemotePoll.Core.Records;

namespace RemotePoll.Core.Accounts.Commands;

/// <summary>
/// Poll one record now, out of schedule (Try Now). With <see cref="Wait"/> and a <see cref="Ticket"/>, the order is
/// answered at once and the poll that serves it can be followed with <see cref="GetPollProgress"/> (what <c>rpoll ...
/// poll --wait</c> does: short requests, so no reply has to outlive a ClusterClient response tunnel, 30 s). With
/// <see cref="Wait"/> and no ticket, the reply comes when the poll ends (for callers inside the cluster).
/// </summary>
public sealed record PollRecord(string Account, RecordKind Kind, string Name, bool Wait) : IAccountCommand
{
    /// <summary>The caller's name for the poll that serves this order (unique, e.g. a GUID); null: not followed.</summary>
    public string? Ticket { get; init; }
}
