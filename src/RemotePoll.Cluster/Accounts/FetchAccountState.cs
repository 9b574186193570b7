using RemotePoll.Cluster.Serialization;

namespace RemotePoll.Cluster.Accounts;

/// <summary>Asks an account entity for its whole state (records with sealed passwords); the reply is an <see cref="AccountSnapshot"/>.</summary>
public sealed record FetchAccountState(string Account) : IClusterMessage;
