using Akka.Actor;
using Akka.Event;
using RemotePoll.Core.Accounts.Commands;
using RemotePoll.Core.Admin;
using RemotePoll.Core.Polling;
using System.Net;
using System.Net.Sockets;
using Akka.Hosting;
using RemotePoll.Cluster.Governor;
using RemotePoll.Cluster.Hosts;
using RemotePoll.Cluster.Metrics;
using RemotePoll.Cluster.OAuth;
using RemotePoll.Core.OAuth;
using RemotePoll.Mail.OAuth;
using RemotePoll.Cluster.Schedule;
using RemotePoll.Core.Hosts;
using RemotePoll.Core.Records;
using RemotePoll.Core.Settings;

namespace RemotePoll.Cluster.Polling;

/// <summary>
/// What every record poller does whatever the protocol: owns its schedule (Poll Every; Disabled keeps no timer),
/// runs one session at a time, serves out-of-schedule orders, and reports each outcome to its account entity, which
/// persists it. The protocol work is in RemotePoll.Mail; subclasses only say how to run one poll.
/// </summary>
public abstract class RecordPoller : UntypedActor, IWithTimers
{
    private const string TimerKey = "poll";
    protected static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(30);

    private readonly List<IActorRef> _waiters = [];
    // Followed orders (rpoll ... poll --wait): tickets not yet started, of the running poll, and of ended polls (kept a while).
    private readonly List<string> _queuedTickets = [];
    private readonly List<string> _runTickets = [];
    private readonly Dictionary<string, (PollReport Report, DateTimeOffset Ended)> _endedTickets = new(StringComparer.Ordinal);
    /// <summary>How long the report of a followed poll stays asked for after it ended.</summary>
    public static readonly TimeSpan EndedTicketsKept = TimeSpan.FromMinutes(10);
    // The running poll's progress, written by the poll's own thread (ShowProgress), read by the actor.
    private long _progressMessages;
    private long _progressBytes;
    private DateTimeOffset _runStarted;
    private DateTimeOffset? _lastAttempt;
    private bool _running;
    private bool _pollAgain;
    private CancellationTokenSource? _cancel;
    private DateTimeOffset? _servedOrder;
    private DateTimeOffset? _lastServedOrder;
    private bool _accountFailed;
    /// <summary>When the pending timer is due (schedule plus spread); null when no timer runs.</summary>
    private DateTimeOffset? _due;
    private bool _spreadFirstPoll;
    /// <summary>The pending timer was set for a poll already due by this poller's own (persisted) view.</summary>
    private bool _overdue;
    /// <summary>The due time the wake schedule last had from this poller (reported, or carried by the wake).</summary>
    private DateTimeOffset? _scheduleKnows;
    private ILoggingAdapter? _log;
    /// <summary>The record's ledgers as the entity last handed them (<see cref="LedgersUpdated"/>).</summary>
    private RecordLedgers _ledgers;

    /// <param name="spreadFirstPoll">started by the recovery of its account after a (re)start, or by a bulk import: a first
    /// poll that is due now is spread over the whole period (<see cref="PollSchedule"/>)</param>
    protected RecordPoller(string account, DateTimeOffset? lastAttempt, PollEnvironment env, bool spreadFirstPoll, RecordLedgers ledgers)
    {
        _ledgers = ledgers;
        _spreadFirstPoll = spreadFirstPoll;
        Account = account;
        _lastAttempt = lastAttempt;
        Env = env;
        Entity = Context.Parent;
    }

