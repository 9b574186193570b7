namespace RemotePoll.Core.Polling;

/// <summary>When a record's next poll is due (null: Disabled); <see cref="Record"/> is its poller's name in the account.</summary>
public sealed record WakeDue(string Record, DateTimeOffset? Due);
