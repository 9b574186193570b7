using System.Collections.Immutable;
using System.Net;
using Akka.Actor;
using Akka.Event;
using RemotePoll.Core.Admin;
using RemotePoll.Core.Mirrors;
using RemotePoll.Core.Polling;
using RemotePoll.Core.Records;
using RemotePoll.Core.Settings;
using RemotePoll.Mail.Net;
using RemotePoll.Mail.Rimap;

namespace RemotePoll.Cluster.Polling;

/// <summary>
/// Mirrors one RIMAP record's remote folder tree under the local folder named after the record. Each folder's mark
/// (UIDVALIDITY, highest UID copied) is committed through the entity after the local store acknowledged the batch.
/// A pending Try Now order (extOrder) is served even when the record is Disabled.
/// <para>Push (issue 20): after a successful poll of a record with Push, while push-connections is above 0, a
/// <see cref="RimapPushHolder"/> child holds an IDLE connection and each announcement of new mail runs this poller's normal
/// poll. A push that ends on a failure is tried again after a back-off through a normal poll, so Delay Failed Hosts and
/// the record's checks apply to it too. Push off, a new destination or sign-in, or the poller stopping closes it.</para>
/// </summary>
public sealed class RimapPoller : RecordPoller
{
    private const string PushRetryKey = "push-retry";
    private RimapRecord _record;
    /// <summary>The record's destination or sign-in changed while a poll ran: that poll's session is not held for push.</summary>
    private bool _signInChangedMidPoll;
    private IActorRef? _push;
    private DateTimeOffset _pushSince;
    private int _pushFailures;
    /// <summary>Each holder gets a new name: a stopped one may not have ended yet when the next starts.</summary>
    private int _pushSerial;
    /// <summary>Since when the record wants push, as the wake schedule was told (<see cref="MustRunSince"/>).</summary>
    private DateTimeOffset? _pushWantedSince;

    public RimapPoller(string account, RimapRecord record, RecordLedgers ledgers, DateTimeOffset? lastAttempt, PollEnvironment env,
        bool spreadFirstPoll = false)
        : base(account, lastAttempt, env, spreadFirstPoll, ledgers)
    {
        _record = record;
    }

    protected override bool OnRecordMessage(object message)
    {
        switch (message)
        {
            case RimapPushNewMail:
                Self.Tell(new PollNow(null));
                return true;
            case RimapPushEnded ended:
                PushEnded(ended);
                return true;
            case PushRetry:
                if (_push is null && WantsPush) Self.Tell(new PollNow(null));
                return true;
        }
        if (message is not RimapRecordUpdated u) return false;
        var reschedule = u.Record.Period != _record.Period || u.Record.ExtOrder != _record.ExtOrder;
        var before = _record;
        _record = u.Record;
        // The held session signed in as the record was: a new destination or sign-in reconnects after the next poll.
        var signInChanged = _record.Destination != before.Destination || _record.Password != before.Password || _record.OAuth != before.OAuth;
        if (signInChanged && Running) _signInChangedMidPoll = true;
        if (!_record.Push || signInChanged) StopPush();
        if (reschedule) Schedule();
        SignInChanged(before.OAuth, _record.OAuth);
        if (_record.Push && !before.Push && !Running) Self.Tell(new PollNow(null));
        return true;
    }

    private bool WantsPush => _record.Push && (Env.Settings.Current?.PushConnections ?? 0) > 0;

    /// <summary>A record with push polls at once when its poller starts (first start, restart, or its account moved
    /// after a node died): the push connection is opened after a successful poll.</summary>
    protected override void PreStart()
    {
        base.PreStart();
        if (WantsPush) Self.Tell(new PollNow(null));
    }

    /// <summary>A record that wants push must run: its account is woken at once wherever its shard goes.</summary>
    protected override DateTimeOffset? MustRunSince() => WantsPush ? _pushWantedSince ??= Env.Clock.GetUtcNow() : _pushWantedSince = null;

    protected override void PollFinished(PollOutcome outcome)
    {
        var stale = _signInChangedMidPoll;
        _signInChangedMidPoll = false;
        if (!WantsPush) StopPush();
        // The poll signed in as the record was when it started: push goes on with the record as it is now, after a poll of it.
        else if (stale) Self.Tell(new PollNow(null));
        else if (outcome.Report.Ok && _push is null && outcome.PushRequest is { } request && !Timers.IsTimerActive(PushRetryKey))
        {
            _push = Context.ActorOf(RimapPushHolder.Props(request, Env,
                ProtocolTrace.For((Env.Settings.Current ?? ModuleSettings.Default).Log, Log, Account, _record.Name)), $"push-{++_pushSerial}");
            _pushSince = Env.Clock.GetUtcNow();
        }
    }

