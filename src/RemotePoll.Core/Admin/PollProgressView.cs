namespace RemotePoll.Core.Admin;

/// <summary>
/// A followed poll (<see cref="Accounts.Commands.PollRecord.Ticket"/>): waiting for the poll in progress to end, running
/// (the messages and bytes delivered so far, counted batch by batch), ended (its report), or unknown (the record's
/// poller restarted since, e.g. its account moved to another node: the record's Last tells the outcome).
/// </summary>
public sealed record PollProgressView(string Ticket, string State, int Messages, long Bytes, DateTimeOffset? Started, PollReport? Report)
    : IAdminResult
{
    public const string Waiting = "waiting", Running = "running", Ended = "ended", Unknown = "unknown";
}
