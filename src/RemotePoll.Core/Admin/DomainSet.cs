namespace RemotePoll.Core.Admin;

/// <summary><c>domain set DOMAIN [--ip ADDR]... [--main]</c>: null Ips keep the assigned addresses; null Main keeps it.</summary>
public sealed record DomainSet(string Domain, IReadOnlyList<string>? Ips, bool? Main) : IAdminCommand;