    /// <summary>Untyped (a switch, no per-instance handler tables): a node holds one poller per record.</summary>
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Tick:
                if (!_running) Start();
                break;
            case PollNow p:
                if (p.ReplyTo is not null) _waiters.Add(p.ReplyTo);
                // A followed order is served by a poll that starts after it (the one running may have listed the mailbox already).
                if (p.Ticket is not null) _queuedTickets.Add(p.Ticket);
                if (_running) _pollAgain = true; else Start();
                break;
            case GetPollProgress g:
                Sender.Tell(AdminReply.Success(ProgressOf(g.Ticket)));
                break;
            case Resolved r:
                Checked(r.Plan);
                break;
            case PollOutcome outcome:
                Finished(outcome);
                break;
            case LedgersUpdated l:
                _ledgers = l.Ledgers;
                break;
            case PollDueAt d:
                KeepToSchedule(d.Due);
                break;
            default:
                if (!OnRecordMessage(message)) Unhandled(message);
                break;
        }
    }

    /// <summary>The subclass's messages (its record's updates); false when the message is not one of them.</summary>
    protected abstract bool OnRecordMessage(object message);

    public ITimerScheduler Timers { get; set; } = null!;
    protected string Account { get; }
    protected PollEnvironment Env { get; }
    protected IActorRef Entity { get; }
    /// <summary>Made on the actor's thread the first time it is needed (<see cref="Start"/> makes it before a poll's
    /// own thread can ask): an idle poller has none.</summary>
    protected ILoggingAdapter Log => _log ??= Context.GetLogger();
    protected bool Running => _running;
    /// <summary>
    /// The server's LOGIN-DELAY (RFC 2449 6.8) as last seen: scheduled polls keep at least this much time after the
    /// last one (its login), whatever Poll Every says. Known from the account's status at start, then from each poll.
    /// </summary>
    protected TimeSpan? LoginDelay { get; set; }

    protected abstract RecordKind Kind { get; }
    protected abstract string Name { get; }
    protected abstract PollPeriod Period { get; }
    protected abstract HostAndPort Host { get; }
    /// <summary>The port the session connects to (explicit, else the protocol's default for the record's security).</summary>
    protected abstract int Port { get; }
    /// <summary>The record was created or changed by an account user: outbound safety and the user minimum period apply.</summary>
    protected abstract bool ByAccountUser { get; }
    /// <summary>Why the record has no credential to send (a change of destination voided it), or null.</summary>
    protected abstract string? MissingCredential { get; }
    /// <summary>A pending out-of-schedule order that must be served even when Disabled (RIMAP extOrder).</summary>
    protected virtual DateTimeOffset? PendingOrder => null;
    /// <summary>The record signs in with OAuth2 (issue 17): the provider and grant; null: with a password.</summary>
    protected virtual OAuthSignIn? SignIn => null;
    /// <summary>The record's access token in memory; made at its first OAuth2 poll.</summary>
    private RecordAccessToken? _accessToken;

    /// <summary>The protocol work of a poll starting now, closed over the record as it is now (see <see cref="PollPlan"/>).</summary>
    protected abstract PollRun Snapshot();

    protected override void PreStart()
    {
        Env.Stats.PollerStarted();
        Schedule();
    }

    protected override void PostStop()
    {
        Env.Stats.PollerStopped();
        _cancel?.Cancel();
    }

    /// <summary>The next poll is a period after the last attempt; a fresh record starts within a few seconds.</summary>
    protected void Schedule() => Schedule(TimeSpan.Zero);

    private void Schedule(TimeSpan atLeast)
    {
        Timers.Cancel(TimerKey);
        _due = null;
        if (_running) return;
        var now = Env.Clock.GetUtcNow();
        var order = PendingOrder is { } o && (_lastServedOrder is null || o > _lastServedOrder) ? o : (DateTimeOffset?)null;
        // Delay Failed Account (spec): a mailbox that could not be opened, or a connection that failed while retrieving,
        // waits the configured delay instead of the period.
        var settings = Env.Settings.Current ?? ModuleSettings.Default;
        var interval = _accountFailed && Period.Interval is not null ? settings.DelayFailedAccountOrDefault : Period.Interval;
        // user-min-poll-every holds even for a record saved before the minimum was raised.
        if (ByAccountUser && interval is { } i && i < settings.UserMinPollEveryOrDefault) interval = settings.UserMinPollEveryOrDefault;
        if (LoginDelay is { } floor && interval is { } every && every < floor) interval = floor;
        DateTimeOffset? due = order is not null ? now
            : interval is { } period ? (_lastAttempt is { } last ? last + period : now) : null;
        _overdue = due <= now && order is null;
        if (due is null) ReportDue();
        else
        {
            var delay = PollSchedule.Delay(due.Value, now, Period.Interval, _spreadFirstPoll && order is null, Random.Shared.NextDouble());
            _spreadFirstPoll = false;
            Arm(now + (delay < atLeast ? atLeast : delay));
        }
    }

    /// <summary>
    /// The wake schedule expected this poll at <paramref name="due"/> (in the future). A poller whose own view is
    /// overdue, because the turns it skipped before a restart (Processes 0) were not persisted, keeps that time instead
    /// of spreading its poll over the period again.
    /// </summary>
    private void KeepToSchedule(DateTimeOffset due)
    {
        _scheduleKnows = due;
        if (_running || !_overdue || _due is null || due <= Env.Clock.GetUtcNow()) return;
        _overdue = false;
        Arm(due);
    }

    private void Arm(DateTimeOffset at)
    {
        _due = at;
        var delay = at - Env.Clock.GetUtcNow();
        Timers.StartSingleTimer(TimerKey, Tick.Instance, delay < TimeSpan.Zero ? TimeSpan.Zero : delay);
        ReportDue();
    }

    /// <summary>
    /// The shard's wake schedule starts this account before that time after a restart or a move. While the node
    /// stops, a due time no earlier than the one the schedule has is not reported: the schedule's shard is being handed
    /// off, the region would hold the report until its shutdown timed out (10 s), and the earlier time it keeps only
    /// wakes the account early, never late.
    /// </summary>
    private void ReportDue()
    {
        var due = MustRunSince() ?? _due;
        if (_scheduleKnows is { } known && (due is null || due >= known)
            && CoordinatedShutdown.Get(Context.System).ShutdownReason is not null)
            return;
        if (ActorRegistry.For(Context.System).TryGet<WakeScheduleRegion>(out var schedules))
        {
            schedules.Tell(new WakeReport(AccountShards.Of(Account), Account, Self.Path.Name, due));
            _scheduleKnows = due;
        }
    }

    /// <summary>
    /// Since when this record must run whatever its next poll (RIMAP push holds a connection), or null. The schedule is
    /// told the record is due since then: a time in the past that stays the same while it holds, so it is persisted once
    /// and the account is woken at once wherever its shard goes (its node died), not at its next Poll Every.
    /// </summary>
    protected virtual DateTimeOffset? MustRunSince() => null;

    private void Start()
    {
        _ = Log;
        var started = Env.Clock.GetUtcNow();
        // A poll the timer started has a schedule to be late against; one ordered by an operator has none.
        var due = _due is { } d && started >= d ? d : (DateTimeOffset?)null;
        if (due is { } late) Env.Stats.TimerFired(started - late);
        Timers.Cancel(TimerKey);
        _due = null;
        // A node that may not poll skips the turn without recording an error on the record: nothing was tried.
        if (Refusal(started) is { } refusal)
        {
            foreach (var w in _waiters) w.Tell(AdminReply.Success(refusal));
            _waiters.Clear();
            EndTickets(_queuedTickets, refusal);
            _lastAttempt = started;
            Schedule(atLeast: TimeSpan.FromSeconds(5)); // a pending order is tried again, not in a tight loop
            return;
        }
        _running = true;
        _servedOrder = PendingOrder;
        _runTickets.AddRange(_queuedTickets);
        _queuedTickets.Clear();
        _runStarted = started;
        ShowProgress(0, 0);
        _cancel = new CancellationTokenSource(Env.PollTimeout);
        var plan = Plan(started, due);
        // Nothing is sent, not even a connection made, for a record whose password a change of destination voided.
        if (MissingCredential is { } missing) Finished(new PollOutcome(plan, plan.Failure(PollErrorKind.Refused, missing)));
        else ResolveAsync(plan, _cancel.Token).PipeTo(Self);
    }

    /// <summary>The poll as a value, made here on the actor's thread from the record and settings as they are now.</summary>
    private PollPlan Plan(DateTimeOffset started, DateTimeOffset? due)
    {
        var settings = Env.Settings.Current!;
        return new PollPlan(Account, Kind, Name, started)
        {
            Clock = Env.Clock,
            Due = due,
            Host = Host,
            Port = Port,
            ByAccountUser = ByAccountUser,
            SignIn = SignIn,
            AccessToken = SignIn is null ? null : _accessToken ??= new RecordAccessToken(),
            Settings = settings,
            SourceAddress = SourceFor(settings),
            OwnAddresses = OwnAddresses.Of(Context.System, Env.ConfiguredOwnAddresses),
            Ledgers = _ledgers,
            Run = Snapshot(),
        };
    }

    /// <summary>The plan's host resolved (off the actor's thread); the answer comes back as <see cref="Resolved"/> or an outcome.</summary>
    private async Task<object> ResolveAsync(PollPlan plan, CancellationToken ct)
    {
        var host = plan.Host.Host;
        try
        {
            var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct).ConfigureAwait(false);
            return new Resolved(plan with { Addresses = addresses });
        }
        catch (SocketException ex)
        {
            return new PollOutcome(plan, plan.Failure(PollErrorKind.ConnectionFailed, $"{host}: cannot resolve: {ex.Message}"));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return new PollOutcome(plan, Stopped(plan));
        }
    }

    /// <summary>
    /// On the actor's thread: the resolved addresses are not this server (Allow Self-Poll) and a user's record does not
    /// reach a private address; then the poll goes on with them (<see cref="GuardedAsync"/>).
    /// </summary>
    private void Checked(PollPlan plan)
    {
        var settings = plan.Settings;
        var host = plan.Host.Host;
        if (!settings.AllowSelfPoll && plan.Addresses.FirstOrDefault(a => OwnAddresses.Contains(plan.OwnAddresses, a)) is { } self)
        {
            Finished(new PollOutcome(plan, plan.Failure(PollErrorKind.Refused,
                $"{host} ({self}) is this server's own address and Allow Self-Poll is off: polling it would loop mail back")));
            return;
        }
        // Checked on the addresses the session will connect to (the plan hands them to it), so a DNS change
        // after the record was saved cannot lead a user's record into the operator's networks.
        if (plan.ByAccountUser && !settings.AllowUserPrivateTargets && OutboundGuard.Refusal(host, plan.Addresses.ToArray(), plan.OwnAddresses) is { } unsafeTarget)
        {
            Finished(new PollOutcome(plan, plan.Failure(PollErrorKind.Refused, unsafeTarget)));
            return;
        }
        // Delay Failed Hosts, read from this node's replica: kept by the addresses and port this poll would connect to, per account.
        if (Env.FailedHosts.Current.Blocking(Endpoints(plan), plan.Account, Env.Clock.GetUtcNow()) is { } f)
        {
            Finished(new PollOutcome(plan, plan.Failure(PollErrorKind.ConnectionFailed,
                $"host {f.Describe()} is marked failed since {f.Since:u} ({f.Reason}); not polled until {f.Until:u}")));
            return;
        }
        var registry = ActorRegistry.For(Context.System);
        GuardedAsync(plan, registry.Get<HostHealth>(), registry.Get<ConnectionGovernor>(), _cancel!.Token).PipeTo(Self);
    }

    private static List<string> Endpoints(PollPlan plan) => plan.Addresses.Select(a => FailedHosts.Endpoint(a, plan.Port)).Distinct().ToList();

    private void Finished(PollOutcome outcome)
    {
        var report = outcome.Report;
        _running = false;
        _lastAttempt = report.Ended;
        _accountFailed = report.ErrorKind is nameof(PollErrorKind.AuthenticationFailed) or nameof(PollErrorKind.MailboxLocked)
            or nameof(PollErrorKind.ConnectionLost) or nameof(PollErrorKind.TemporarilyUnavailable) or nameof(PollErrorKind.ServerFailed)
            or nameof(PollErrorKind.AuthorizationExpired);
        if (report.LoginDelay is { } seen) LoginDelay = seen > TimeSpan.Zero ? seen : null;
        // A token the server refused is not offered again: the next poll gets a new one.
        if (report.ErrorKind is nameof(PollErrorKind.AuthenticationFailed) && SignIn is { } signIn)
        {
            _accessToken?.Forget();
            Env.OAuthTokens.ForgetAppToken(signIn.Provider);
        }
        Entity.Tell(new PollCompleted(Kind, report, _servedOrder));
        PollMetrics.PollEnded(report);
        if (_servedOrder is not null) _lastServedOrder = _servedOrder;
        foreach (var w in _waiters) w.Tell(AdminReply.Success(report));
        _waiters.Clear();
        EndTickets(_runTickets, report);
        LogOutcome(outcome);
        PollFinished(outcome);
        if (_pollAgain) { _pollAgain = false; Start(); }
        else Schedule();
    }

    /// <summary>A poll ended and its outcome went to the entity (RIMAP push starts or stops here).</summary>
    protected virtual void PollFinished(PollOutcome outcome)
    {
    }

    /// <summary>The running poll's messages and bytes delivered so far (totals); called from the poll's own thread.</summary>
    protected void ShowProgress(long messages, long bytes)
    {
        Interlocked.Exchange(ref _progressMessages, messages);
        Interlocked.Exchange(ref _progressBytes, bytes);
    }

    private void EndTickets(List<string> tickets, PollReport report)
    {
        var now = Env.Clock.GetUtcNow();
        foreach (var t in tickets) _endedTickets[t] = (report, now);
        tickets.Clear();
    }

    private PollProgressView ProgressOf(string ticket)
    {
        var now = Env.Clock.GetUtcNow();
        foreach (var old in _endedTickets.Where(e => now - e.Value.Ended > EndedTicketsKept).Select(e => e.Key).ToList())
            _endedTickets.Remove(old);
        if (_endedTickets.TryGetValue(ticket, out var ended))
            return new(ticket, PollProgressView.Ended, ended.Report.Messages, ended.Report.Bytes, ended.Report.Started, ended.Report);
        if (_runTickets.Contains(ticket))
            return new(ticket, PollProgressView.Running, (int)Interlocked.Read(ref _progressMessages), Interlocked.Read(ref _progressBytes), _runStarted, null);
        if (_queuedTickets.Contains(ticket)) return new(ticket, PollProgressView.Waiting, 0, 0, null, null);
        return new(ticket, PollProgressView.Unknown, 0, 0, null, null);
    }

    /// <summary>
    /// What a planned, checked poll passes before it connects, off the actor's thread and reading only the plan: the
    /// OAuth2 token, a permit is free (Processes). Then the poll runs, holding the permit, and a connection failure is
    /// reported to HostHealth for this account and endpoints (Delay Failed Hosts).
    /// </summary>
    private async Task<PollOutcome> GuardedAsync(PollPlan plan, IActorRef hostHealth, IActorRef governor, CancellationToken ct)
    {
        var host = plan.Host.Host;
        try
        {
            // OAuth2: the access token before the permit, so a token request never holds one of the Processes.
            OAuth2Bearer? bearer = null;
            if (plan.SignIn is { } signIn)
            {
                var (b, refusal) = await BearerAsync(plan, signIn, ct).ConfigureAwait(false);
                if (refusal is not null) return new(plan, refusal);
                bearer = b;
            }

            var permit = $"{plan.Account}/{plan.Kind}/{plan.Name}/{Guid.NewGuid():N}";
            await AcquireAsync(governor, permit, ct).ConfigureAwait(false);
            if (plan.Due is { } d) Env.Stats.PollStarted(plan.Protocol, Env.Clock.GetUtcNow() - d);
            using var renew = new CancellationTokenSource();
            var renewing = RenewAsync(governor, permit, renew.Token);
            try
            {
                var outcome = await plan.Run(plan, bearer, ct).ConfigureAwait(false);
                if (outcome.Report.ErrorKind == nameof(PollErrorKind.ConnectionFailed))
                    hostHealth.Tell(new ReportHostFailure(host, Endpoints(plan), plan.Account, outcome.Report.Error ?? "connection failed",
                        plan.Settings.DelayFailedHostsOrDefault));
                return outcome;
            }
            finally
            {
                renew.Cancel();
                await renewing.ConfigureAwait(false);
                governor.Tell(new ReleasePermit(permit));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return new(plan, Stopped(plan));
        }
        catch (AskTimeoutException ex)
        {
            return new(plan, plan.Failure(PollErrorKind.Internal, $"the cluster did not answer: {ex.Message}"));
        }
    }

    private PollReport Stopped(PollPlan plan) => plan.Failure(PollErrorKind.ConnectionLost, $"the poll was stopped after {Env.PollTimeout}");

    /// <summary>
    /// The access token of an OAuth2 record (issue 17 part 4), or the report of why there is none: not connected or the grant
    /// refused (AuthorizationExpired: the user must reconnect; Delay Failed Account applies), the provider not registered,
    /// the token request failed otherwise (TemporarilyUnavailable, with the HTTP status). Never a password instead.
    /// </summary>
    private async Task<(OAuth2Bearer? Bearer, PollReport? Refusal)> BearerAsync(PollPlan plan, OAuthSignIn signIn, CancellationToken ct)
    {
        var reconnect = $"run 'rpoll {plan.Protocol.ToLowerInvariant()} authorize {plan.Account} {plan.Name}' or Connect on the record's web page";
        if (Env.OAuthProviders.Find(signIn.Provider) is not { } provider)
            return (null, Env.OAuthProviders.Known
                ? plan.Failure(PollErrorKind.Refused, $"the OAuth2 provider '{signIn.Provider}' is not registered (rpoll oauth provider list)")
                : plan.Failure(PollErrorKind.Internal, "the OAuth2 providers are not known on this node yet"));
        try
        {
            var access = OAuthProviderLookup.Open(provider, Env.Sealer);
            if (provider.Grant == OAuthGrantType.ClientCredentials)
                return (new OAuth2Bearer(await Env.OAuthTokens.AppTokenAsync(access, ct).ConfigureAwait(false), provider.AllowsOAuthBearer), null);
            if (!signIn.Connected)
                return (null, plan.Failure(PollErrorKind.AuthorizationExpired, $"not connected: {reconnect}"));
            var token = await plan.AccessToken!.GetAsync(signIn, access, Env.OAuthTokens, Env.Sealer,
                (next, t) => Entity.Ask<LedgerCommitted>(new CommitOAuthGrant(plan.Kind, plan.Name, signIn.Grant!, next), AskTimeout, t), ct).ConfigureAwait(false);
            return (new OAuth2Bearer(token, provider.AllowsOAuthBearer), null);
        }
        catch (OAuthGrantRefusedException ex)
        {
            plan.AccessToken!.Forget();
            return (null, plan.Failure(PollErrorKind.AuthorizationExpired, $"{ex.Message}: reconnect: {reconnect}"));
        }
        catch (OAuthTokenException ex)
        {
            // The provider is in trouble (5xx, no answer, not its JSON), not the grant: temporary, tried again after Delay Failed Account.
            return (null, plan.Failure(PollErrorKind.TemporarilyUnavailable, $"{ex.Message}; the grant is kept and tried again later"));
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            return (null, plan.Failure(PollErrorKind.Internal, $"the OAuth2 grant or client secret cannot be opened: {ex.Message}"));
        }
    }

    /// <summary>
    /// A record's sign-in changed: a new grant that is not this poller's own rotation is a user's (re)connection, which
    /// ends the Delay Failed Account wait and polls now.
    /// </summary>
    protected void SignInChanged(OAuthSignIn? before, OAuthSignIn? after)
    {
        if (after is not { Connected: true } || Equals(before?.Grant, after.Grant) || _accessToken?.Rotated(after.Grant) == true) return;
        _accessToken?.Forget();
        _accountFailed = false;
        if (!_running) Start();
    }

    /// <summary>Waits for a permit (of the Processes or the push pool), asking again every few seconds: the governor may move while we wait.</summary>
    internal static async Task AcquireAsync(IActorRef governor, string permit, CancellationToken ct)
    {
        while (true)
        {
            try
            {
                await governor.Ask<PermitGranted>(new RequestPermit(permit), ConnectionGovernor.AskAgainEvery, ct).ConfigureAwait(false);
                return;
            }
            catch (AskTimeoutException)
            {
            }
            catch (OperationCanceledException)
            {
                governor.Tell(new ReleasePermit(permit));
                throw;
            }
        }
    }

    /// <param name="holder">Where the governor may send <see cref="RevokePermit"/> (a push holder); none: the permit is not taken back.</param>
    internal static async Task RenewAsync(IActorRef governor, string permit, CancellationToken stop, IActorRef? holder = null)
    {
        try
        {
            while (true)
            {
                await Task.Delay(ConnectionGovernor.RenewEvery, stop).ConfigureAwait(false);
                governor.Tell(new RenewPermit(permit), holder ?? ActorRefs.NoSender);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Use Domain IP Addresses: the first assigned address of the account's domain; else Source IP Address.</summary>
    private IPAddress? SourceFor(ModuleSettings settings)
    {
        if (settings.UseDomainIps && Env.Directory.Current.DomainOf(Account) is { AssignedIps.Count: > 0 } domain)
            return IPAddress.Parse(domain.AssignedIps[0]);
        return settings.SourceIp is { } ip ? IPAddress.Parse(ip) : null;
    }

    /// <summary>
    /// The spec's Log levels: Crashes Only logs no poll outcome; Failures logs failed polls; Major adds message
    /// transfers; Problems adds polls that delivered but left messages behind; Low-Level and All Info add every poll
    /// (and the protocol trace, see <see cref="ProtocolTrace"/>). Every line carries RPOLL, the account and the record.
    /// </summary>
    private void LogOutcome(PollOutcome outcome)
    {
        var (report, host) = (outcome.Report, outcome.Plan.Host);
        var level = (Env.Settings.Current ?? ModuleSettings.Default).Log;
        if (!report.Ok && report.Messages > 0)
        {
            if (level >= PollLogLevel.Problems)
                Log.Warning("RPOLL {0}/{1}: {2}", Account, Name, $"{CountText.Of(report.Messages, "message")}, {CountText.Of(report.Bytes, "byte")} from {host}; problem: {report.ErrorKind}: {report.Error}");
            else if (level >= PollLogLevel.Failures)
                Log.Warning("RPOLL {0}/{1}: {2}: {3}", Account, Name, report.ErrorKind, report.Error);
        }
        else if (!report.Ok)
        {
            if (level >= PollLogLevel.Failures) Log.Warning("RPOLL {0}/{1}: {2}: {3}", Account, Name, report.ErrorKind, report.Error);
        }
        else if ((report.Messages > 0 && level >= PollLogLevel.Major) || level >= PollLogLevel.LowLevel)
            Log.Info("RPOLL {0}/{1}: {2}, {3} from {4}", Account, Name, CountText.Of(report.Messages, "message"), CountText.Of(report.Bytes, "byte"), host);
    }

    /// <summary>Failures every poller maps the same way; null for ones the subclass must map itself.</summary>
    protected PollReport? CommonFailure(Exception ex, PollPlan plan, CancellationToken ct) => ex switch
    {
        Mail.Delivery.DeliveryUnavailableException d => plan.Failure(PollErrorKind.LocalDeliveryFailed, d.Message),
        OperationCanceledException when ct.IsCancellationRequested => Stopped(plan),
        _ => null,
    };

    /// <summary>Why this node may not poll now, or null.</summary>
    private PollReport? Refusal(DateTimeOffset started) => Env.Settings.Current switch
    {
        null => PollPlan.Failed(Account, Kind, Name, started, started, PollErrorKind.Internal, "the module settings are not known on this node yet"),
        { Processes: 0 } => PollPlan.Failed(Account, Kind, Name, started, started, PollErrorKind.Refused, "the module does not poll: Processes is 0"),
        _ => null,
    };

    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }

    /// <summary>The plan's host resolved; checked next on the actor's thread.</summary>
    private sealed record Resolved(PollPlan Plan);
}
