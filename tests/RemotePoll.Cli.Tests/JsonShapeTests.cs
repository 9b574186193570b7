using RemotePoll.Cli;
using RemotePoll.Core.Admin;
using RemotePoll.Core.Settings;

namespace RemotePoll.Cli.Tests;

/// <summary>
/// <c>--json</c> has rpoll's own shape, documented in the README ("rpoll --json"), not the wire format's: these pin it
/// for a record list, <c>module show</c> and <c>node stats</c>, so a change to either is a decision, not an accident.
/// </summary>
public sealed class JsonShapeTests
{
    private static readonly DateTimeOffset T = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_rpop_list_prints_each_record_with_its_documented_names()
    {
        var record = new RpopRecordView("home", "10m", "john", "pop.example.com:995", true, false, true, false, null, null,
            T, "cannot resolve", "ConnectionFailed", LoginDelay: "15m", EffectiveEvery: "15m", StartTls: true,
            OAuth: new OAuthSignInView("google", true, "john@gmail.com", T));
        var account = new AccountView("a@b.c", false, [record], []);

        Assert.Equal("""
            [
              {
                "name": "home",
                "every": "10m",
                "loginDelay": "15m",
                "effectiveEvery": "15m",
                "authName": "john",
                "host": "pop.example.com:995",
                "hasPassword": true,
                "leave": false,
                "apop": true,
                "tls": "starttls",
                "mailbox": null,
                "special": null,
                "last": "2026-12-03T10:00:00+00:00",
                "error": "cannot resolve",
                "errorKind": "ConnectionFailed",
                "tlsTrust": "validate",
                "byAccountUser": false,
                "signIn": {
                  "provider": "google",
                  "connected": true,
                  "connectedAs": "john@gmail.com",
                  "connectedAt": "2026-12-03T10:00:00+00:00"
                }
              }
            ]
            """, Lf(Output.Render(account, CliView.RpopRecords, json: true)));
    }

    [Fact]
    public void A_rimap_list_names_the_pending_try_now_and_push()
    {
        var record = new RimapRecordView("work", "disabled", "j", "imap.example.com", false, "SSL", "Normal", "INBOX*", T, null, null, null, Push: true, SyncFlags: true);

        var json = Output.Render(new AccountView("a@b.c", false, [], [record]), CliView.RimapRecords, json: true);

        Assert.Contains("\"tryNow\": \"2026-12-03T10:00:00+00:00\"", json);
        Assert.Contains("\"push\": true", json);
        Assert.Contains("\"syncFlags\": true", json);
        Assert.Contains("\"signIn\": null", json);
        Assert.DoesNotContain("extOrder", json);
    }

    [Fact]
    public void Module_show_prints_the_keys_and_values_module_set_takes()
    {
        var view = new ModuleSettingsView(ModuleSettings.Default with { Processes = 20, DelayFailedHosts = TimeSpan.FromMinutes(2) });

        Assert.Equal("""
            {
              "log": "major",
              "processes": "20",
              "useApop": "yes",
              "sourceIp": "auto",
              "useDomainIps": "no",
              "delayFailedHosts": "2m",
              "delayFailedAccount": "15m",
              "allowSelfPoll": "no",
              "allowUserPrivateTargets": "no",
              "userMinPollEvery": "5m",
              "pushConnections": "0"
            }
            """, Lf(Output.Render(view, CliView.Whole, json: true)));
    }

    [Fact]
    public void Module_show_adds_the_push_connections_held_when_the_governor_answered()
    {
        var view = new ModuleSettingsView(ModuleSettings.Default with { PushConnections = 4 }, PushHeld: 3);

        var json = Lf(Output.Render(view, CliView.Whole, json: true));

        Assert.Contains("\"pushConnections\": \"4\"", json);
        Assert.Contains("\"pushConnectionsHeld\": \"3\"", json);
    }

    [Fact]
    public void Node_stats_prints_counts_and_histograms_by_name()
    {
        var view = new NodeStatsView("akka.tcp://remotepoll@127.0.0.1:4053", 3, 40, [10, 100], [30, 9, 1], [20, 19, 1], 50_000_000, 20_000_000,
            ScheduledAccounts: 2, PushHeld: 1, PushLimit: 100);

        Assert.Equal("""
            {
              "node": "akka.tcp://remotepoll@127.0.0.1:4053",
              "scheduledAccounts": 2,
              "pollers": 3,
              "scheduledPollsStarted": 40,
              "latenessBoundsMs": [
                10,
                100
              ],
              "timerLatenessCounts": [
                30,
                9,
                1
              ],
              "startLatenessCounts": [
                20,
                19,
                1
              ],
              "pushHeld": 1,
              "pushLimit": 100,
              "workingSetBytes": 50000000,
              "managedHeapBytes": 20000000
            }
            """, Lf(Output.Render(view, CliView.Whole, json: true)));
    }

    [Fact]
    public void A_refusal_prints_its_reason_and_fields()
    {
        var json = Output.RenderError(AdminReply.Failure("Poll Every: 'bogus' is not a duration", [new("Poll Every", "'bogus' is not a duration")]), json: true);

        Assert.Contains("\"error\": \"Poll Every: 'bogus' is not a duration\"", json);
        Assert.Contains("\"fields\": [", json);
    }

    private static string Lf(string s) => s.Replace("\r\n", "\n");
}
