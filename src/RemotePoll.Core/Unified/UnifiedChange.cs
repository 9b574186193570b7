namespace RemotePoll.Core.Unified;

/// <summary>
/// One batch's change to a <see cref="UnifiedLedger"/>: duplicate keys that reached their recipient, progress keys
/// done, when, and the duplicate window in force (entries older than it are pruned when the change is applied).
/// </summary>
public sealed record UnifiedChange(IReadOnlyList<string> Seen, IReadOnlyList<string> Done, DateTimeOffset At, TimeSpan Window)
{
    public bool IsEmpty => Seen.Count == 0 && Done.Count == 0;
}
