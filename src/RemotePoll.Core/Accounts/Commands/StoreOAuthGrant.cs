using RemotePoll.Core.Records;

namespace RemotePoll.Core.Accounts.Commands;

/// <summary>
/// A user consented (web Connect, or the device flow of <c>rpoll rpop|rimap authorize</c>): keep the refresh token, sealed, on the
/// record, with the provider account's display name and when. Refused when the record's provider is no longer
/// <see cref="Provider"/> (it changed while the user was consenting). The refresh token is clear text in transit
/// only; <see cref="ToString"/> hides it.
/// </summary>
public sealed record StoreOAuthGrant(
    string Account, RecordKind Kind, string Name, string Provider, string RefreshToken, string? ConnectedAs, DateTimeOffset ConnectedAt) : IAccountCommand
{
    public override string ToString() =>
        $"StoreOAuthGrant {{ Account = {Account}, Kind = {Kind}, Name = {Name}, Provider = {Provider}, RefreshToken = (hidden), ConnectedAs = {ConnectedAs}, ConnectedAt = {ConnectedAt:O} }}";
}
