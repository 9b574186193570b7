using System.Collections.Immutable;
using RemotePoll.Core.Accounts;
using RemotePoll.Core.Ledgers;
using RemotePoll.Core.Mirrors;
using RemotePoll.Core.Records;
using RemotePoll.Core.Unified;

namespace RemotePoll.Cluster.Polling;

/// <summary>
/// A record's ledgers as its account entity last persisted them (all immutable): the UID and duplicate ledgers of an RPOP
/// record, the folder marks of an RIMAP one. The entity hands them to the poller whenever they change, so a poll starts
/// from the ones it holds instead of asking its parent (issue 19.1).
/// </summary>
public sealed record RecordLedgers(UidLedger Uids, UnifiedLedger Unified, ImmutableDictionary<string, FolderMark> Marks)
{
    public static RecordLedgers Of(AccountState state, RecordKind kind, string name) => kind == RecordKind.Rpop
        ? new(state.LedgerOf(name), state.UnifiedLedgerOf(name), NoMarks)
        : new(UidLedger.Empty, UnifiedLedger.Empty, state.MarksOf(name));

    private static readonly ImmutableDictionary<string, FolderMark> NoMarks = ImmutableDictionary.Create<string, FolderMark>(StringComparer.Ordinal);
}
