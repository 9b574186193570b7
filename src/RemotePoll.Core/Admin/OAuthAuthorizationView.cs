namespace RemotePoll.Core.Admin;

/// <summary>
/// A device flow for a record: <see cref="State"/> is waiting (show <see cref="VerificationUri"/> and <see cref="UserCode"/>),
/// connected, or failed (<see cref="Message"/> says why: expired, denied, the record changed). Holds no token.
/// </summary>
public sealed record OAuthAuthorizationView(string Ticket, string State, string UserCode, string VerificationUri, string? VerificationUriComplete,
    DateTimeOffset ExpiresAt, string? Message) : IAdminResult
{
    public const string Waiting = "waiting", Connected = "connected", Failed = "failed";
}
