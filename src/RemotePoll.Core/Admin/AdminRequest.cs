namespace RemotePoll.Core.Admin;

/// <summary>
/// What a client sends to the admin API: the caller's credential (a signed token; checked by the security layer)
/// and the command. Every request has this shape, so identity and authorisation never reshape the commands.
/// </summary>
public sealed record AdminRequest(string? Credential, IAdminCommand Command)
{
    public override string ToString() => $"AdminRequest {{ Command = {Command}, Credential = {(Credential is null ? "none" : "(given)")} }}";
}
