using System.Globalization;
using System.Text;
using RemotePoll.Core.Admin;

namespace RemotePoll.Cli;

/// <summary>Renders admin replies: aligned tables for people, JSON for scripts. Never a password: replies carry none.</summary>
public static class Output
{
    public static string Render(IAdminResult result, CliView view, bool json)
    {
        object shown = (result, view) switch
        {
            (AccountView a, CliView.RpopRecords) => a.Rpop,
            (AccountView a, CliView.RimapRecords) => a.Rimap,
            _ => result,
        };
        if (json) return CliJson.Render(shown);
        return shown switch
        {
            Done d => d.Message,
            IssuedToken t => t.Token,
            CallerView c => $"role: {c.Role}\ndomain: {c.Domain ?? "-"}\naccount: {c.Account ?? "-"}\ntoken: {c.TokenId}, expires {Time(c.Expires)}",
            CgpText t => t.Text,
            ModuleSettingsView m => Table(["KEY", "VALUE"], m.Settings.ToPairs().Select(p => new[] { p.Key, p.Value })) +
                (m.PushHeld is { } held ? $"\npush connections held: {held}/{m.Settings.PushConnections} (cluster-wide)" : ""),
            DomainsView d => Table(["DOMAIN", "MAIN", "ASSIGNED IPS"], d.Domains.Select(x => new[] { x.Name, x.IsMain ? "yes" : "no", string.Join(",", x.AssignedIps) })),
            ClusterView c => $"self: {c.SelfAddress}\nleader: {c.Leader ?? "-"}\n" +
                Table(["ADDRESS", "STATUS", "REACHABLE", "ROLES"], c.Members.Select(m => new[] { m.Address, m.Status, m.Reachable ? "yes" : "no", string.Join(",", m.Roles) })),
            RegionStatsView r => Table(["NODE", "SHARD", "ACCOUNTS"], r.Rows.Select(x => new[] { x.Node, x.Shard, x.Accounts.ToString(CultureInfo.InvariantCulture) })),
            PollReport p => Poll(p),
            NodeStatsView n => NodeStatsText(n),
            OAuthProvidersView { Providers.Count: 1 } o => OAuthProviderText(o.Providers[0]),
            OAuthProvidersView o => Table(["NAME", "KIND", "GRANT", "CLIENT ID", "CLIENT SECRET", "TOKEN ENDPOINT", "SCOPES"],
                o.Providers.Select(p => new[] { p.Name, p.Kind, p.Grant, p.ClientId, p.HasClientSecret ? "(sealed)" : "-", p.TokenEndpoint, p.Scopes })),
            HostsView h => Table(["HOST", "FAILED SINCE", "UNTIL", "REASON"], h.Hosts.Select(x => new[] { x.Host, Time(x.Since), Time(x.Until), x.Reason })),
            IReadOnlyList<RpopRecordView> rpop => RpopTable(rpop),
            IReadOnlyList<RimapRecordView> rimap => RimapTable(rimap),
            AccountView a => $"account: {a.Address}\nCanModifyRPOP: {(a.CanModifyRpop ? "yes" : "no")}\n\nRPOP records:\n{RpopTable(a.Rpop)}\n\nRIMAP records:\n{RimapTable(a.Rimap)}",
            _ => CliJson.Render(shown),
        };
    }

    /// <summary>A count and its noun in agreement: "1 message", "0 messages", "2 messages".</summary>
    public static string Count(long n, string noun) => CountText.Of(n, noun);

    public static string RenderError(AdminReply reply, bool json) =>
        json ? CliJson.Render(new CliError(reply.Error ?? "error", reply.FieldErrors ?? [])) : reply.Error ?? "error";

    /// <summary>The --json form of a refusal: the one-line reason and the field errors behind it.</summary>
    private sealed record CliError(string Error, IReadOnlyList<Core.Validation.FieldError> Fields);

    /// <summary>One provider, key by key; the client secret only as stored or not.</summary>
    private static string OAuthProviderText(OAuthProviderView p) => Table(["KEY", "VALUE"],
    [
        ["name", p.Name], ["kind", p.Kind], ["grant", p.Grant], ["client id", p.ClientId], ["client secret", p.HasClientSecret ? "(sealed)" : "-"],
        ["tenant", p.Tenant ?? "-"], ["authorization endpoint", p.AuthorizationEndpoint.Length == 0 ? "-" : p.AuthorizationEndpoint],
        ["token endpoint", p.TokenEndpoint], ["device endpoint", p.DeviceAuthorizationEndpoint ?? "-"],
        ["revocation endpoint", p.RevocationEndpoint ?? "-"], ["scopes", p.Scopes],
    ]);

