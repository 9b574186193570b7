using RemotePoll.Cluster.Serialization;

namespace RemotePoll.Cluster.Accounts;

/// <summary>The answer to <see cref="ResealPasswords"/>: how many passwords were sealed again, or why it failed.</summary>
public sealed record PasswordsResealed(string Account, int Count, string? Error = null) : IClusterMessage;
