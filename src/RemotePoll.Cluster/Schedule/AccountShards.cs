using RemotePoll.Cluster.Accounts;
using RemotePoll.Cluster.Hosting;

namespace RemotePoll.Cluster.Schedule;

/// <summary>Which account shard an account is in: the id of the schedule that wakes it.</summary>
public static class AccountShards
{
    private static readonly AccountMessageExtractor Extractor = new(RemotePollActors.ShardCount);

    public static string Of(string account) => Extractor.ShardId(account, null);

    /// <summary>Every account shard's id ("0" to "99"), which is also the id of its wake schedule.</summary>
    public static readonly IReadOnlyList<string> All =
        [.. Enumerable.Range(0, RemotePollActors.ShardCount).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))];
}
