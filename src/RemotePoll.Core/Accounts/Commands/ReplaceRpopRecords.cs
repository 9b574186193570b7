using RemotePoll.Core.Records;

namespace RemotePoll.Core.Accounts.Commands;

/// <summary>Replace the account's whole RPOP set (SETACCOUNTRPOPS): absent records are removed.</summary>
public sealed record ReplaceRpopRecords(string Account, IReadOnlyList<RpopRecordChange> Records) : IAccountCommand
{
    /// <summary>
    /// A bulk load (<c>rpoll rpop import</c>): new records make their first poll at a random moment within their Poll
    /// Every instead of within seconds, so that thousands of records loaded in a few minutes do not poll in the same
    /// few minutes of every period from then on.
    /// </summary>
    public bool SpreadFirstPolls { get; init; }
}
