using RemotePoll.Core.OAuth;
using RemotePoll.Core.Records;

namespace RemotePoll.Core.Accounts.Events;

/// <summary>
/// A record's OAuth2 sign-in got a grant: a user's consent, or a refresh token the provider rotated (journaled before the
/// new access token is used). The grant inside is sealed.
/// </summary>
public sealed record OAuthGrantStored(RecordKind Kind, string Name, OAuthSignIn SignIn) : IAccountEvent;
