using RemotePoll.Core.Accounts;
using RemotePoll.Core.Records;

namespace RemotePoll.Core.Admin;

/// <summary>Builds the display views of an account: what is shown, never the password.</summary>
public static class AccountViews
{
    public static AccountView Of(AccountState state) => new(
        state.Address,
        state.Settings.CanModifyRpop,
        state.Rpop.Values.Select(r =>
        {
            var s = state.StatusOf(RecordKind.Rpop, r.Name);
            return new RpopRecordView(r.Name, r.Period.ToString(), r.AuthName, r.Host.ToString(), !r.Password.IsNone,
                r.Leave, r.Apop, r.Tls, r.Mailbox, r.Special, s.Last, s.Error, s.ErrorKind?.ToString(), r.Trust.ToString(), r.ByAccountUser,
                s.LoginDelay is { } d ? Duration(d) : null, Effective(r.Period, s.LoginDelay).ToString(), r.StartTls, OAuthSignInView.Of(r.OAuth));
        }).ToList(),
        state.Rimap.Values.Select(r =>
        {
            var s = state.StatusOf(RecordKind.Rimap, r.Name);
            return new RimapRecordView(r.Name, r.Period.ToString(), r.AuthName, r.Host.ToString(), !r.Password.IsNone,
                r.Security.ToSpecWord(), r.AuthMethod.ToSpecWord(), r.ListFilter, r.ExtOrder, s.Last, s.Error, s.ErrorKind?.ToString(),
                r.Trust.ToString(), r.ByAccountUser, OAuthSignInView.Of(r.OAuth), r.Push, r.SyncFlags);
        }).ToList());

    /// <summary>The interval a record's polls keep: Poll Every, but never less than the server's LOGIN-DELAY (RFC 2449 6.8).</summary>
    public static PollPeriod Effective(PollPeriod period, TimeSpan? loginDelay) =>
        period.Interval is { } every && loginDelay is { } floor && floor > every ? PollPeriod.Every(Clamp(floor)) : period;

    /// <summary>A duration in the form of Poll Every (30s, 15m, 1h).</summary>
    private static string Duration(TimeSpan t) => PollPeriod.Every(Clamp(t)).ToString();

    private static TimeSpan Clamp(TimeSpan t) => t < PollPeriod.Minimum ? PollPeriod.Minimum : t > PollPeriod.Maximum ? PollPeriod.Maximum : t;
}