    private static string NodeStatsText(NodeStatsView n)
    {
        string Ms(IReadOnlyList<long> counts, double q) => NodeStatsView.Quantile(n.LatenessBoundsMs, counts, q) switch
        {
            null => "-",
            double.PositiveInfinity => $"> {n.LatenessBoundsMs[^1].ToString(CultureInfo.InvariantCulture)} ms",
            var v => $"<= {v.Value.ToString(CultureInfo.InvariantCulture)} ms",
        };
        string Row(string what, IReadOnlyList<long> c) => $"{what}: {Count(c.Sum(), "poll")}, p50 {Ms(c, 0.5)}, p99 {Ms(c, 0.99)}, max {Ms(c, 1)}";
        return $"node: {n.Node}\naccounts scheduled: {n.ScheduledAccounts}\npollers: {n.Pollers}\nscheduled polls started: {n.ScheduledPollsStarted}\n" +
            Row("lateness at the timer", n.TimerLatenessCounts) + "\n" + Row("lateness at connect (timer + permit wait)", n.StartLatenessCounts) + "\n" +
            $"push connections held here: {n.PushHeld} (push-connections, cluster-wide: {n.PushLimit})\n" +
            $"working set: {n.WorkingSetBytes / 1048576.0:0.0} MiB, managed heap: {n.ManagedHeapBytes / 1048576.0:0.0} MiB";
    }

    private static string Poll(PollReport p)
    {
        var head = p.Ok
            ? $"{p.Kind} {p.Account}/{p.Name}: {Count(p.Messages, "message")}, {Count(p.Bytes, "byte")} in {(p.Ended - p.Started).TotalSeconds:0.0} s"
            : $"{p.Kind} {p.Account}/{p.Name}: failed after {Count(p.Messages, "message")}, {Count(p.Bytes, "byte")}: {p.ErrorKind}: {p.Error}";
        if (p.Ok && p.LeftOnServer > 0) head += $"; {p.LeftOnServer} left on the server";
        return p.Folders.Count == 0 ? head
            : head + "\n" + Table(["FOLDER", "MESSAGES", "BYTES", "NOTE"], p.Folders.Select(f => new[]
                { f.Folder, f.Messages.ToString(CultureInfo.InvariantCulture), f.Bytes.ToString(CultureInfo.InvariantCulture), f.Note ?? "" }));
    }

    // RPOP and RIMAP alike (and the web pages): LAST is the time of the last successful poll, ERROR the last attempt's failure.
    private static string RpopTable(IReadOnlyList<RpopRecordView> records) =>
        Table(["NAME", "EVERY", "ACCOUNT", "HOST", "LEAVE", "APOP", "TLS", "MAILBOX", "SPECIAL", "LAST", "ERROR", "TLS TRUST", "BY USER", "SIGN-IN"],
            records.Select(r => new[]
            {
                r.Name, Every(r), r.AuthName, r.Host, YesNo(r.Leave), YesNo(r.Apop), r.Tls ? "yes" : r.StartTls ? "starttls" : "no", r.Mailbox ?? "-", r.Special ?? "-",
                Last(r.Last), Error(r.Error, r.ErrorKind), r.TlsTrust, YesNo(r.ByAccountUser), r.OAuth?.Describe() ?? "password",
            }));

    private static string RimapTable(IReadOnlyList<RimapRecordView> records) =>
        Table(["NAME", "EVERY", "ACCOUNT", "HOST", "SECURITY", "AUTH", "FILTER", "TRY NOW", "LAST", "ERROR", "TLS TRUST", "BY USER", "PUSH", "SYNC FLAGS"],
            records.Select(r => new[]
            {
                r.Name, r.Every, r.AuthName, r.Host, r.Security, r.OAuth?.Describe() ?? r.AuthMethod, r.Filter ?? "-", r.ExtOrder is { } o ? Time(o) : "-",
                Last(r.Last), Error(r.Error, r.ErrorKind), r.TlsTrust, YesNo(r.ByAccountUser), YesNo(r.Push), YesNo(r.SyncFlags),
            }));

    /// <summary>Poll Every, and the server's LOGIN-DELAY when it holds polls further apart: "10m (login-delay 15m)".</summary>
    private static string Every(RpopRecordView r) =>
        r.LoginDelay is { } delay && r.EffectiveEvery is { } effective && effective != r.Every ? $"{r.Every} (login-delay {delay})" : r.Every;

    /// <summary>Last: the time of the last successful poll (spec); "never" before the first.</summary>
    private static string Last(DateTimeOffset? last) => last is { } l ? Time(l) : "never";

    /// <summary>Error: why the last attempt failed (spec, RIMAP Error; the RPOP Last's error code); "-" when it did not.</summary>
    private static string Error(string? error, string? kind) => error is null ? "-" : $"{kind}: {error}";

    private static string Time(DateTimeOffset t) => t.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string YesNo(bool b) => b ? "yes" : "no";

    private static string Table(string[] header, IEnumerable<string[]> rows) => TextTable.Render(header, rows);
}
