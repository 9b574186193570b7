namespace RemotePoll.Cluster.Polling;

/// <summary>From the account entity, relaying its wake schedule: this record's next poll was due at <see cref="Due"/>
/// before the account last stopped. Local only.</summary>
public sealed record PollDueAt(DateTimeOffset Due);
