namespace RemotePoll.Core.Accounts.Events;

/// <summary>The out-of-schedule poll order (extOrder) of an RIMAP record was served: the poll it asked for ended.</summary>
public sealed record RimapOrderCleared(string Name, DateTimeOffset Order) : IAccountEvent;
