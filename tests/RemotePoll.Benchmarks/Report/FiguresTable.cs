using System.Globalization;
using System.Text;
using RemotePoll.Benchmarks.Drains;
using RemotePoll.Benchmarks.Limits;
using RemotePoll.Benchmarks.Peers;

namespace RemotePoll.Benchmarks.Report;

/// <summary>The figures of one run as Markdown: the header, one row per case, and the targets checked against the limits of the same run.</summary>
internal static class FiguresTable
{
    private const double Target = 0.8;
    private const double Mbsync = 2000;

    public static string Render(RunEnvironment env, BenchmarkOptions options, IReadOnlyList<CaseFigures> figures, string command)
    {
        var byName = figures.ToDictionary(f => f.Case.Name, StringComparer.Ordinal);
        var sb = new StringBuilder();
        void Line(FormattableString s) => sb.AppendLine(s.ToString(CultureInfo.InvariantCulture));

        Line($"Taken on a **shared machine** (other engineers' builds and tests were running): absolute values move from run to run; the ratios are the figures to read. A ratio is the median over the rounds of (this case's run / its limit's run in the same round, seconds apart).");
        sb.AppendLine();
        Line($"| | |");
        Line($"|---|---|");
        Line($"| date | {env.Date:yyyy-MM-dd HH:mm} UTC |");
        Line($"| cores (Environment.ProcessorCount) | {env.Cores} |");
        Line($"| .NET | {env.Dotnet} |");
        Line($"| Dovecot | {env.Dovecot} (on tmpfs, mail_fsync=never, pop3_no_flag_updates=yes) |");
        Line($"| MailKit | {env.MailKit} |");
        Line($"| kernel | Linux {env.Kernel} |");
        Line($"| durable files on | {env.Disk} |");
        Line($"| load average (1, 5, 15 min) | {env.LoadAtStart} at the start, {env.LoadAtEnd} at the end |");
        Line($"| runs | median of {options.Runs}, after one warm-up run of {options.WarmUpMessages} messages; {options.Messages} messages of {options.Size} bytes per case (IMAP: {options.Folders} folders × {options.Messages / options.Folders}); batches of {options.BatchSize} |");
        Line($"| command | `{command}` |");
        sb.AppendLine();
        Line($"| case | messages | median s | msg/s | runs' range msg/s | MB/s | CPU s / 1000 msgs | × limit | where the time went (median s) |");
        Line($"|---|---:|---:|---:|---:|---:|---:|---|---|");
        foreach (var f in figures)
        {
            if (!f.HasFigures)
            {
                Line($"| {f.Case.Name} | | | | | | | | {(f.Failure ?? "not measured").Replace("|", "\\|")} |");
                continue;
            }
            var ratio = f.Case.IsLimit ? "(limit)" : string.Join("; ", new[] { f.Case.Limit, f.Case.AlsoComparedWith, f.Case.Peer }
                .OfType<string>().Where(n => byName.TryGetValue(n, out var l) && l.HasFigures)
                .Select((n, i) => FormattableString.Invariant($"{(i == 0 ? "**" : "")}{f.RatioTo(byName[n]):0.00}{(i == 0 ? "**" : "")} × {n}")));
            var stages = string.Join(", ", f.Stages.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Stage} {s.Median.TotalSeconds:0.00}")))
                + string.Concat(f.Notes.Select(n => $" ({n})"));
            var mb = f.Bytes == 0 ? "–" : f.MegabytesPerSecond.ToString("0.0", CultureInfo.InvariantCulture);
            Line($"| {f.Case.Name} | {f.Messages} | {f.Elapsed.TotalSeconds:0.00} | {f.MessagesPerSecond:0} | {f.SlowestMessagesPerSecond:0}–{f.FastestMessagesPerSecond:0} | {mb} | {f.CpuPerThousand:0.00} | {ratio} | {stages} |");
        }
        sb.AppendLine();
        Line($"Targets (checked against the limits of this run):");
        sb.AppendLine();
        foreach (var limit in new[] { LimitCases.Pop3FsyncBatch, LimitCases.Pop3SyncfsBatch })
        {
            Verdict(RpopCases.Maildir, limit, "One-account POP3 drain into a durable Maildir");
            Verdict(RpopCases.MaildirLeave, limit, "The same in Leave mode");
            Verdict(RpopCases.MaildirTls, limit, "The same over POP3S");
            Verdict(RpopCases.MaildirJournal, limit, "The same with an fsynced journal write per batch");
            Verdict(Drains.NodeCase.Name, limit, "End to end through a node (TLS, SQLite journal, CLI included)");
        }
        Verdict(RpopCases.MaildirTls, LimitCases.Pop3TlsFsyncBatch, "The same over POP3S, against the minimal client over POP3S");
        foreach (var limit in new[] { LimitCases.ImapFsyncBatch, LimitCases.ImapSyncfsBatch })
        {
            Verdict(RimapCases.Name, limit, "RIMAP mirror into a durable Maildir");
            Verdict(Drains.NodeCase.RimapName, limit, "RIMAP end to end through a node (SQLite journal, CLI included)");
        }
        Verdict(RpopCases.Lmtp, LimitCases.LmtpSessions, "POP3 drain into Dovecot over LMTP (issue #18)");
        Verdict(RpopCases.LmtpTls, LimitCases.LmtpSessions, "The same over POP3S");
        foreach (var name in new[] { RpopCases.Lmtp, RpopCases.LmtpTls })
        {
            if (!byName.TryGetValue(name, out var r) || !r.HasFigures
                || !byName.TryGetValue(FetchmailCases.Lmtp, out var peer) || !peer.HasFigures) continue;
            var ratio = r.RatioTo(peer);
            Line($"- `{name}` against fetchmail's LMTP drain of the same mailbox in the same rounds (`{FetchmailCases.Lmtp}`, issue #18's bar of 5×): {r.MessagesPerSecond:0} vs {peer.MessagesPerSecond:0} msg/s (medians), round by round {ratio:0.00}×: **{(ratio >= 5 ? "met" : "missed")}**.");
        }
        Verdict(RimapCases.ImapStore, LimitCases.ImapAppend, "RIMAP mirror into Dovecot over IMAP (issue #18), against the minimal APPEND client");
        if (byName.TryGetValue(RimapCases.ImapStore, out var store) && store.HasFigures && byName.TryGetValue(MbsyncCases.Imap, out var mbsyncImap) && mbsyncImap.HasFigures)
        {
            var ratio = store.RatioTo(mbsyncImap);
            Line($"- `{RimapCases.ImapStore}` against mbsync IMAP to IMAP in the same rounds (`{MbsyncCases.Imap}`, issue #18's bar of 2×): {store.MessagesPerSecond:0} vs {mbsyncImap.MessagesPerSecond:0} msg/s (medians), round by round {ratio:0.00}×: **{(ratio >= 2 ? "met" : "missed")}**.");
        }
        foreach (var name in new[] { RimapCases.Name, RimapCases.Tmpfs, Drains.NodeCase.RimapName })
        {
            if (!byName.TryGetValue(name, out var r) || !r.HasFigures) continue;
            var peerName = r.Case.Peer ?? MbsyncCases.Name;
            if (byName.TryGetValue(peerName, out var peer) && peer.HasFigures)
            {
                var ratio = r.RatioTo(peer);
                Line($"- `{name}` against mbsync doing the same job in the same rounds (`{peerName}`, issue #4's bar): {r.MessagesPerSecond:0} vs {peer.MessagesPerSecond:0} msg/s (medians), round by round {ratio:0.00}×: **{(ratio >= 1 ? "above" : "below")}**.");
            }
            else if (name != RimapCases.Tmpfs)
            {
                Line($"- `{name}` against mbsync's ~{Mbsync} msg/s claimed for this kind of machine (issue #4's bar; mbsync not measured in this run): {r.MessagesPerSecond:0} msg/s, **{(r.MessagesPerSecond >= Mbsync ? "above" : "below")}** ({r.MessagesPerSecond / Mbsync:0.00}×).");
            }
        }
        return sb.ToString();

        void Verdict(string name, string limitName, string what)
        {
            if (!byName.TryGetValue(limitName, out var limit) || !limit.HasFigures) return;
            if (!byName.TryGetValue(name, out var f)) return;
            if (!f.HasFigures)
            {
                Line($"- {what} (`{name}`): **not measured** ({f.Failure}). Target: ≥ 80% of `{limitName}`, {limit.MessagesPerSecond:0} msg/s in this run.");
                return;
            }
            var r = f.RatioTo(limit);
            var verdict = r >= Target
                ? $"**met** ({r * 100:0}% of the limit)"
                : $"**missed** by {(Target - r) * 100:0} points ({r * 100:0}% of the limit)";
            Line($"- {what} (`{name}`): {f.MessagesPerSecond:0} msg/s vs `{limitName}` {limit.MessagesPerSecond:0} msg/s (medians); target ≥ 80% of the limit, round by round: {verdict}.");
        }
    }
}
