namespace RemotePoll.Core.Admin;

/// <summary><c>rpoll node stats</c>: the contacted node's pollers, their scheduling lateness and its memory.</summary>
public sealed record NodeStatsShow : IAdminCommand;
