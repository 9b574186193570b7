using RemotePoll.Core.Settings;

namespace RemotePoll.Core.Admin;

/// <summary>The module settings as stored; with <see cref="PushHeld"/>, the RIMAP push connections held cluster-wide now
/// (against <see cref="ModuleSettings.PushConnections"/>), when the push governor answered.</summary>
public sealed record ModuleSettingsView(ModuleSettings Settings, int? PushHeld = null) : IAdminResult;
