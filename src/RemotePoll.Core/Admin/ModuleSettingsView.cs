using RemotePoll.Core.Settings;

namespace RemotePoll.Core.Admin;

/// <summary>The module settings as stored.</summary>
public sealed record ModuleSettingsView(ModuleSettings Settings) : IAdminResult;
