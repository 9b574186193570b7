namespace RemotePoll.Core.Admin;

/// <summary>
/// One RIMAP record for display: the password only as present or not; Last and Error from its status; how the server
/// certificate is trusted (validate, a pin, a CA file, or accept-any) and whether an account user made it; the OAuth2 sign-in
/// when it has one.
/// </summary>
public sealed record RimapRecordView(
    string Name, string Every, string AuthName, string Host, bool HasPassword,
    string Security, string AuthMethod, string? Filter, DateTimeOffset? ExtOrder,
    DateTimeOffset? Last, string? Error, string? ErrorKind,
    string TlsTrust = "validate", bool ByAccountUser = false, OAuthSignInView? OAuth = null, bool Push = false, bool SyncFlags = false);
