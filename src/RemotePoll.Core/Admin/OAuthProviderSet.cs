using RemotePoll.Core.OAuth;

namespace RemotePoll.Core.Admin;

/// <summary><c>oauth provider set NAME ...</c>: registers or changes a provider (server administrators). The change's client secret is
/// clear text in transit only; the registry seals it before anything is persisted.</summary>
public sealed record OAuthProviderSet(OAuthProviderChange Change) : IAdminCommand;
