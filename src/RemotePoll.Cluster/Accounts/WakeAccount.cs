using RemotePoll.Cluster.Serialization;
using RemotePoll.Core.Polling;

namespace RemotePoll.Cluster.Accounts;

/// <summary>
/// From the account's wake schedule: start (recover) the account if it is not running, and here is when its records'
/// next polls were due as the schedule knows them. A record whose own view after a recovery is overdue (its last
/// attempt was not persisted: a turn skipped for Processes 0) keeps the schedule's time instead of spreading its poll.
/// </summary>
public sealed record WakeAccount(string Account, IReadOnlyList<WakeDue> Records) : IClusterMessage;
