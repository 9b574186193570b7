namespace RemotePoll.Core.Admin;

/// <summary><c>module show</c>: the Remote Poll module settings.</summary>
public sealed record ModuleShow : IAdminCommand;
