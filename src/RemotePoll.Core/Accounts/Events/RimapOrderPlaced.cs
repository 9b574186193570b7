namespace RemotePoll.Core.Accounts.Events;

/// <summary>Try Now on an RIMAP record: an out-of-schedule poll order (extOrder), honoured even when Disabled.</summary>
public sealed record RimapOrderPlaced(string Name, DateTimeOffset Order) : IAccountEvent;
