using RemotePoll.Core.Accounts;
using RemotePoll.Core.Accounts.Commands;
using RemotePoll.Core.Accounts.Events;
using RemotePoll.Core.Records;

namespace RemotePoll.Core.Tests.Accounts;

/// <summary>Drives an <see cref="AccountState"/> as the entity does: Process, then Apply every event.</summary>
internal static class AccountFixture
{
    public const string Alice = "alice@example.com";
    public const string Postmaster = "postmaster@example.com";
    public const string Secret = "pop-Secret-1";
    public static readonly DateTimeOffset Now = new(2026, 5, 1, 9, 30, 0, TimeSpan.Zero);

    public static AccountContext Context(string? mainDomain = "example.com") => new(Now, mainDomain, TestSealers.Create());

    public static RpopRecordChange Rpop(string name, string? password = Secret) =>
        new(name) { Every = "10m", AuthName = "alice", Host = "pop.example.net", Password = password };

    public static RimapRecordChange Rimap(string name, string? password = Secret) =>
        new(name) { Every = "10m", AuthName = "alice", Host = "imap.example.net", Password = password };

    public static (AccountState State, IReadOnlyList<IAccountEvent> Events) Run(
        this AccountState state, IAccountCommand command, AccountContext? ctx = null)
    {
        var events = state.Process(command, ctx ?? Context());
        return (events.Aggregate(state, (s, e) => s.Apply(e)), events);
    }

    public static AccountState With(this AccountState state, params RpopRecordChange[] changes) =>
        changes.Aggregate(state, (s, c) => s.Run(new SetRpopRecord(s.Address, c)).State);

    public static AccountState With(this AccountState state, params RimapRecordChange[] changes) =>
        changes.Aggregate(state, (s, c) => s.Run(new SetRimapRecord(s.Address, c)).State);
}
