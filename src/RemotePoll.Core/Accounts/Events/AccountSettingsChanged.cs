using RemotePoll.Core.Settings;

namespace RemotePoll.Core.Accounts.Events;

public sealed record AccountSettingsChanged(AccountSettings Settings) : IAccountEvent;
