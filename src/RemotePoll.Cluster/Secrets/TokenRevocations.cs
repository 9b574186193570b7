using Akka.Actor;
using Akka.Persistence;
using RemotePoll.Cluster.Persistence;
using RemotePoll.Core.Admin;
using RemotePoll.Core.Security;
using RemotePoll.Core.Validation;

namespace RemotePoll.Cluster.Secrets;

/// <summary>
/// The revoked token ids of the cluster: a persistent singleton. Every node's admin API keeps a copy, refreshed every
/// few seconds and fetched before it answers its first request, and refuses a revoked token on every request.
/// </summary>
public sealed class TokenRevocations : SnapshottingActor
{
    private RevokedTokens _revoked = RevokedTokens.None;

    public override string PersistenceId => "token-revocations";

    public static Props Props() => Akka.Actor.Props.Create(() => new TokenRevocations());

    protected override bool ReceiveRecover(object message)
    {
        switch (message)
        {
            case SnapshotOffer { Snapshot: RevokedTokenList l }: _revoked = l.ToRevokedTokens(); return true;
            case TokenRevoked e: _revoked = _revoked.Add(e.Id, e.At); return true;
            default: return false;
        }
    }

    protected override bool OnCommand(object message)
    {
        switch (message)
        {
            case GetRevokedTokens:
                Sender.Tell(RevokedTokenList.Of(_revoked));
                return true;
            case RevokeToken r:
                Revoke(r);
                return true;
            default:
                return false;
        }
    }

    private void Revoke(RevokeToken r)
    {
        string id;
        try { id = RevokedTokens.CheckId(r.Id); }
        catch (ValidationException ex) { Sender.Tell(AdminReply.From(ex)); return; }
        if (_revoked.Contains(id)) { Sender.Tell(AdminReply.Success(new Done($"token {id} was already revoked"))); return; }
        var sender = Sender;
        Persist(new TokenRevoked(id, DateTimeOffset.UtcNow), e =>
        {
            _revoked = _revoked.Add(e.Id, e.At).Prune(e.At);
            MaybeSnapshot(() => RevokedTokenList.Of(_revoked));
            sender.Tell(AdminReply.Success(new Done($"token {e.Id} revoked: every node refuses it from now on")));
        });
    }
}
