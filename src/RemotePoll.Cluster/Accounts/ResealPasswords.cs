using RemotePoll.Cluster.Serialization;

namespace RemotePoll.Cluster.Accounts;

/// <summary>Key rotation: the account seals again, with the node's current key, every password sealed with an older one.</summary>
public sealed record ResealPasswords(string Account) : IClusterMessage;
