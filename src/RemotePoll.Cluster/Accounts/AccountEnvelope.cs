using RemotePoll.Cluster.Serialization;
using RemotePoll.Core.Accounts.Commands;

namespace RemotePoll.Cluster.Accounts;

/// <summary>
/// An account command on its way to the entity through the shard region, with what the admin API knew of the
/// directory when it sent it (the main domain decides who may set Special), and whether the account's own user sent it
/// (then CanModifyRPOP applies, Special is refused and saved records are marked ByAccountUser), or a domain administrator
/// (who, like the user, may not name files on the nodes).
/// </summary>
public sealed record AccountEnvelope(IAccountCommand Command, string? MainDomain, bool ByAccountUser = false, bool ByDomainAdministrator = false)
    : IClusterMessage;
