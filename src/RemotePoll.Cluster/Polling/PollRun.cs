using RemotePoll.Mail.OAuth;

namespace RemotePoll.Cluster.Polling;

/// <summary>
/// The protocol work of one poll, closed over the record as it was when the poll was planned: it reads nothing of its
/// poller's state. <paramref name="bearer"/>: the OAuth2 access token of a record that signs in with one.
/// Must not throw: every failure becomes a report with a typed error.
/// </summary>
public delegate Task<PollOutcome> PollRun(PollPlan plan, OAuth2Bearer? bearer, CancellationToken cancellationToken);
