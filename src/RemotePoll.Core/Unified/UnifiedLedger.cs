using System.Collections.Immutable;

namespace RemotePoll.Core.Unified;

/// <summary>
/// What an RPOP record of a Unified Domain-Wide Account remembers of its deliveries, so that no local user gets a
/// message twice (spec, Unified Domain-Wide Accounts: providers that store one copy per local recipient):
/// <see cref="Seen"/> holds "this message (Message-ID plus header hash) reached this recipient" for the duplicate
/// window; <see cref="Progress"/> holds "this retrieved copy (content hash) is done for this recipient", so a message
/// kept on the server after a partial temporary failure is not delivered again to recipients that have it.
/// Both are pruned by age and capped in size, so the ledger stays bounded.
/// </summary>
public sealed record UnifiedLedger(ImmutableDictionary<string, DateTimeOffset> Seen, ImmutableDictionary<string, DateTimeOffset> Progress)
{
    /// <summary>The most entries each map keeps; the oldest go first.</summary>
    public const int MaxEntries = 100_000;

    /// <summary>Progress is kept at least this long, whatever the duplicate window: a message may stay on the server for days.</summary>
    public static readonly TimeSpan MinProgressRetention = TimeSpan.FromDays(7);

    public static readonly UnifiedLedger Empty = new(ImmutableDictionary.Create<string, DateTimeOffset>(StringComparer.Ordinal),
        ImmutableDictionary.Create<string, DateTimeOffset>(StringComparer.Ordinal));

    /// <summary>Whether <paramref name="key"/> reached its recipient within <paramref name="window"/> before <paramref name="now"/>.</summary>
    public bool WasSeen(string key, DateTimeOffset now, TimeSpan window) => Seen.TryGetValue(key, out var at) && at >= now - window;

    public bool IsDone(string progressKey) => Progress.ContainsKey(progressKey);

    /// <summary>Adds the change's entries and prunes what is older than its window (deterministic: replaying gives the same ledger).</summary>
    public UnifiedLedger Apply(UnifiedChange change)
    {
        var seen = Seen.SetItems(change.Seen.Select(k => KeyValuePair.Create(k, change.At)));
        var progress = Progress.SetItems(change.Done.Select(k => KeyValuePair.Create(k, change.At)));
        var progressWindow = change.Window > MinProgressRetention ? change.Window : MinProgressRetention;
        return new UnifiedLedger(Prune(seen, change.At - change.Window), Prune(progress, change.At - progressWindow));
    }

    private static ImmutableDictionary<string, DateTimeOffset> Prune(ImmutableDictionary<string, DateTimeOffset> map, DateTimeOffset before)
    {
        var old = map.Where(e => e.Value < before).Select(e => e.Key).ToList();
        if (old.Count > 0) map = map.RemoveRange(old);
        if (map.Count <= MaxEntries) return map;
        var excess = map.OrderBy(e => e.Value).ThenBy(e => e.Key, StringComparer.Ordinal).Take(map.Count - MaxEntries).Select(e => e.Key);
        return map.RemoveRange(excess);
    }

    public bool Equals(UnifiedLedger? other) =>
        other is not null && Seen.Count == other.Seen.Count && Progress.Count == other.Progress.Count
        && Seen.All(e => other.Seen.TryGetValue(e.Key, out var v) && v == e.Value)
        && Progress.All(e => other.Progress.TryGetValue(e.Key, out var v) && v == e.Value);

    public override int GetHashCode() => HashCode.Combine(Seen.Count, Progress.Count);
}
