namespace RemotePoll.Core.Settings;

/// <summary>Account settings that concern Remote Poll: CanModifyRPOP lets the account's user change its own records.</summary>
public sealed record AccountSettings(bool CanModifyRpop = false)
{
    public static readonly AccountSettings Default = new();
}
