using System.Globalization;
using RemotePoll.Core.Records;
using RemotePoll.Core.Validation;

namespace RemotePoll.Core.Settings;

/// <summary>
/// The server-wide Remote Poll settings (spec, top section). Defaults: Log Major (the spec's usual level),
/// Processes 10, Use APOP on, source address chosen by the OS, Use Domain IP Addresses off, Delay Failed Hosts 5m,
/// Delay Failed Account 15m, Allow Self-Poll off; records of account users may not target private addresses and poll
/// at most every 5 minutes. Push connections (issue 20) are a separate cluster-wide cap, 0 (push off) by default.
/// </summary>
public sealed record ModuleSettings(
    PollLogLevel Log = PollLogLevel.Major,
    int Processes = 10,
    bool UseApop = true,
    string? SourceIp = null,
    bool UseDomainIps = false,
    TimeSpan? DelayFailedHosts = null,
    TimeSpan? DelayFailedAccount = null,
    bool AllowSelfPoll = false,
    bool AllowUserPrivateTargets = false,
    TimeSpan? UserMinPollEvery = null,
    int PushConnections = 0)
{
    public const int MaxProcesses = 10_000;
    public static readonly ModuleSettings Default = new();

    public TimeSpan DelayFailedHostsOrDefault => DelayFailedHosts ?? TimeSpan.FromMinutes(5);
    public TimeSpan DelayFailedAccountOrDefault => DelayFailedAccount ?? TimeSpan.FromMinutes(15);
    /// <summary>The shortest Poll Every of a record created or changed by an account user.</summary>
    public TimeSpan UserMinPollEveryOrDefault => UserMinPollEvery ?? TimeSpan.FromMinutes(5);

    /// <summary>The keys of <c>rpoll module set</c>, in the spec's words.</summary>
    public static readonly IReadOnlyList<string> Keys =
        ["log", "processes", "use-apop", "source-ip", "use-domain-ips", "delay-failed-hosts", "delay-failed-account", "allow-self-poll",
         "allow-user-private-targets", "user-min-poll-every", "push-connections"];

    /// <summary>The settings with one key changed; throws <see cref="ValidationException"/> naming the key and reason.</summary>
    public ModuleSettings With(string key, string value)
    {
        var v = value.Trim();
        switch (key.Trim().ToLowerInvariant())
        {
            case "log":
                return this with { Log = ParseLogLevel(v) ?? throw new ValidationException(key,
                    $"'{value}' is not one of {string.Join(", ", Enum.GetValues<PollLogLevel>().Select(LogLevelWord))}") };
            case "processes":
                return this with { Processes = Count(key, value) };
            case "push-connections": return this with { PushConnections = Count(key, value) };
            case "use-apop": return this with { UseApop = Bool(key, v) };
            case "use-domain-ips": return this with { UseDomainIps = Bool(key, v) };
            case "allow-self-poll": return this with { AllowSelfPoll = Bool(key, v) };
            case "allow-user-private-targets": return this with { AllowUserPrivateTargets = Bool(key, v) };
            case "user-min-poll-every": return this with { UserMinPollEvery = Delay(key, v) };
            case "source-ip":
                if (v.Equals("auto", StringComparison.OrdinalIgnoreCase) || v.Length == 0) return this with { SourceIp = null };
                if (IpAddressText.Parse(v) is not { } ip) throw new ValidationException(key, $"'{value}' is neither 'auto' nor an IP address");
                return this with { SourceIp = ip.ToString() };
            case "delay-failed-hosts": return this with { DelayFailedHosts = Delay(key, v) };
            case "delay-failed-account": return this with { DelayFailedAccount = Delay(key, v) };
            default:
                throw new ValidationException(key, $"is not a module setting; the keys are {string.Join(", ", Keys)}");
        }
    }

    /// <summary>The settings as key/value text pairs, in the order of <see cref="Keys"/>.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ToPairs() =>
    [
        new("log", LogLevelWord(Log)),
        new("processes", Processes.ToString(CultureInfo.InvariantCulture)),
        new("use-apop", YesNo(UseApop)),
        new("source-ip", SourceIp ?? "auto"),
        new("use-domain-ips", YesNo(UseDomainIps)),
        new("delay-failed-hosts", PollPeriod.Every(DelayFailedHostsOrDefault).ToString()),
        new("delay-failed-account", PollPeriod.Every(DelayFailedAccountOrDefault).ToString()),
        new("allow-self-poll", YesNo(AllowSelfPoll)),
        new("allow-user-private-targets", YesNo(AllowUserPrivateTargets)),
        new("user-min-poll-every", PollPeriod.Every(UserMinPollEveryOrDefault).ToString()),
        new("push-connections", PushConnections.ToString(CultureInfo.InvariantCulture)),
    ];

    public static string LogLevelWord(PollLogLevel l) => l switch
    {
        PollLogLevel.CrashesOnly => "crashes-only",
        PollLogLevel.Failures => "failures",
        PollLogLevel.Major => "major",
        PollLogLevel.Problems => "problems",
        PollLogLevel.LowLevel => "low-level",
        _ => "all-info",
    };

    /// <summary>Parses the spec's level names, with or without spaces/dashes ("Low-Level", "all info").</summary>
    public static PollLogLevel? ParseLogLevel(string text) =>
        text.ToLowerInvariant().Replace(" ", "").Replace("-", "").Replace("_", "") switch
        {
            "crashesonly" or "crashes" => PollLogLevel.CrashesOnly,
            "failures" => PollLogLevel.Failures,
            "major" => PollLogLevel.Major,
            "problems" => PollLogLevel.Problems,
            "lowlevel" => PollLogLevel.LowLevel,
            "allinfo" or "all" => PollLogLevel.AllInfo,
            _ => null,
        };

    private static string YesNo(bool b) => b ? "yes" : "no";

    private static bool Bool(string key, string v) => v.ToLowerInvariant() switch
    {
        "yes" or "true" or "on" or "1" => true,
        "no" or "false" or "off" or "0" => false,
        _ => throw new ValidationException(key, $"'{v}' is not yes or no"),
    };

    private static int Count(string key, string value) =>
        int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= MaxProcesses
            ? n
            : throw new ValidationException(key, $"'{value}' is not a whole number from 0 to {MaxProcesses}");

    private static TimeSpan Delay(string key, string v)
    {
        var t = PollPeriod.TryParseDuration(v, out var reason) ?? throw new ValidationException(key, reason!);
        if (t < PollPeriod.Minimum || t > PollPeriod.Maximum) throw new ValidationException(key, $"'{v}' is outside 1s..30d");
        return t;
    }
}
