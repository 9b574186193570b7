namespace RemotePoll.Core.Admin;

/// <summary><c>token whoami</c>: who the admin API takes the caller to be (any valid token may ask); answers a <see cref="CallerView"/>.</summary>
public sealed record WhoAmI : IAdminCommand;
