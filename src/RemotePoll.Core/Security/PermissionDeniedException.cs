namespace RemotePoll.Core.Security;

/// <summary>The caller may not do this; nothing was changed. The message reads "permission denied: REASON".</summary>
public sealed class PermissionDeniedException(string reason) : Exception(AdminPermissions.Message(reason))
{
    public string Reason { get; } = reason;
}
