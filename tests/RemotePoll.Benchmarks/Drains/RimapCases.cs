namespace RemotePoll.Benchmarks.Drains;

/// <summary>
/// The RIMAP mirror (5 folders into MaildirStore) is measured once <c>RemotePoll.Mail.Rimap.RimapMirror</c> exists on
/// this branch; until then its row says so, next to the IMAP limit it will be compared with.
/// </summary>
internal static class RimapCases
{
    public const string Name = "rimap-maildir";

    public static BenchmarkCase NotYet(BenchContext context) => new(Name, false,
        $"RIMAP mirror of {context.Options.Folders} folders into MaildirStore", Limits.LimitCases.ImapFsyncBatch, null,
        "not measured yet: src/RemotePoll.Mail/Rimap/RimapMirror.cs is not on this branch");
}
