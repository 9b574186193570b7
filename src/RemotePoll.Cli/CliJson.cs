using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using RemotePoll.Core.Admin;

namespace RemotePoll.Cli;

/// <summary>
/// What <c>--json</c> prints: rpoll's own documented shape (README, "rpoll --json"), not the wire format. camelCase;
/// times as ISO 8601 with their offset; absent values as null. Record lists, <c>account show</c>, <c>module show</c> and
/// <c>node stats</c> are written from the shapes below, so a change to the admin protocol's records or to the
/// serializer does not change them; other replies print their fields, camelCase.
/// </summary>
public static class CliJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        // for a terminal and scripts, not a web page: 'bogus' and é as they are, not \u0027 and \u00E9
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Render(object shown)
    {
        var shape = Shape(shown);
        return JsonSerializer.Serialize(shape, shape.GetType(), Options);
    }

    private static object Shape(object shown) => shown switch
    {
        IReadOnlyList<RpopRecordView> rpop => rpop.Select(RpopRecordJson.Of).ToList(),
        IReadOnlyList<RimapRecordView> rimap => rimap.Select(RimapRecordJson.Of).ToList(),
        AccountView a => new AccountJson(a.Address, a.CanModifyRpop, a.Rpop.Select(RpopRecordJson.Of).ToList(), a.Rimap.Select(RimapRecordJson.Of).ToList()),
        // module show: the keys and values `module set` takes ("delay-failed-hosts" is delayFailedHosts)
        // and, when the push governor answered, the push connections held cluster-wide (not a setting: read-only)
        ModuleSettingsView m => ModuleJson(m),
        NodeStatsView n => new NodeStatsJson(n.Node, n.ScheduledAccounts, n.Pollers, n.ScheduledPollsStarted, n.LatenessBoundsMs,
            n.TimerLatenessCounts, n.StartLatenessCounts, n.PushHeld, n.PushLimit, n.WorkingSetBytes, n.ManagedHeapBytes),
        _ => shown,
    };

    private static Dictionary<string, string> ModuleJson(ModuleSettingsView m)
    {
        var pairs = m.Settings.ToPairs().ToDictionary(p => CamelCase(p.Key), p => p.Value);
        if (m.PushHeld is { } held) pairs["pushConnectionsHeld"] = held.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return pairs;
    }

    private static string CamelCase(string dashed)
    {
        var parts = dashed.Split('-');
        return parts[0] + string.Concat(parts.Skip(1).Select(p => p.Length == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..]));
    }

    public sealed record AccountJson(string Address, bool CanModifyRpop, IReadOnlyList<RpopRecordJson> Rpop, IReadOnlyList<RimapRecordJson> Rimap);

    /// <summary>An OAuth2 record's sign-in; null for a password record.</summary>
    public sealed record SignInJson(string Provider, bool Connected, string? ConnectedAs, DateTimeOffset? ConnectedAt)
    {
        public static SignInJson? Of(OAuthSignInView? v) => v is null ? null : new(v.Provider, v.Connected, v.ConnectedAs, v.ConnectedAt);
    }

    /// <summary>One RPOP record as <c>rpop list</c> shows it; <see cref="Tls"/> is "yes", "starttls" or "no".</summary>
    public sealed record RpopRecordJson(string Name, string Every, string? LoginDelay, string? EffectiveEvery, string AuthName, string Host,
        bool HasPassword, bool Leave, bool Apop, string Tls, string? Mailbox, string? Special, DateTimeOffset? Last, string? Error,
        string? ErrorKind, string TlsTrust, bool ByAccountUser, SignInJson? SignIn)
    {
        public static RpopRecordJson Of(RpopRecordView r) => new(r.Name, r.Every, r.LoginDelay, r.EffectiveEvery, r.AuthName, r.Host,
            r.HasPassword, r.Leave, r.Apop, r.Tls ? "yes" : r.StartTls ? "starttls" : "no", r.Mailbox, r.Special, r.Last, r.Error,
            r.ErrorKind, r.TlsTrust, r.ByAccountUser, SignInJson.Of(r.OAuth));
    }

    /// <summary>One RIMAP record as <c>rimap list</c> shows it; <see cref="TryNow"/> is the pending Try Now order's time.</summary>
    public sealed record RimapRecordJson(string Name, string Every, string AuthName, string Host, bool HasPassword, string Security,
        string AuthMethod, string? Filter, DateTimeOffset? TryNow, DateTimeOffset? Last, string? Error, string? ErrorKind, string TlsTrust,
        bool ByAccountUser, bool Push, bool SyncFlags, SignInJson? SignIn)
    {
        public static RimapRecordJson Of(RimapRecordView r) => new(r.Name, r.Every, r.AuthName, r.Host, r.HasPassword, r.Security,
            r.AuthMethod, r.Filter, r.ExtOrder, r.Last, r.Error, r.ErrorKind, r.TlsTrust, r.ByAccountUser, r.Push, r.SyncFlags,
            SignInJson.Of(r.OAuth));
    }

    /// <summary><c>node stats</c>: the lateness histograms as counts per bucket, bucket i ending at latenessBoundsMs[i] (the last unbounded).</summary>
    public sealed record NodeStatsJson(string Node, int ScheduledAccounts, int Pollers, long ScheduledPollsStarted, IReadOnlyList<double> LatenessBoundsMs,
        IReadOnlyList<long> TimerLatenessCounts, IReadOnlyList<long> StartLatenessCounts, int PushHeld, int PushLimit, long WorkingSetBytes,
        long ManagedHeapBytes);
}
