using System.Collections.Immutable;
using RemotePoll.Cluster.Serialization;
using RemotePoll.Core.Accounts;
using RemotePoll.Core.Records;
using RemotePoll.Core.Ledgers;
using RemotePoll.Core.Mirrors;
using RemotePoll.Core.Settings;
using RemotePoll.Core.Unified;

namespace RemotePoll.Cluster.Accounts;

/// <summary>
/// The persisted and transferred form of <see cref="AccountState"/>: plain lists, so the case-insensitive
/// dictionaries are rebuilt by the domain rather than guessed by a serializer.
/// </summary>
public sealed record AccountSnapshot(
    string Address,
    AccountSettings Settings,
    IReadOnlyList<RpopRecord> Rpop,
    IReadOnlyList<RimapRecord> Rimap,
    IReadOnlyList<AccountSnapshot.StatusEntry> Status,
    IReadOnlyList<AccountSnapshot.LedgerEntry> Ledgers,
    IReadOnlyList<AccountSnapshot.MarkEntry> Marks,
    IReadOnlyList<AccountSnapshot.UnifiedEntry>? Unified = null) : IClusterMessage
{
    public static AccountSnapshot From(AccountState s) =>
        new(s.Address, s.Settings, s.Rpop.Values.ToList(), s.Rimap.Values.ToList(), s.Status.Select(x => new StatusEntry(x.Key, x.Value)).ToList(),
            s.Ledgers.Select(x => new LedgerEntry(x.Key, x.Value.Delivered.ToList(), x.Value.Rejected.ToList(),
                x.Value.InFlight.Select(e => new InFlightDelivery(e.Key, e.Value)).ToList(),
                x.Value.Sizes.Count == 0 ? null : x.Value.Sizes)).ToList(),
            s.Marks.SelectMany(r => r.Value.Select(f => new MarkEntry(r.Key, f.Key, f.Value))).ToList(),
            s.UnifiedLedgers.Select(x => new UnifiedEntry(x.Key,
                x.Value.Seen.Select(e => new TimedKey(e.Key, e.Value)).ToList(),
                x.Value.Progress.Select(e => new TimedKey(e.Key, e.Value)).ToList())).ToList());

    public AccountState ToState()
    {
        var empty = AccountState.Empty(Address);
        return empty with
        {
            Settings = Settings,
            Rpop = empty.Rpop.AddRange(Rpop.Select(r => KeyValuePair.Create(r.Name, r))),
            Rimap = empty.Rimap.AddRange(Rimap.Select(r => KeyValuePair.Create(r.Name, r))),
            Status = empty.Status.AddRange(Status.Select(x => KeyValuePair.Create(x.Key, x.Status))),
            Ledgers = empty.Ledgers.AddRange((Ledgers ?? []).Select(x => KeyValuePair.Create(x.Name,
                UidLedger.Empty.Apply(new LedgerChange(x.Delivered, x.Rejected, []) { Sizes = x.Sizes }).Start(x.InFlight ?? [])))),
            Marks = empty.Marks.AddRange((Marks ?? []).GroupBy(m => m.Name, AccountState.NameComparer).Select(g => KeyValuePair.Create(g.Key,
                ImmutableDictionary.CreateRange(StringComparer.Ordinal, g.Select(m => KeyValuePair.Create(m.Folder, m.Mark)))))),
            UnifiedLedgers = empty.UnifiedLedgers.AddRange((Unified ?? []).Select(x => KeyValuePair.Create(x.Name, new UnifiedLedger(
                UnifiedLedger.Empty.Seen.AddRange(x.Seen.Select(e => KeyValuePair.Create(e.Key, e.At))),
                UnifiedLedger.Empty.Progress.AddRange(x.Progress.Select(e => KeyValuePair.Create(e.Key, e.At))))))),
        };
    }

    /// <summary>One record's status under its key ("rpop/NAME", "rimap/NAME").</summary>
    public sealed record StatusEntry(string Key, RecordStatus Status);

    /// <summary>
    /// One RPOP record's UID ledger, with the deliveries in flight and the recorded messages' sizes (each absent in
    /// snapshots written before it).
    /// </summary>
    public sealed record LedgerEntry(string Name, IReadOnlyList<string> Delivered, IReadOnlyList<string> Rejected,
        IReadOnlyList<InFlightDelivery>? InFlight = null, IReadOnlyDictionary<string, long>? Sizes = null);

    /// <summary>One RPOP record's duplicate and progress ledger (Unified Domain-Wide Accounts).</summary>
    public sealed record UnifiedEntry(string Name, IReadOnlyList<TimedKey> Seen, IReadOnlyList<TimedKey> Progress);

    /// <summary>A ledger key and when it was recorded.</summary>
    public sealed record TimedKey(string Key, DateTimeOffset At);

    /// <summary>How far one remote folder of one RIMAP record is mirrored.</summary>
    public sealed record MarkEntry(string Name, string Folder, FolderMark Mark);
}
