namespace RemotePoll.Core.Admin;

/// <summary><c>module set KEY VALUE</c>, keys in the spec's words (see ModuleSettings.Keys).</summary>
public sealed record ModuleSet(string Key, string Value) : IAdminCommand;
