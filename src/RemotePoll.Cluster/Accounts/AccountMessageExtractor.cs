using Akka.Cluster.Sharding;

namespace RemotePoll.Cluster.Accounts;

/// <summary>Routes messages to account entities by the account address.</summary>
public sealed class AccountMessageExtractor(int maxShards) : HashCodeMessageExtractor(maxShards)
{
    public override string? EntityId(object message) => message switch
    {
        AccountEnvelope e => e.Command.Account,
        FetchAccountState f => f.Account,
        ResealPasswords r => r.Account,
        WakeAccount w => w.Account,
        _ => null,
    };
}
