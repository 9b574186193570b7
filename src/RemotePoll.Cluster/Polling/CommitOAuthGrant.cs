using RemotePoll.Core.OAuth;
using RemotePoll.Core.Records;
using RemotePoll.Core.Secrets;

namespace RemotePoll.Cluster.Polling;

// Between an account entity and its pollers, inside one process: no manifest needed.
/// <summary>
/// A poller's refresh got a rotated refresh token: the entity persists <paramref name="SignIn"/> (sealed) unless the record's
/// grant is no longer <paramref name="Replaces"/> (a user connected again meanwhile); the reply is <see cref="LedgerCommitted"/>.
/// </summary>
public sealed record CommitOAuthGrant(RecordKind Kind, string Name, SealedSecret Replaces, OAuthSignIn SignIn);
