using Akka.Actor;
using Akka.Event;
using Akka.Hosting;
using RemotePoll.Cluster.Governor;
using RemotePoll.Core.Polling;
using RemotePoll.Mail.Net;
using RemotePoll.Mail.Rimap;

namespace RemotePoll.Cluster.Polling;

/// <summary>
/// Holds one RIMAP record's push connection (issue 20), as a child of the record's poller on the node that owns the
/// account: waits for a permit of the push pool (push-connections, cluster-wide, separate from Processes), renews it
/// while the connection is held, and tells the poller when INBOX has new mail; the mirror itself is the poller's normal
/// poll, with its own Processes permit and no-loss rules. The holder ends when the connection fails or drops (it tells
/// the poller why: <see cref="RimapPushEnded"/>) or when it is stopped (the poller stopped, push turned off); either way
/// the connection is closed and the permit released. A record waiting for a push permit is simply polled at Poll Every.
/// The governor may take the permit back (push-connections lowered below the connections held): the connection is
/// closed and the record polled at Poll Every; its next successful poll queues for a permit again.
/// </summary>
public sealed class RimapPushHolder : ReceiveActor
{
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _revoked = new();

    public RimapPushHolder(RimapMirrorRequest request, PollEnvironment env, IProtocolLog? log)
    {
        var poller = Context.Parent;
        var governor = ActorRegistry.For(Context.System).Get<PushGovernor>();
        var logger = Context.GetLogger();
        void Watching(string what) => logger.Info("RPOLL {0}/{1}: push connection held: {2}", request.Account, request.RecordName, what);
        HoldAsync(request, env, governor, Self, () => poller.Tell(RimapPushNewMail.Instance), Watching, log, _stop.Token, _revoked.Token)
            .PipeTo(Self);
        Receive<RevokePermit>(_ =>
        {
            if (_revoked.IsCancellationRequested) return;
            Context.GetLogger().Info("RPOLL {0}/{1}: push connection ended: push-connections was lowered below the connections held; " +
                "polled at Poll Every", request.Account, request.RecordName);
            _revoked.Cancel();
        });
        Receive<RimapPushEnded>(ended =>
        {
            poller.Tell(ended);
            Context.Stop(Self);
        });
    }

    public static Props Props(RimapMirrorRequest request, PollEnvironment env, IProtocolLog? log) =>
        Akka.Actor.Props.Create(() => new RimapPushHolder(request, env, log));

    protected override void PostStop()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    private static async Task<RimapPushEnded> HoldAsync(RimapMirrorRequest request, PollEnvironment env, IActorRef governor, IActorRef self,
        Action newMail, Action<string> watched, IProtocolLog? log, CancellationToken stop, CancellationToken revoked)
    {
        var permit = $"push/{request.Account}/{request.RecordName}/{Guid.NewGuid():N}";
        try
        {
            await RecordPoller.AcquireAsync(governor, permit, stop).ConfigureAwait(false);
            env.Stats.PushHeldChanged(1);
            using var renew = new CancellationTokenSource();
            var renewing = RecordPoller.RenewAsync(governor, permit, renew.Token, self);
            using var watching = CancellationTokenSource.CreateLinkedTokenSource(stop, revoked);
            try
            {
                await RimapPush.WatchAsync(request, env.PushIdleEvery, newMail, log, watching.Token, watching: watched).ConfigureAwait(false);
                return new RimapPushEnded(PollErrorKind.Internal, "the push session ended");
            }
            catch (OperationCanceledException) when (revoked.IsCancellationRequested && !stop.IsCancellationRequested)
            {
                return new RimapPushEnded(null, "push-connections was lowered below the connections held");
            }
            catch (RemotePollException ex)
            {
                return new RimapPushEnded(ex.Kind, ex.Message);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return new RimapPushEnded(PollErrorKind.Internal, $"{ex.GetType().Name}: {ex.Message}");
            }
            finally
            {
                renew.Cancel();
                await renewing.ConfigureAwait(false);
                governor.Tell(new ReleasePermit(permit));
                env.Stats.PushHeldChanged(-1);
            }
        }
        catch (OperationCanceledException)
        {
            return new RimapPushEnded(null, "stopped");
        }
    }
}