    private void PushEnded(RimapPushEnded ended)
    {
        if (!Equals(Sender, _push)) return;
        _push = null;
        if (ended.Kind is null) return;
        // A push that held for a while starts its back-off again; one that keeps failing waits longer each time.
        _pushFailures = Env.Clock.GetUtcNow() - _pushSince > TimeSpan.FromMinutes(5) ? 1 : _pushFailures + 1;
        var wait = RimapPush.BackOff(_pushFailures);
        Log.Warning("RPOLL {0}/{1}: push ended: {2}: {3}; polled at Poll Every, push tried again in {4}", Account, _record.Name, ended.Kind, ended.Reason, wait);
        Timers.StartSingleTimer(PushRetryKey, PushRetry.Instance, wait);
    }

    private void StopPush()
    {
        if (_push is null) return;
        Context.Stop(_push);
        _push = null;
    }

    private sealed class PushRetry
    {
        public static readonly PushRetry Instance = new();
    }

    public static Props Props(string account, RimapRecord record, RecordLedgers ledgers, DateTimeOffset? lastAttempt, PollEnvironment env,
        bool spreadFirstPoll = false) =>
        Akka.Actor.Props.Create<RimapPoller>(account, record, ledgers, lastAttempt, env, spreadFirstPoll);

    protected override RecordKind Kind => RecordKind.Rimap;
    protected override string Name => _record.Name;
    protected override PollPeriod Period => _record.Period;
    protected override HostAndPort Host => _record.Host;
    protected override int Port => _record.Port;
    protected override bool ByAccountUser => _record.ByAccountUser;
    protected override string? MissingCredential => _record.OAuth is null && _record.Password.IsNone ? RecordDestination.PasswordRequired : null;
    protected override Core.OAuth.OAuthSignIn? SignIn => _record.OAuth;
    protected override DateTimeOffset? PendingOrder => _record.ExtOrder;

    protected override PollRun Snapshot()
    {
        var record = _record;
        return (plan, bearer, ct) => RunAsync(plan, record, bearer, ct);
    }

    private async Task<PollOutcome> RunAsync(PollPlan plan, RimapRecord record, Mail.OAuth.OAuth2Bearer? bearer, CancellationToken ct)
    {
        var started = plan.Started;
        try
        {
            var known = plan.Ledgers.Marks.ToDictionary(m => m.Key, m => new RimapFolderState(m.Key, m.Value.UidValidity, m.Value.HighestUid, m.Value.HighestModSeq));
            var request = RimapMirrorRequest.For(Account, record, Env.Sealer.Unseal(record.Password), Env.Limits) with
            {
                SourceAddress = plan.SourceAddress,
                Resolver = plan.ResolveAsync,
                MaxFolders = Env.RimapMaxFolders,
                Bearer = bearer,
            };
            long messages = 0, bytes = 0;
            var result = await RimapMirror.RunAsync(request, Env.Store, known,
                async (p, t) =>
                {
                    await Entity.Ask<LedgerCommitted>(new CommitMark(record.Name, p.State.RemoteName,
                        new FolderMark(p.State.UidValidity, p.State.HighestUid, p.State.HighestModSeq)), AskTimeout, t).ConfigureAwait(false);
                    ShowProgress(messages += p.Messages, bytes += p.Bytes);
                },
                ProtocolTrace.For(plan.Settings.Log, Log, Account, record.Name), ct).ConfigureAwait(false);
            var folders = result.Folders.Select(f => new FolderReport(
                f.LocalFolder?.ToString() ?? f.RemoteName, f.Messages, f.Bytes,
                f.Error ?? (f.Notes.Count == 0 ? null : string.Join("; ", f.Notes)))).ToList();
            var failed = result.Failed.FirstOrDefault();
            var skipped = result.SkippedFolders;
            if (failed is null && skipped.Count > 0)
            {
                // Over the folder limit: what was mirrored is reported as copied, the rest named in Error (not silently dropped).
                foreach (var name in skipped) folders.Add(new FolderReport(name, 0, 0, $"not mirrored: over the limit of {Env.RimapMaxFolders} folders"));
                return new(plan, new PollReport(Account, "RIMAP", record.Name, false, result.Messages, result.Bytes, 0, PollErrorKind.Refused.ToString(),
                    $"{CountText.Of(skipped.Count, "remote folder")} not mirrored: the record's tree may hold at most {Env.RimapMaxFolders} folders " +
                    $"(rimap-max-folders); skipped {string.Join(", ", skipped.Take(5).Select(n => $"'{n}'"))}{(skipped.Count > 5 ? ", …" : "")}",
                    started, Env.Clock.GetUtcNow(), folders)) { PushRequest = request };
            }
            return new(plan, new PollReport(Account, "RIMAP", record.Name, failed is null, result.Messages, result.Bytes, result.Failed.Count(),
                failed is null ? null : PollErrorKind.ProtocolError.ToString(),
                failed is null ? null : $"folder '{failed.RemoteName}': {failed.Error}", started, Env.Clock.GetUtcNow(), folders)) { PushRequest = request };
        }
        catch (RemotePollException ex)
        {
            return new(plan, plan.Failure(ex.Kind, ex.Message));
        }
        catch (Exception ex)
        {
            return new(plan, CommonFailure(ex, plan, ct) ?? plan.Failure(PollErrorKind.Internal, $"{ex.GetType().Name}: {ex.Message}"));
        }
    }
}
