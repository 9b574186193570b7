namespace RemotePoll.Mail.OAuth;

/// <summary>A started device authorization (RFC 8628): the user opens <see cref="VerificationUri"/> and enters <see cref="UserCode"/>.</summary>
public sealed record OAuthDeviceAuthorization(string DeviceCode, string UserCode, string VerificationUri, string? VerificationUriComplete,
    TimeSpan Interval, DateTimeOffset ExpiresAt)
{
    public override string ToString() => $"OAuthDeviceAuthorization {{ UserCode = {UserCode}, VerificationUri = {VerificationUri}, ExpiresAt = {ExpiresAt:O} }}";
}
