namespace RemotePoll.Core.Admin;

/// <summary>
/// <c>secrets rotate --signing</c> (server administrators): a new cluster secret signs and verifies tokens from now on, so
/// every token issued before is refused at once. The reply is a new token for the caller (an <see cref="IssuedToken"/>),
/// who would otherwise be locked out; the offline <c>token issue --secret-file</c> reads the new secret.
/// </summary>
public sealed record RotateSigningSecret : IAdminCommand;
