namespace RemotePoll.Core.Admin;

/// <summary><c>hosts clear HOST</c>: poll a failed host again before its delay passes.</summary>
public sealed record HostsClear(string Host) : IAdminCommand;
