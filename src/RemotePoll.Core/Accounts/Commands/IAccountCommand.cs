using RemotePoll.Core.Admin;

namespace RemotePoll.Core.Accounts.Commands;

/// <summary>A command for one account entity; <see cref="Account"/> (user@domain) is the shard entity id.</summary>
public interface IAccountCommand : IAdminCommand
{
    string Account { get; }
}
