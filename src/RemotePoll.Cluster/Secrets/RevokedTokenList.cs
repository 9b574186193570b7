using RemotePoll.Cluster.Serialization;
using RemotePoll.Core.Security;

namespace RemotePoll.Cluster.Secrets;

/// <summary>Every revoked token id: the <see cref="TokenRevocations"/> singleton's answer to <see cref="GetRevokedTokens"/>, and its snapshot.</summary>
public sealed record RevokedTokenList(IReadOnlyList<TokenRevoked> Tokens) : IClusterMessage
{
    public static RevokedTokenList Of(RevokedTokens revoked) =>
        new(revoked.Ids.Select(x => new TokenRevoked(x.Key, x.Value)).OrderBy(t => t.At).ToList());

    public RevokedTokens ToRevokedTokens() => Tokens.Aggregate(RevokedTokens.None, (r, t) => r.Add(t.Id, t.At));
}
